/** Metrics: gauges against the targets, and time series for rate, bytes and latency percentiles. */
import { lazy, Suspense } from 'react';
import { gaugeLevel, TARGETS, type TrafficStats } from '../../src-shared/metrics';
import { Gauge } from '../components/Gauge';
import { EmptyState } from '../components/EmptyState';
import { formatBytes, formatMs, formatPercent, formatRate } from '../format';
import { useStore } from '../store';
import { useClient } from '../client/context';
import { useShallow } from 'zustand/react/shallow';
import { LIVE, sessionsIn } from '../sources';

// recharts is most of the bundle: load it when the Metrics view is first opened, not at start.
const MetricsCharts = lazy(() => import('./MetricsCharts').then((m) => ({ default: m.MetricsCharts })));

export function MetricsView() {
  const client = useClient();
  const metrics = useStore((s) => s.metrics);
  // Metrics are the live proxy's: a session picked in a capture does not narrow them.
  const scope = useStore((s) => (s.source === 'live' ? s.scopeSession : null));
  // The proxy's sessions: metrics are measured live, captures have none.
  const sessionIds = useStore(useShallow((s) => sessionsIn(s.sessions, LIVE).map((r) => r.id)));
  const stats: TrafficStats | undefined = metrics ? (scope === null ? metrics.total : metrics.sessions[scope]) : undefined;
  return (
    <section className="view metrics-view" data-testid="view-metrics">
      <div className="toolbar">
        <label>
          Show{' '}
          <select data-testid="metrics-scope" value={scope ?? ''} onChange={(e) => {
              const id = e.target.value === '' ? null : Number(e.target.value);
              if (id !== null) void client.setSource(LIVE, id);
              else if (client.store.getState().source === 'live') void client.setScope(null);
            }}
          >
            <option value="">all sessions</option>
            {sessionIds.map((id) => (
              <option key={id} value={id}>
                session {id}
              </option>
            ))}
          </select>
        </label>
        {metrics && (
          <span className="muted">
            {metrics.sessionsOpen} open of {metrics.sessionsTotal} sessions · {metrics.faultsApplied.toLocaleString()} faults applied
          </span>
        )}
      </div>
      {!metrics ? (
        <EmptyState title="No metrics yet">The proxy reports once a second while it runs. Start it with the demo (npm start) or with --listen and --target.</EmptyState>
      ) : !stats ? (
        <EmptyState title={`Session ${scope} has no metrics`}>It may have closed before reporting. Pick another session, or all.</EmptyState>
      ) : (
        <>
          <div className="gauges">
            <Gauge
              testId="gauge-latency"
              title="p99 latency"
              value={stats.latency.count ? formatMs(stats.latency.p99) : '–'}
              target={`≤ ${TARGETS.p99LatencyMs} ms`}
              level={stats.latency.count ? gaugeLevel('p99LatencyMs', stats.latency.p99) : null}
              fill={stats.latency.p99 / (TARGETS.p99LatencyMs * 2)}
            />
            <Gauge
              testId="gauge-throughput"
              title="throughput"
              value={`${formatRate(stats.msgPerSec)} msg/s`}
              target={`≥ ${TARGETS.throughputMsgPerSec} msg/s`}
              level={gaugeLevel('throughputMsgPerSec', stats.msgPerSec)}
              fill={stats.msgPerSec / (TARGETS.throughputMsgPerSec * 2)}
            />
            <Gauge
              testId="gauge-sync"
              title="sync rate"
              value={stats.syncBatches ? formatPercent(stats.syncRate, 2) : '–'}
              target={`≥ ${formatPercent(TARGETS.syncRate)}`}
              level={stats.syncBatches ? gaugeLevel('syncRate', stats.syncRate) : null}
              fill={stats.syncRate}
            />
            <Gauge
              testId="gauge-errors"
              title="error rate"
              value={formatPercent(stats.errorRate, 2)}
              target={`≤ ${formatPercent(TARGETS.errorRate)}`}
              level={stats.messages ? gaugeLevel('errorRate', stats.errorRate) : null}
              fill={stats.errorRate / (TARGETS.errorRate * 2)}
            />
          </div>
          <p className="muted">
            {stats.messages.toLocaleString()} messages, {formatBytes(stats.bytes)}, {stats.errors.toLocaleString()} errors; latency p50 {formatMs(stats.latency.p50)}, p95 {formatMs(stats.latency.p95)}, max {formatMs(stats.latency.max)}.
          </p>
          <Suspense fallback={<p className="muted">Loading charts…</p>}>
            <MetricsCharts scope={scope} />
          </Suspense>
        </>
      )}
    </section>
  );
}
