/** Sessions: live and captured, with peers, account, state version, rate and errors; pick one or all. */
import { useCallback, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { SessionRow } from '../../src-shared/ipc/contract';
import { VirtualTable, type Column } from '../components/VirtualTable';
import { EmptyState } from '../components/EmptyState';
import { formatClock, formatRate } from '../format';
import { useStore } from '../store';
import { useClient } from '../client/context';
import { sameSource, sessionKey, sourceOfRow } from '../sources';
import { CapturesPanel } from './captures/CapturesPanel';

const COLUMNS = (captureName: (id: number | undefined) => string): readonly Column<SessionRow>[] => [
  { key: 'id', title: '#', width: '48px', align: 'right', render: (r) => r.id },
  { key: 'source', title: 'Source', width: 'minmax(80px, 0.8fr)', render: (r) => (r.source === 'live' ? 'live' : <span title={`capture ${r.capture}`}>{captureName(r.capture)}</span>) },
  {
    key: 'state',
    title: 'State',
    width: '88px',
    render: (r) =>
      r.source === 'capture' ? (
        <span className="badge" data-testid="session-captured" title={r.closeReason ?? ''}>
          captured
        </span>
      ) : r.closedAt === null ? (
        <span className="badge ok">open</span>
      ) : (
        <span className="badge" title={r.closeReason ?? ''}>
          closed
        </span>
      ),
  },
  { key: 'dialect', title: 'Dialect', width: '80px', render: (r) => `${r.dialect} ${r.mode}` },
  { key: 'client', title: 'Client', width: 'minmax(140px, 1fr)', render: (r) => r.client },
  { key: 'upstream', title: 'Server', width: 'minmax(140px, 1fr)', render: (r) => r.upstream },
  { key: 'account', title: 'Account', width: 'minmax(100px, 1fr)', render: (r) => r.account ?? '–' },
  { key: 'version', title: 'State v', width: '72px', align: 'right', render: (r) => r.stateVersion ?? '–' },
  { key: 'messages', title: 'Messages', width: '88px', align: 'right', render: (r) => r.messages.toLocaleString() },
  { key: 'rate', title: 'msg/s', width: '72px', align: 'right', render: (r) => (r.source === 'live' ? formatRate(r.msgPerSec) : '–') },
  { key: 'errors', title: 'Errors', width: '64px', align: 'right', render: (r) => (r.errors ? <span className="error">{r.errors}</span> : 0) },
  { key: 'opened', title: 'Opened', width: '104px', render: (r) => formatClock(r.openedAt) },
];

export function SessionsView() {
  const client = useClient();
  // Open live sessions first, then the newest; captured ones after the live ones.
  const list = useStore(
    useShallow((s) =>
      [...s.sessions.values()].sort(
        (a, b) => Number(a.source !== 'live') - Number(b.source !== 'live') || Number(a.closedAt !== null) - Number(b.closedAt !== null) || (a.capture ?? 0) - (b.capture ?? 0) || b.id - a.id,
      ),
    ),
  );
  const scope = useStore((s) => s.scopeSession);
  const source = useStore((s) => s.source);
  const captures = useStore((s) => s.captures);
  const columns = useMemo(() => COLUMNS((id) => (id === undefined ? 'capture' : (captures.get(id)?.name ?? `capture ${id}`))), [captures]);
  const selectedIndex = useMemo(() => (scope === null ? -1 : list.findIndex((r) => r.id === scope && sameSource(sourceOfRow(r), source))), [list, scope, source]);
  const getRow = useCallback((i: number) => list[i], [list]);
  // Picking a captured session switches Traffic, State and Conflicts to its capture.
  const pick = useCallback((i: number) => {
    const r = list[i];
    if (r) void client.setSource(sourceOfRow(r), r.id);
  }, [client, list]);
  const open = useCallback(
    (i: number) => {
      const r = list[i];
      if (!r) return;
      void client.setSource(sourceOfRow(r), r.id);
      client.store.getState().setView('traffic');
    },
    [client, list],
  );
  const picked = selectedIndex >= 0 ? list[selectedIndex] : undefined;
  const where = source === 'live' ? '' : ` of ${captures.get(source.capture)?.name ?? 'the capture'}`;
  return (
    <section className="view" data-testid="view-sessions">
      <CapturesPanel />
      <div className="toolbar">
        <button type="button" className={`btn${scope === null ? ' active' : ''}`} data-testid="sessions-all" onClick={() => void client.setScope(null)}>
          All sessions
        </button>
        <span className="muted" data-testid="sessions-scope">
          {scope === null ? `Traffic, Metrics and State show every session${where}.` : `Traffic, Metrics and State show session ${scope}${where}.`} Double-click or Enter opens its traffic.
        </span>
      </div>
      <div className="split">
        <div className="split-main">
          <VirtualTable
            testId="sessions-table"
            label="sessions"
            columns={columns}
            rowCount={list.length}
            getRow={getRow}
            rowKey={sessionKey}
            version={list.length}
            selectedIndex={selectedIndex}
            onSelect={pick}
            onActivate={open}
            empty={
              <EmptyState title="No sessions yet">A session appears when a client connects to the proxy (with the demo running, its bots connect within seconds), or when you open a capture above.</EmptyState>
            }
          />
        </div>
        {picked && (
          <aside className="detail" data-testid="session-detail">
            <div className="detail-head">
              <strong>
                Session {picked.id}
                {picked.source === 'capture' && ` · ${captures.get(picked.capture ?? -1)?.name ?? 'capture'}`}
              </strong>
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
