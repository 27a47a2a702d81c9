/** The Traffic table: the row window through VirtualTable, following the stream unless told not to. */
import { useCallback, useMemo } from 'react';
import type { MessageSummary } from '../../src-shared/records';
import { VirtualTable, type Column } from '../components/VirtualTable';
import { EmptyState } from '../components/EmptyState';
import { formatBytes, formatClock, formatMs } from '../format';
import { useStore } from '../store';
import { useClient } from '../client/context';

const COLUMNS: readonly Column<MessageSummary>[] = [
  { key: 'id', title: '#', width: '72px', align: 'right', render: (r) => r.id },
  { key: 'time', title: 'Time', width: '104px', render: (r) => formatClock(r.time) },
  { key: 'session', title: 'Sess', width: '48px', align: 'right', render: (r) => r.session },
  { key: 'dir', title: 'Dir', width: '56px', render: (r) => <span className={`dir dir-${r.dir}`}>{r.dir === 'c2s' ? '→ c2s' : '← s2c'}</span> },
  { key: 'type', title: 'Type', width: 'minmax(160px, 1.4fr)', render: (r) => <span className="type">{r.type}</span> },
  { key: 'size', title: 'Size', width: '80px', align: 'right', render: (r) => formatBytes(r.wireSize) },
  { key: 'latency', title: 'Latency', width: '80px', align: 'right', render: (r) => formatMs(r.latencyMs) },
  { key: 'flags', title: 'Flags', width: 'minmax(120px, 1fr)', render: (r) => r.flags.join(' ') },
  {
    key: 'faults',
    title: 'Faults / error',
    width: 'minmax(140px, 1.2fr)',
    render: (r) => (
      <>
        {r.faults?.map((f) => (
          <span key={f} className="badge fault">
            {f}
          </span>
        ))}
        {r.error && (
          <span className="badge error" title={r.error}>
            {r.error}
          </span>
        )}
      </>
    ),
  },
];

const rowKey = (r: MessageSummary): number => r.id;
const rowClass = (r: MessageSummary): string => (r.error ? 'row-error' : r.faults?.length ? 'row-fault' : '');

export function TrafficTable() {
  const client = useClient();
  const version = useStore((s) => s.trafficVersion);
  const count = useStore((s) => s.trafficCount);
  const win = useStore((s) => s.trafficWindow);
  const follow = useStore((s) => s.follow);
  const selectedId = useStore((s) => s.selectedId);
  const hasOlder = useStore((s) => s.hasOlder);
  const filterApplied = useStore((s) => s.filterApplied);
  const subscribing = useStore((s) => s.subscribing);
  const connection = useStore((s) => s.connection);
  const demo = useStore((s) => s.proxy?.demo ?? null);
  const running = useStore((s) => s.proxy?.running ?? false);

  // The window is mutated in place; `version` is what says it changed.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const selectedIndex = useMemo(() => (selectedId === null ? -1 : win.indexOfId(selectedId)), [win, selectedId, version]);
  const getRow = useCallback((i: number) => win.at(i), [win]);
  const onSelect = useCallback((i: number) => void client.traffic.select(win.at(i)?.id ?? null), [client, win]);
  const onFollow = useCallback((f: boolean) => client.store.getState().setFollow(f), [client]);
  const onReachTop = useCallback(() => {
    if (client.store.getState().hasOlder) void client.traffic.loadOlder();
  }, [client]);

  const capture = useStore((s) => (s.source === 'live' ? null : (s.captures.get(s.source.capture) ?? null)));

  let empty;
  if (connection !== 'open') empty = <EmptyState title="Not connected to the console's services">Waiting for the connection; it retries by itself. If the console was stopped, start it again with otbridge console.</EmptyState>;
  else if (subscribing) empty = <EmptyState title="Loading traffic…" />;
  else if (capture) empty = <EmptyState title={filterApplied.trim() ? 'No messages of this capture match the filter' : 'This capture holds no messages'}>{filterApplied.trim() ? 'Loosen the filter, or clear it with Esc in the filter box.' : `${capture.path} has no message records; choose another source above.`}</EmptyState>;
  else if (filterApplied.trim()) empty = <EmptyState title="No messages match this filter">Loosen the filter, or clear it with Esc in the filter box. New messages that match will appear here.</EmptyState>;
  else if (!running) empty = <EmptyState title="The proxy is not running">Start the console with its demo (npm start), or point it at a server: otbridge console --no-demo --listen 127.0.0.1:7171 --target 127.0.0.1:7172, then connect a client to the listen address.</EmptyState>;
  else empty = <EmptyState title="No traffic yet">{demo ? `The demo's ${demo.bots} bots are connecting to ${demo.server}; messages appear within seconds.` : 'Connect a client to the proxy and its messages appear here.'}</EmptyState>;

  return (
    <VirtualTable
      testId="traffic-table"
      label="traffic"
      columns={COLUMNS}
      rowCount={count}
      getRow={getRow}
      rowKey={rowKey}
      version={version}
      selectedIndex={selectedIndex}
      onSelect={onSelect}
      follow={follow}
      onFollowChange={onFollow}
      trimmed={win.trimmed}
      onReachTop={hasOlder ? onReachTop : undefined}
      rowClassName={rowClass}
      empty={empty}
    />
  );
}
