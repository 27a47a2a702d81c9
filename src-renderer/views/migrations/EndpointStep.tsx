/**
 * Steps 2 and 3: where rows come from and where they go — a SQLite file, a
 * MySQL/MariaDB URL or a folder of NDJSON files — with a connection test that
 * opens it without changing it and says what it found, or why it cannot.
 */
import type { ConnectionTest } from '../../../src-shared/ipc/migrate';
import { useStore } from '../../store';
import { useClient } from '../../client/context';
import type { EndpointKind } from '../../store/migration-draft';
import { NextStep } from './NextStep';
import { PathForm } from '../../components/PathForm';

const KINDS: readonly { kind: EndpointKind; label: string; placeholder: Record<'source' | 'target', string> }[] = [
  { kind: 'sqlite', label: 'SQLite file', placeholder: { source: '/srv/tfs/tfs.db', target: '/srv/canary/canary.db' } },
  { kind: 'mysql', label: 'MySQL / MariaDB', placeholder: { source: 'mysql://user:password@127.0.0.1:3306/tfs', target: 'mysql://user:password@127.0.0.1:3306/canary' } },
  { kind: 'ndjson', label: 'NDJSON folder', placeholder: { source: '/srv/export/tfs/', target: '/srv/export/canary/' } },
];

const HINT: Record<'source' | 'target', string> = {
  source: 'The source is only read (SQLite files are opened read-only).',
  target: "The target is written: it must exist with the target server's schema (Canary's schema.sql) and be writable. A dry run comes first and writes nothing.",
};

export function EndpointStep({ role }: { role: 'source' | 'target' }) {
  const client = useClient();
  const endpoint = useStore((s) => s.migrationDraft[role]);
  const test = useStore((s) => (role === 'source' ? s.migrationDraft.sourceTest : s.migrationDraft.targetTest));
  const names = useStore((s) => s.migrationDraft.profileInfo?.[role] ?? null);
  const kind = KINDS.find((k) => k.kind === endpoint.kind)!;
  const revise = (patch: Partial<typeof endpoint>): void => client.store.getState().reviseMigrationDraft({ [role]: { ...endpoint, ...patch } });

  return (
    <div className="wizard-step-body" data-testid={`migrate-step-${role}`}>
      <h2>
        {role === 'source' ? 'Source' : 'Target'}
        {names && <span className="muted"> — {names.name}</span>}
      </h2>
      <p className="muted">
        {HINT[role]} Paths and addresses are as seen from the machine running the console.
      </p>
      <PathForm
        value={endpoint.location}
        onChange={(location) => revise({ location })}
        onSubmit={async () => {
          await client.migrations.testConnection(role);
        }}
        // A SQLite file can be chosen in a dialog; a MySQL URL is typed, and an NDJSON folder too.
        browse={endpoint.kind === 'sqlite' ? { kind: 'database', mode: 'open' } : null}
        label={`${role} ${endpoint.kind === 'mysql' ? 'URL' : 'path'}`}
        placeholder={kind.placeholder[role]}
        submitLabel="Test connection"
        busyLabel="Testing…"
        testIds={{ input: `migrate-${role}-location`, submit: `migrate-${role}-test`, error: `migrate-${role}-error` }}
        leading={
          <select data-testid={`migrate-${role}-kind`} aria-label={`${role} kind`} value={endpoint.kind} onChange={(e) => revise({ kind: e.target.value as EndpointKind })}>
            {KINDS.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </select>
        }
      />
      {test && <TestResult role={role} t={test} />}
      <NextStep to={role === 'source' ? 'target' : 'type'} label={role === 'source' ? 'Target' : 'Type and plan'} />
    </div>
  );
}

function TestResult({ role, t }: { role: 'source' | 'target'; t: ConnectionTest }) {
  if (!t.ok) {
    return (
      <div className="result bad" role="alert" data-testid={`migrate-${role}-result`} data-ok="false">
        <strong>Cannot use {t.label ?? 'this'}</strong> ({t.problem}): {t.reason}
      </div>
    );
  }
  return (
    <div className="result good" data-testid={`migrate-${role}-result`} data-ok="true">
      <strong>Connected to {t.label}</strong> — {t.tables.length} tables
      {t.dbVersion !== null && <>, db_version {t.dbVersion}</>}
      {t.notes.map((n) => (
        <p key={n} className="warn-text">
          {n}
        </p>
      ))}
      {t.tables.length > 0 && (
        <details>
          <summary>Tables</summary>
          <p className="mono wrap">{t.tables.join(' ')}</p>
        </details>
      )}
    </div>
  );
}
