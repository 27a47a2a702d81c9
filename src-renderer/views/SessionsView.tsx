/** Sessions: live and captured, with peers, account, state version, rate and errors; pick one or all. */
import { useCallback, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { SessionRow } from '../../src-shared/ipc/contract';
import { VirtualTable, type Column } from '../components/VirtualTable';
import { EmptyState } from '../components/EmptyState';
import { formatClock, formatRate } from '../format';
import { useStore } from '../store';
import { useClient } from '../client/context';

const COLUMNS: readonly Column<SessionRow>[] = [
  { key: 'id', title: '#', width: '48px', align: 'right', render: (r) => r.id },
  { key: 'state', title: 'State', width: '88px', render: (r) => (r.closedAt === null ? <span className="badge ok">{r.source === 'live' ? 'open' : 'captured'}</span> : <span className="badge" title={r.closeReason ?? ''}>closed</span>) },
  { key: 'dialect', title: 'Dialect', width: '80px', render: (r) => `${r.dialect} ${r.mode}` },
  { key: 'client', title: 'Client', width: 'minmax(140px, 1fr)', render: (r) => r.client },
  { key: 'upstream', title: 'Server', width: 'minmax(140px, 1fr)', render: (r) => r.upstream },
  { key: 'account', title: 'Account', width: 'minmax(100px, 1fr)', render: (r) => r.account ?? '–' },
  { key: 'version', title: 'State v', width: '72px', align: 'right', render: (r) => r.stateVersion ?? '–' },
  { key: 'messages', title: 'Messages', width: '88px', align: 'right', render: (r) => r.messages.toLocaleString() },
  { key: 'rate', title: 'msg/s', width: '72px', align: 'right', render: (r) => formatRate(r.msgPerSec) },
  { key: 'errors', title: 'Errors', width: '64px', align: 'right', render: (r) => (r.errors ? <span className="error">{r.errors}</span> : 0) },
  { key: 'opened', title: 'Opened', width: '104px', render: (r) => formatClock(r.openedAt) },
];

export function SessionsView() {
  const client = useClient();
  // Open sessions first, then the newest.
  const list = useStore(useShallow((s) => [...s.sessions.values()].sort((a, b) => Number(a.closedAt !== null) - Number(b.closedAt !== null) || b.id - a.id)));
  const scope = useStore((s) => s.scopeSession);
  const selectedIndex = useMemo(() => list.findIndex((r) => r.id === scope), [list, scope]);
  const getRow = useCallback((i: number) => list[i], [list]);
  const pick = useCallback((i: number) => void client.setScope(list[i]?.id ?? null), [client, list]);
  const open = useCallback(
    (i: number) => {
      const id = list[i]?.id;
      if (id === undefined) return;
      void client.setScope(id);
      client.store.getState().setView('traffic');
    },
    [client, list],
  );
  const picked = scope === null ? null : client.store.getState().sessions.get(scope);
  return (
    <section className="view" data-testid="view-sessions">
      <div className="toolbar">
        <button type="button" className={`btn${scope === null ? ' active' : ''}`} data-testid="sessions-all" onClick={() => void client.setScope(null)}>
          All sessions
        </button>
        <span className="muted">
          {scope === null ? 'Traffic, Metrics and State show every session.' : `Traffic, Metrics and State show session ${scope}.`} Double-click or Enter opens its traffic.
        </span>
      </div>
      <div className="split">
        <div className="split-main">
          <VirtualTable
            testId="sessions-table"
            label="sessions"
            columns={COLUMNS}
            rowCount={list.length}
            getRow={getRow}
            rowKey={(r) => r.id}
            version={list.length}
            selectedIndex={selectedIndex}
            onSelect={pick}
            onActivate={open}
            empty={
              <EmptyState title="No sessions yet">A session appears when a client connects to the proxy. With the demo running, its bots connect within seconds.</EmptyState>
            }
          />
        </div>
        {picked && (
          <aside className="detail" data-testid="session-detail">
            <div className="detail-head">
              <strong>Session {picked.id}</strong>
            </div>
            <dl className="facts">
              <dt>Player</dt>
              <dd>{String(picked.playerId ?? '–')}</dd>
              <dt>Closed</dt>
              <dd>{picked.closedAt ? `${formatClock(picked.closedAt)} (${picked.closeReason ?? 'no reason given'})` : 'still open'}</dd>
              {Object.entries(picked.facts).map(([k, v]) => (
                <Fact key={k} k={k} v={v} />
              ))}
            </dl>
          </aside>
        )}
      </div>
    </section>
  );
}

function Fact({ k, v }: { k: string; v: unknown }) {
  return (
    <>
      <dt className="muted">{k}</dt>
      <dd className="wrap">{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
    </>
  );
}
