/**
 * Config: open a config file with a migration profile, read the migrated
 * file side by side with the original and every validation problem with its
 * line, then apply it — the original kept as a backup, the write audited.
 */
import { useState } from 'react';
import type { ConfigPreview } from '../../../src-shared/ipc/migrate';
import { CopyButton } from '../../components/CopyButton';
import { EmptyState } from '../../components/EmptyState';
import { useStore } from '../../store';
import { useClient } from '../../client/context';
import { ConfigForm } from './ConfigForm';
import { SideBySideDiff } from './SideBySideDiff';
import { ConfigValidate } from './ConfigValidate';

export function ConfigView() {
  const shown = useStore((s) => s.configPreview);
  const [mark, setMark] = useState<number | null>(null);
  return (
    <section className="view" data-testid="view-config">
      <h2>Migrate a config file</h2>
      <ConfigForm />
      {shown ? (
        <Preview p={shown.preview} mark={mark} onMark={setMark} />
      ) : (
        <EmptyState title="No config file open">
          Give the path of a config file on the machine running the console (TFS's config.lua for tfs-canary) and press Open. You will see what the migration changes, side by side, and every problem with its line, before anything is written.
        </EmptyState>
      )}
      <ConfigValidate />
    </section>
  );
}

function Preview({ p, mark, onMark }: { p: ConfigPreview; mark: number | null; onMark: (line: number | null) => void }) {
  const errors = p.problems.filter((x) => x.severity === 'error').length;
  const warnings = p.problems.length - errors;
  const afterLines = p.after.split('\n');
  return (
    <div className="config-preview" data-testid="config-preview" data-changed={p.changed} data-ok={p.ok}>
      <p data-testid="config-summary">
        <strong>{p.file ?? p.input}</strong>: {p.changed ? `${p.changes.length} changes` : 'nothing to change'}, <span className={errors ? 'error' : ''}>{errors} errors</span>, <span className={warnings ? 'warn-text' : ''}>{warnings} warnings</span>
        {p.file && p.file !== p.input && <span className="muted"> (from {p.input})</span>}
      </p>
      {p.notes.map((n) => (
        <p key={n} className="muted">
          {n}
        </p>
      ))}
      {p.problems.length > 0 && (
        <table className="table problems-table" data-testid="config-problems">
          <thead>
            <tr>
              <th className="right">Line</th>
              <th>Severity</th>
              <th>Key</th>
              <th>Problem</th>
              <th>The line</th>
            </tr>
          </thead>
          <tbody>
            {p.problems.map((x, i) => (
              <tr key={i} data-testid="config-problem" data-line={x.line} data-severity={x.severity} className={x.line === mark ? 'marked' : ''} onClick={() => onMark(x.line || null)} title={x.line ? 'show this line in the diff' : ''}>
                <td className="right">{x.line || '–'}</td>
                <td className={x.severity === 'error' ? 'error' : 'warn-text'}>{x.severity}</td>
                <td>
                  <code>{x.key}</code>
                </td>
                <td>{x.message}</td>
                <td>
                  <code className="muted">{x.line ? (afterLines[x.line - 1] ?? '').trim().slice(0, 80) : ''}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {p.entryText !== null && (
        <div className="entry-text" data-testid="config-entry">
          <p>
            The entry to paste into OTClient's init.lua (give its path above to have it written): <CopyButton text={() => p.entryText ?? ''} label="Copy" />
          </p>
          <pre>{p.entryText}</pre>
        </div>
      )}
      {p.hunks.length > 0 && <SideBySideDiff hunks={p.hunks} before={p.before} after={p.after} mark={mark} />}
      {p.changes.length > 0 && (
        <details>
          <summary>Every change ({p.changes.length})</summary>
          <table className="table" data-testid="config-changes">
            <thead>
              <tr>
                <th className="right">Line</th>
                <th>Key</th>
                <th>What</th>
                <th>Detail</th>
              </tr>
            </thead>
            <tbody>
              {p.changes.map((c, i) => (
                <tr key={i}>
                  <td className="right">{c.line || '–'}</td>
                  <td>
                    <code>{c.key}</code>
                  </td>
                  <td>{c.action}</td>
                  <td>{c.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
      <Apply p={p} />
    </div>
  );
}

function Apply({ p }: { p: ConfigPreview }) {
  const client = useClient();
  const applied = useStore((s) => s.configApplied);
  const [force, setForce] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!p.file) return null;
  const apply = (): void => {
    setBusy(true);
    setProblem(null);
    client.config
      .apply(force)
      .then(() => setForce(false), (e: Error) => setProblem(e.message))
      .finally(() => setBusy(false));
  };
  return (
    <div className="apply" data-testid="config-apply-box">
      {applied && (
        <p className="ok-text" data-testid="config-applied">
          Wrote {applied.file} ({applied.changes} changes{applied.forced ? `, forced past ${applied.errors} errors` : ''}); the original is kept as <code data-testid="config-backup">{applied.backup}</code>.{' '}
          {applied.audit ? `Audit entry #${applied.audit.seq}.` : <span className="error">Not in the audit log: {applied.auditError}</span>}
        </p>
      )}
      <div className="toolbar">
        {!p.ok && (
          <label className="check" title="write even though the result has errors">
            <input type="checkbox" data-testid="config-force" checked={force} onChange={(e) => setForce(e.target.checked)} /> write despite the errors
          </label>
        )}
        <button type="button" className="btn primary" data-testid="config-apply" disabled={busy || !p.changed || (!p.ok && !force)} onClick={apply}>
          {busy ? 'Writing…' : `Apply to ${p.file}`}
        </button>
        <span className="muted">{p.changed ? 'The original is copied to a .bak file first (an existing backup is never replaced).' : 'Nothing to write: the file is already migrated.'}</span>
        {problem && (
          <span className="error" role="alert" data-testid="config-apply-error">
            {problem}
          </span>
        )}
      </div>
    </div>
  );
}
