/**
 * A run's rejects, a page at a time from the services (the file can be
 * large): by table and kind, each with its key, reasons and the whole row,
 * and its line in the rejects file. Follows the run while it writes them.
 */
import { useEffect, useState } from 'react';
import type { RejectKind, RejectRow, RejectsPage } from '../../../src-shared/ipc/migrate';
import { JsonTree } from '../../components/JsonTree';
import { preview } from '../../format';
import { useClient } from '../../client/context';

const PAGE = 50;
const KINDS: readonly RejectKind[] = ['invalid', 'duplicate', 'refused', 'unreadable'];

export function RejectsBrowser({ runId, rejected, growing }: { runId: string; rejected: number; growing: boolean }) {
  const client = useClient();
  const [offset, setOffset] = useState(0);
  const [table, setTable] = useState('');
  const [kind, setKind] = useState<RejectKind | ''>('');
  const [page, setPage] = useState<RejectsPage | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  // Reloaded when the run has rejected more (it writes them as it goes), or the page or filter changes.
  useEffect(() => {
    let live = true;
    client.migrations.rejects(runId, { offset, limit: PAGE, ...(table ? { table } : {}), ...(kind ? { kind } : {}) }).then(
      (p) => {
        if (!live) return;
        setPage(p);
        setProblem(null);
      },
      (e: Error) => live && setProblem(e.message),
    );
    return () => {
      live = false;
    };
  }, [client, runId, offset, table, kind, rejected]);

  const filter = (t: string, k: RejectKind | ''): void => {
    setTable(t);
    setKind(k);
    setOffset(0);
    setOpen(null);
  };

  return (
    <details className="rejects" data-testid="migrate-rejects" open>
      <summary>
        Rejects <span data-testid="migrate-rejects-total">{page ? page.total.toLocaleString() : rejected.toLocaleString()}</span>
        {growing && <span className="muted"> (the run is still writing them)</span>}
      </summary>
      {problem && <p className="error">{problem}</p>}
      {page && (
        <>
          <div className="toolbar">
            <select aria-label="table" data-testid="migrate-rejects-table" value={table} onChange={(e) => filter(e.target.value, kind)}>
              <option value="">every table</option>
              {Object.entries(page.byTable).map(([t, n]) => (
                <option key={t} value={t}>
                  {t} ({n})
                </option>
              ))}
            </select>
            <select aria-label="kind" data-testid="migrate-rejects-kind" value={kind} onChange={(e) => filter(table, e.target.value as RejectKind | '')}>
              <option value="">every kind</option>
              {KINDS.filter((k) => page.byKind[k]).map((k) => (
                <option key={k} value={k}>
                  {k} ({page.byKind[k]})
                </option>
              ))}
            </select>
            <span className="muted">
              {page.total === 0 ? 'none' : `${offset + 1}–${offset + page.rows.length} of ${page.total.toLocaleString()}`} · {page.file}
            </span>
            <button type="button" className="btn small" data-testid="migrate-rejects-prev" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
              ‹ Newer lines
            </button>
            <button type="button" className="btn small" data-testid="migrate-rejects-next" disabled={offset + page.rows.length >= page.total} onClick={() => setOffset(offset + PAGE)}>
              Later lines ›
            </button>
          </div>
          <table className="table rejects-table">
            <thead>
              <tr>
                <th className="right">Line</th>
                <th>Table</th>
                <th>Kind</th>
                <th>Key</th>
                <th>Why</th>
              </tr>
            </thead>
            <tbody>
              {page.rows.map((r, i) => (
                <RejectLine key={r.line} r={r} open={open === r.line} onToggle={() => setOpen(open === r.line ? null : r.line)} fetchFull={() => client.migrations.rejects(runId, { offset: offset + i, limit: 1, full: true, ...(table ? { table } : {}), ...(kind ? { kind } : {}) })} />
              ))}
            </tbody>
          </table>
        </>
      )}
    </details>
  );
}

function RejectLine({ r, open, onToggle, fetchFull }: { r: RejectRow; open: boolean; onToggle: () => void; fetchFull: () => Promise<RejectsPage> }) {
  const [full, setFull] = useState<RejectRow | null>(null);
  const shown = full ?? r;
  return (
    <>
      <tr data-testid="migrate-reject-row" data-line={r.line} className={r.kind === 'damaged' ? 'bad-row' : ''} onClick={onToggle} aria-expanded={open}>
        <td className="right">{r.line}</td>
        <td>{r.table}</td>
        <td>{r.kind}</td>
        <td>
          <code>{preview(r.key, 60)}</code>
        </td>
        <td>{r.reasons.join('; ')}</td>
      </tr>
      {open && (
        <tr>
          <td colSpan={5}>
            <JsonTree value={shown.row} openDepth={1} />
            {shown.truncated && (
              <button
                type="button"
                className="btn small"
                onClick={() =>
                  void fetchFull().then(
                    (p) => p.rows[0] && setFull(p.rows[0]),
                    () => undefined,
                  )
                }
              >
                Show the values in full
              </button>
            )}
          </td>
        </tr>
      )}
    </>
  );
}
