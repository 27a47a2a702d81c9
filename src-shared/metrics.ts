/** What the proxy measures, as the UI, the CLI and /metrics see it. */

export interface LatencySummary {
  readonly count: number;
  /** Milliseconds. */
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

export interface TrafficStats {
  readonly messages: number;
  readonly bytes: number;
  readonly errors: number;
  /** Over the last few complete seconds. */
  readonly msgPerSec: number;
  readonly bytesPerSec: number;
  /** errors ÷ messages, 0..1. */
  readonly errorRate: number;
  /** Request → response latency. */
  readonly latency: LatencySummary;
  /** Server state batches seen, and those that did not follow the previous version. */
  readonly syncBatches: number;
  readonly syncGaps: number;
  /** (batches − gaps) ÷ batches, 1 when there were none. */
  readonly syncRate: number;
}

export interface MetricsSnapshot {
  readonly at: number;
  readonly sessionsOpen: number;
  readonly sessionsTotal: number;
  readonly total: TrafficStats;
  readonly sessions: Readonly<Record<number, TrafficStats>>;
  /** Latency and count per message type (requests paired with their responses). */
  readonly byType: Readonly<Record<string, LatencySummary & { readonly messages: number }>>;
  readonly faultsApplied: number;
}

/** The design brief's targets, used by the gauges: green when met, amber when close, red otherwise. */
export const TARGETS = {
  p99LatencyMs: 50,
  throughputMsgPerSec: 1000,
  syncRate: 0.999,
  errorRate: 0.001,
} as const;

export type GaugeLevel = 'green' | 'amber' | 'red';

export function gaugeLevel(metric: keyof typeof TARGETS, value: number): GaugeLevel {
  switch (metric) {
    case 'p99LatencyMs':
      return value <= TARGETS.p99LatencyMs ? 'green' : value <= TARGETS.p99LatencyMs * 2 ? 'amber' : 'red';
    case 'throughputMsgPerSec':
      return value >= TARGETS.throughputMsgPerSec ? 'green' : value >= TARGETS.throughputMsgPerSec / 2 ? 'amber' : 'red';
    case 'syncRate':
      return value >= TARGETS.syncRate ? 'green' : value >= 0.99 ? 'amber' : 'red';
    case 'errorRate':
      return value <= TARGETS.errorRate ? 'green' : value <= TARGETS.errorRate * 10 ? 'amber' : 'red';
  }
}
