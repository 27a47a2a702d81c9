/**
 * Metrics: the latest snapshot for the gauges and a few minutes of history
 * for the charts, for all sessions and per session. A tick comes once a
 * second, so rebuilding the (short) series then costs nothing next to what
 * drawing it does.
 */
import type { StateCreator } from 'zustand';
import type { MetricsSnapshot, TrafficStats } from '../../src-shared/metrics';
import type { Store } from './index';

/** Five minutes at one tick a second. */
export const HISTORY_POINTS = 300;

export interface MetricsPoint {
  readonly t: number;
  readonly msgPerSec: number;
  readonly bytesPerSec: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly errorRate: number;
}

export interface MetricsHistory {
  readonly total: readonly MetricsPoint[];
  readonly sessions: ReadonlyMap<number, readonly MetricsPoint[]>;
}

export interface MetricsSlice {
  metrics: MetricsSnapshot | null;
  metricsHistory: MetricsHistory;
  addMetrics(snapshots: readonly MetricsSnapshot[]): void;
}

const point = (t: number, s: TrafficStats): MetricsPoint => ({
  t,
  msgPerSec: s.msgPerSec,
  bytesPerSec: s.bytesPerSec,
  p50: s.latency.p50,
  p95: s.latency.p95,
  p99: s.latency.p99,
  errorRate: s.errorRate,
});

const push = (series: readonly MetricsPoint[] | undefined, p: MetricsPoint): readonly MetricsPoint[] => {
  const out = series ? [...series, p] : [p];
  return out.length > HISTORY_POINTS ? out.slice(out.length - HISTORY_POINTS) : out;
};

export const createMetricsSlice: StateCreator<Store, [], [], MetricsSlice> = (set) => ({
  metrics: null,
  metricsHistory: { total: [], sessions: new Map() },
  addMetrics: (snapshots) =>
    set((s) => {
      if (snapshots.length === 0) return {};
      let { total } = s.metricsHistory;
      const sessions = new Map(s.metricsHistory.sessions);
      for (const snap of snapshots) {
        // A repeated or older snapshot (the initial one racing the first tick) adds nothing.
        const last = total[total.length - 1];
        if (last && snap.at <= last.t) continue;
        total = push(total, point(snap.at, snap.total));
        for (const [id, stats] of Object.entries(snap.sessions)) {
          const n = Number(id);
          sessions.set(n, push(sessions.get(n), point(snap.at, stats)));
        }
      }
      // Sessions that stopped reporting age out with the window.
      const oldest = total[0]?.t ?? 0;
      for (const [id, series] of sessions) if ((series[series.length - 1]?.t ?? 0) < oldest) sessions.delete(id);
      return { metrics: snapshots[snapshots.length - 1]!, metricsHistory: { total, sessions } };
    }),
});
