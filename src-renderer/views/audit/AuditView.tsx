/**
 * Audit log: every migration, config write, script execution and replay run
 * recorded by this console or any otbridge process, newest first, a page at
 * a time; each entry's parameters and outcome; and the hash chain verified.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { AuditRow } from '../../../src-shared/ipc/migrate';
import { VirtualTable, type Column } from '../../components/VirtualTable';
import { EmptyState } from '../../components/EmptyState';
import { JsonTree } from '../../components/JsonTree';
import { useStore } from '../../store';
import { useClient } from '../../client/context';
import { describeEntry } from './describe-entry';
import { AuditVerify } from './AuditVerify';

const time = (iso: string): string => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
};

const COLUMNS: readonly Column<AuditRow>[] = [
  { key: 'line', title: 'Line', width: '56px', align: 'right', render: (r) => r.line },
  { key: 'seq', title: '#', width: '56px', align: 'right', render: (r) => r.entry?.seq ?? '–' },
  { key: 'at', title: 'Time', width: '150px', render: (r) => (r.entry ? time(r.entry.at) : '') },
  { key: 'kind', title: 'Kind', width: '160px', render: (r) => (r.entry ? <code>{r.entry.kind}</code> : <span className="error">damaged</span>) },
  { key: 'actor', title: 'By', width: '90px', render: (r) => r.entry?.actor ?? '' },
  { key: 'what', title: 'What', width: 'minmax(240px, 1fr)', render: (r) => (r.entry ? <span title={describeEntry(r.entry)}>{describeEntry(r.entry)}</span> : <span className="error">{r.problem}</span>) },
];

const rowKey = (r: AuditRow): number => r.line;
const rowClass = (r: AuditRow): string => (r.entry ? '' : 'row-error');

export function AuditView() {
  const client = useClient();
  const page = useStore((s) => s.auditPage);
  const q = useStore((s) => s.auditQuery);
  const stale = useStore((s) => s.auditStale);
  const selected = useStore((s) => s.auditSelected);
  const [problem, setProblem] = useState<string | null>(null);

  const load = useCallback(
    (change: Parameters<typeof client.audit.load>[0] = {}) => {
      setProblem(null);
      client.audit.load(change).catch((e: Error) => setProblem(e.message));
    },
    [client],
  );
  // Every visit reads the log again: other processes write to it too.
  useEffect(() => load(), [load]);

  const rows = useMemo(() => page?.rows ?? [], [page]);
  const selectedIndex = useMemo(() => rows.findIndex((r) => r.line === selected), [rows, selected]);
  const getRow = useCallback((i: number) => rows[i], [rows]);
  const current = selectedIndex >= 0 ? rows[selectedIndex] : undefined;
  const kinds = Object.entries(page?.kinds ?? {}).sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const last = page ? q.offset + rows.length : 0;

  return (
    <section className="view audit-view" data-testid="view-audit">
      <div className="toolbar">
        <select data-testid="audit-kind" aria-label="kind" value={q.kind} onChange={(e) => load({ kind: e.target.value, offset: 0 })}>
          <option value="">every kind</option>
          {/* Families first ("migrate" matches migrate.data.start …), then each kind with its count. */}
          {[...new Set(kinds.map(([k]) => k.split('.')[0]!))].filter((f) => !page?.kinds[f]).map((f) => (
            <option key={`family-${f}`} value={f}>
              {f}.*
            </option>
          ))}
          {kinds.map(([k, n]) => (
            <option key={k} value={k}>
              {k} ({n})
            </option>
          ))}
        </select>
        <select data-testid="audit-order" aria-label="order" value={q.order} onChange={(e) => load({ order: e.target.value as 'newest' | 'oldest', offset: 0 })}>
          <option value="newest">newest first</option>
          <option value="oldest">oldest first</option>
        </select>
        <button type="button" className="btn small" data-testid="audit-prev" disabled={q.offset === 0} onClick={() => load({ offset: Math.max(0, q.offset - q.limit) })}>
          ‹ Previous
        </button>
        <span className="muted" data-testid="audit-count">
          {page ? (page.total === 0 ? 'no entries' : `${q.offset + 1}–${last} of ${page.total.toLocaleString()}`) : '…'}
        </span>
        <button type="button" className="btn small" data-testid="audit-next" disabled={!page || last >= page.total} onClick={() => load({ offset: q.offset + q.limit })}>
          Next ›
        </button>
        <button type="button" className={`btn small${stale ? ' active' : ''}`} data-testid="audit-refresh" onClick={() => load()}>
          {stale ? 'New entries: refresh' : 'Refresh'}
        </button>
        {page && <span className="muted">{page.path}</span>}
      </div>
      <AuditVerify onJump={(line) => client.store.getState().selectAuditLine(line)} />
      {problem && (
        <EmptyState tone="error" title="Could not read the audit log">
          {problem}
        </EmptyState>
      )}
      <div className="split">
        <div className="split-main">
          <VirtualTable
            testId="audit-table"
            label="audit log"
            columns={COLUMNS}
            rowCount={rows.length}
            getRow={getRow}
            rowKey={rowKey}
            version={rows.length + q.offset}
            selectedIndex={selectedIndex}
            onSelect={(i) => client.store.getState().selectAuditLine(rows[i]?.line ?? null)}
            rowClassName={rowClass}
            empty={
              <EmptyState title={q.kind ? `No ${q.kind} entries` : 'The audit log is empty'}>
                {q.kind ? 'Choose every kind to see the rest.' : 'Migrations, config writes, script executions and replay runs are recorded here as they happen, from this console and from the otbridge command line.'}
              </EmptyState>
            }
          />
        </div>
        {current && <EntryDetail r={current} />}
      </div>
    </section>
  );
}

function EntryDetail({ r }: { r: AuditRow }) {
  const e = r.entry;
  return (
    <aside className="detail" data-testid="audit-detail">
      <div className="detail-head">
        <strong>{e ? `Entry #${e.seq}` : `Line ${r.line}`}</strong>
        <span className="muted">line {r.line}</span>
      </div>
      {!e ? (
        <EmptyState tone="error" title="Not an entry">
          {r.problem} This line breaks the chain: the entries after it cannot be trusted until it is explained.
        </EmptyState>
      ) : (
        <>
          <p>{describeEntry(e)}</p>
          <dl className="facts">
            <dt>Kind</dt>
            <dd>
              <code>{e.kind}</code>
            </dd>
            <dt>Time</dt>
            <dd>{time(e.at)}</dd>
            <dt>By</dt>
            <dd>{e.actor ?? '–'}</dd>
            <dt>Hash</dt>
            <dd className="mono wrap">{e.hash}</dd>
            <dt>Previous</dt>
            <dd className="mono wrap">{e.prev || '(the first entry)'}</dd>
          </dl>
          <h4>Parameters</h4>
          <JsonTree value={e.params} />
          <h4>Outcome</h4>
          <JsonTree value={e.outcome} />
        </>
      )}
    </aside>
  );
}
