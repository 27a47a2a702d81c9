/** Conflicts: every one with path, both values, stamps, strategy and outcome; by path prefix; jump to its messages. */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ConflictRow } from '../../src-shared/ipc/contract';
import { VirtualTable, type Column } from '../components/VirtualTable';
import { EmptyState } from '../components/EmptyState';
import { JsonTree } from '../components/JsonTree';
import { formatClock, preview } from '../format';
import { useStore } from '../store';
import { useClient } from '../client/context';
import { SourcePicker } from '../components/SourcePicker';

const COLUMNS: readonly Column<ConflictRow>[] = [
  { key: 'id', title: '#', width: '56px', align: 'right', render: (r) => r.id },
  { key: 'at', title: 'Time', width: '104px', render: (r) => formatClock(r.at) },
  { key: 'session', title: 'Sess', width: '48px', align: 'right', render: (r) => r.session },
  { key: 'path', title: 'Path', width: 'minmax(160px, 1.5fr)', render: (r) => <code>{r.path}</code> },
  { key: 'client', title: 'Client value', width: 'minmax(100px, 1fr)', render: (r) => preview(r.clientValue, 40) },
  { key: 'server', title: 'Server value', width: 'minmax(100px, 1fr)', render: (r) => preview(r.serverValue, 40) },
  { key: 'strategy', title: 'Strategy', width: '128px', render: (r) => r.strategy },
  { key: 'outcome', title: 'Outcome', width: 'minmax(120px, 1fr)', render: (r) => <span data-testid="conflict-outcome">{r.outcome}</span> },
];

export function ConflictsView() {
  const client = useClient();
  const list = useStore(useShallow((s) => [...s.conflicts.values()].sort((a, b) => b.id - a.id)));
  const prefix = useStore((s) => s.conflictPrefix);
  const [text, setText] = useState(prefix);
  const [selected, setSelected] = useState<number | null>(null);

  // The prefix goes to main when typing pauses.
  useEffect(() => {
    if (text === prefix) return;
    const t = setTimeout(() => void client.conflicts.setPrefix(text), 250);
    return () => clearTimeout(t);
  }, [client, text, prefix]);

  const selectedIndex = useMemo(() => list.findIndex((c) => c.id === selected), [list, selected]);
  const getRow = useCallback((i: number) => list[i], [list]);
  const jump = useCallback((c: ConflictRow | undefined) => c && void client.traffic.show(c.messageIds), [client]);
  const current = selectedIndex >= 0 ? list[selectedIndex] : undefined;

  return (
    <section className="view" data-testid="view-conflicts">
      <div className="toolbar">
        <SourcePicker />
        <input className="input" data-testid="conflicts-prefix" placeholder="Path prefix, e.g. /players/p-1" value={text} onChange={(e) => setText(e.target.value)} aria-label="path prefix" spellCheck={false} />
        <span className="muted" data-testid="conflicts-count">
          {list.length.toLocaleString()} conflicts{prefix && ` under ${prefix}`}
        </span>
      </div>
      <div className="split">
        <div className="split-main">
          <VirtualTable
            testId="conflicts-table"
            label="conflicts"
            columns={COLUMNS}
            rowCount={list.length}
            getRow={getRow}
            rowKey={(r) => r.id}
            version={list.length}
            selectedIndex={selectedIndex}
            onSelect={(i) => setSelected(list[i]?.id ?? null)}
            onActivate={(i) => jump(list[i])}
            empty={
              <EmptyState title={prefix ? `No conflicts under ${prefix}` : 'No conflicts'}>
                {prefix ? 'Clear the prefix to see all.' : 'A conflict is recorded when a client and the server change the same state path concurrently. The demo bots provoke some within a minute.'}
              </EmptyState>
            }
          />
        </div>
        {current && (
          <aside className="detail" data-testid="conflict-detail">
            <div className="detail-head">
              <strong>Conflict #{current.id}</strong>
              <button type="button" className="btn small" data-testid="conflict-jump" onClick={() => jump(current)}>
                Show its messages ({current.messageIds.length})
              </button>
            </div>
            <dl className="facts">
              <dt>Path</dt>
              <dd>
                <code>{current.path}</code>
              </dd>
              <dt>Strategy</dt>
              <dd>{current.strategy}</dd>
              <dt>Outcome</dt>
              <dd>{current.outcome}</dd>
              <dt>Client stamp</dt>
              <dd>{preview(current.clientTs)}</dd>
              <dt>Server stamp</dt>
              <dd>{preview(current.serverTs)}</dd>
            </dl>
            <h4>Client value</h4>
            <JsonTree value={current.clientValue} />
            <h4>Server value</h4>
            <JsonTree value={current.serverValue} />
            <h4>What each strategy would decide</h4>
            <table className="claims">
              <tbody>
                {Object.entries(current.wouldDecide).map(([k, v]) => (
                  <tr key={k} className={k === current.strategy ? 'chosen' : ''}>
                    <th>{k}</th>
                    <td>{v}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </aside>
        )}
      </div>
    </section>
  );
}
