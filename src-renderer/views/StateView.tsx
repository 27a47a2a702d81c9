/**
 * State: per session, the timeline of versions (with each batch's op count),
 * the tree at any version, and the diff between any two picked versions —
 * computed in main, drawn lazily here, so large states do not freeze the UI.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { StateVersionRow } from '../../src-shared/ipc/contract';
import { VirtualTable, type Column } from '../components/VirtualTable';
import { EmptyState } from '../components/EmptyState';
import { JsonTree } from '../components/JsonTree';
import { formatClock } from '../format';
import { useStore } from '../store';
import { useClient } from '../client/context';
import { DiffList } from './DiffList';
import { sessionsIn } from '../sources';
import { SourcePicker } from '../components/SourcePicker';

const EMPTY: readonly StateVersionRow[] = [];

export function StateView() {
  const client = useClient();
  const session = useStore((s) => s.stateSession);
  const scope = useStore((s) => s.scopeSession);
  const sessionIds = useStore(useShallow((s) => sessionsIn(s.sessions, s.source).map((r) => r.id).sort((a, b) => a - b)));
  const versions = useStore((s) => (s.stateSession === null ? EMPTY : (s.versions.get(s.stateSession) ?? EMPTY)));
  const from = useStore((s) => s.diffFrom);
  const to = useStore((s) => s.diffTo);
  const tree = useStore((s) => s.tree);

  // Follow the session picked in Sessions; otherwise the first one there is.
  useEffect(() => {
    const want = scope ?? session ?? sessionIds[0] ?? null;
    if (want !== session) void client.state.chooseSession(want);
  }, [client, scope, session, sessionIds]);

  // Oldest first, following the newest as it arrives (as Traffic does): a list that grew at the top
  // would move every row under the pointer. Scrolling up or picking a version stops following.
  const rows = versions;
  const [follow, setFollow] = useState(true);
  const viewed = tree.status === 'ok' ? tree.value.version : null;
  const selectedIndex = useMemo(() => rows.findIndex((r) => r.version === viewed), [rows, viewed]);

  const columns: readonly Column<StateVersionRow>[] = useMemo(
    () => [
      { key: 'v', title: 'Version', width: '80px', align: 'right', render: (r) => r.version },
      { key: 'kind', title: 'Kind', width: '96px', render: (r) => r.kind },
      { key: 'ops', title: 'Ops', width: '56px', align: 'right', render: (r) => r.ops },
      { key: 'at', title: 'Time', width: '104px', render: (r) => formatClock(r.at) },
      {
        key: 'ab',
        title: 'Diff',
        width: '96px',
        render: (r) => (
          <span className="ab">
            <button type="button" className={`ab-btn${from === r.version ? ' on' : ''}`} data-testid="state-pick-from" title="diff from this version (A)" onMouseDown={(e) => e.stopPropagation()} onClick={() => void client.state.pick('from', r.version)}>
              A
            </button>
            <button type="button" className={`ab-btn${to === r.version ? ' on' : ''}`} data-testid="state-pick-to" title="diff to this version (B)" onMouseDown={(e) => e.stopPropagation()} onClick={() => void client.state.pick('to', r.version)}>
              B
            </button>
          </span>
        ),
      },
      { key: 'msg', title: 'Message', width: '80px', align: 'right', render: (r) => <span className="muted">#{r.messageId}</span> },
    ],
    [client, from, to],
  );
  const getRow = useCallback((i: number) => rows[i], [rows]);
  const onSelect = useCallback((i: number) => rows[i] && void client.state.view(rows[i].version), [client, rows]);
  const onActivate = useCallback((i: number) => rows[i] && void client.traffic.show([rows[i].messageId]), [client, rows]);

  return (
    <section className="view" data-testid="view-state">
      <div className="toolbar">
        <SourcePicker />
        <label>
          Session{' '}
          <select data-testid="state-session" value={session ?? ''} onChange={(e) => void client.setScope(e.target.value === '' ? null : Number(e.target.value))}>
            {session === null && <option value="">–</option>}
            {sessionIds.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </label>
        <span className="muted">Click a version to see its tree; mark any two with A and B to diff them; Enter on a version opens the message that produced it.</span>
      </div>
      {session === null ? (
        <EmptyState title="No session to show">State appears once a client logs in through the proxy and the server sends its first snapshot.</EmptyState>
      ) : (
        <div className="state-grid">
          <div className="state-timeline">
            <VirtualTable
              testId="state-versions"
              label="state versions"
              columns={columns}
              rowCount={rows.length}
              getRow={getRow}
              rowKey={(r) => r.version}
              version={rows.length}
              selectedIndex={selectedIndex}
              onSelect={onSelect}
              onActivate={onActivate}
              follow={follow}
              onFollowChange={setFollow}
              empty={<EmptyState title="No versions yet">This session has not received a state snapshot. UP/2.0 sessions get one right after login.</EmptyState>}
            />
          </div>
          <div className="state-panes">
            <section className="pane" data-testid="state-diff-pane">
              <h3>
                Diff {from !== null ? `v${from}` : 'A?'} → {to !== null ? `v${to}` : 'B?'}
              </h3>
              <DiffPane />
            </section>
            <section className="pane" data-testid="state-tree-pane">
              <h3>Tree {viewed !== null && `at v${viewed}`}</h3>
              {tree.status === 'idle' && <p className="muted">Click a version in the timeline.</p>}
              {tree.status === 'loading' && <p className="muted">Loading…</p>}
              {tree.status === 'error' && <EmptyState tone="error" title="Could not load this version">{tree.message}</EmptyState>}
              {tree.status === 'ok' && <JsonTree value={tree.value.state} openDepth={1} testId="state-tree" />}
            </section>
          </div>
        </div>
      )}
    </section>
  );
}

function DiffPane() {
  const diff = useStore((s) => s.diff);
  const from = useStore((s) => s.diffFrom);
  const to = useStore((s) => s.diffTo);
  if (from === null || to === null) return <p className="muted">Mark one version A and another B (any two, not only neighbours).</p>;
  if (diff.status === 'loading' || diff.status === 'idle') return <p className="muted">Computing…</p>;
  if (diff.status === 'error') return <EmptyState tone="error" title="Could not diff these versions">{diff.message}</EmptyState>;
  if (diff.value.ops.length === 0) return <p data-testid="state-diff-empty">No differences between v{diff.value.from} and v{diff.value.to}.</p>;
  return <DiffList ops={diff.value.ops} />;
}
