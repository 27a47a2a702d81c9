/** Step 1: which profile maps the source's tables to the target's — a built-in one, or a profile file. */
import { useState } from 'react';
import type { MigrationProfileInfo } from '../../../src-shared/ipc/migrate';
import { useStore } from '../../store';
import { useClient } from '../../client/context';
import { NextStep } from './NextStep';

const FILE = '\u0000file';

export function ProfileStep() {
  const client = useClient();
  const profiles = useStore((s) => s.migrationProfiles);
  const draft = useStore((s) => s.migrationDraft);
  // A file profile is one the services described as not built in; until the list arrives, assume built in.
  const [fileMode, setFromFile] = useState<boolean | null>(null);
  const fromFile = fileMode ?? draft.profileInfo?.builtin === false;
  const [path, setPath] = useState(draft.profileInfo?.builtin === false ? draft.profile : '');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const choose = async (nameOrPath: string): Promise<void> => {
    setProblem(null);
    setBusy(true);
    try {
      await client.migrations.chooseProfile(nameOrPath);
    } catch (e) {
      setProblem((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="wizard-step-body" data-testid="migrate-step-profile">
      <h2>Profile</h2>
      <p className="muted">A profile says which tables and columns go where, what is left out and why, and what the run checks. Built-in profiles ship with otbridge; your own is a JSON file (docs/migrations.md).</p>
      <div className="toolbar">
        <select
          data-testid="migrate-profile"
          aria-label="profile"
          value={fromFile ? FILE : draft.profile}
          onChange={(e) => {
            if (e.target.value === FILE) return setFromFile(true);
            setFromFile(false);
            void choose(e.target.value);
          }}
        >
          {profiles.map((p) => (
            <option key={p.name} value={p.name}>
              {p.name} — {p.source.name} → {p.target.name}
            </option>
          ))}
          <option value={FILE}>a profile file…</option>
        </select>
        {fromFile && (
          <form
            className="toolbar grow"
            onSubmit={(e) => {
              e.preventDefault();
              void choose(path.trim());
            }}
          >
            <input className="input grow" data-testid="migrate-profile-path" placeholder="/path/to/profile.json" value={path} onChange={(e) => setPath(e.target.value)} spellCheck={false} aria-label="profile file" />
            <button type="submit" className="btn" data-testid="migrate-profile-load" disabled={busy || !path.trim()}>
              {busy ? 'Reading…' : 'Read'}
            </button>
          </form>
        )}
      </div>
      {problem && (
        <pre className="problems" role="alert" data-testid="migrate-profile-error">
          {problem}
        </pre>
      )}
      {draft.profileInfo && <ProfileInfo p={draft.profileInfo} />}
      <NextStep to="source" label="Source" />
    </div>
  );
}

function ProfileInfo({ p }: { p: MigrationProfileInfo }) {
  return (
    <div className="profile-info" data-testid="migrate-profile-info">
      <p>
        <strong>{p.name}</strong>: {p.description || `${p.source.name} → ${p.target.name}`} {p.path && <span className="muted">({p.path})</span>}
      </p>
      <table className="table">
        <thead>
          <tr>
            <th>Source table</th>
            <th>Target table</th>
            <th>Key</th>
            <th>Writes</th>
            <th>Incremental by</th>
            <th>Columns left out</th>
          </tr>
        </thead>
        <tbody>
          {p.tables.map((t) => (
            <tr key={t.source}>
              <td>{t.source}</td>
              <td>{t.target}</td>
              <td>{t.key.join(', ')}</td>
              <td>{t.write === 'replace' ? `replace by ${t.group ?? 'group'}` : 'upsert'}</td>
              <td>{t.incremental ?? 'copied whole'}</td>
              <td className="muted">
                {t.dropped.map((d) => (
                  <span key={d.column} title={d.why}>
                    {d.column}{' '}
                  </span>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {p.ignored.length > 0 && (
        <p className="muted">
          Left out on purpose:{' '}
          {p.ignored.map((i) => (
            <span key={i.table} title={i.why}>
              {i.table}{' '}
            </span>
          ))}
        </p>
      )}
      {p.finalize.map((f) => (
        <p key={`${f.table}.${f.key}`} className="warn-text">
          At the end the run sets {f.table}.{f.key} = {f.value}: {f.warning}
        </p>
      ))}
    </div>
  );
}
