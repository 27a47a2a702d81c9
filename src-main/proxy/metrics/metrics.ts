/**
 * Per-session and overall traffic metrics of the proxy: counts, rates,
 * request→response latency, error rate and the spec's sync rate.
 */
import type { LatencySummary, MetricsSnapshot, TrafficStats } from '../../../src-shared/metrics';
import { LatencyStats, SessionLatency, type LatencyRecorder } from './latency';
import { RateWindow } from './rate';

class Traffic {
  messages = 0;
  bytes = 0;
  errors = 0;
  syncBatches = 0;
  syncGaps = 0;
  readonly msgRate = new RateWindow();
  readonly byteRate = new RateWindow();
  constructor(readonly latency: LatencyRecorder) {}

  count(bytes: number, error: boolean, now: number): void {
    this.messages++;
    this.bytes += bytes;
    if (error) this.errors++;
    this.msgRate.add(1, now);
    this.byteRate.add(bytes, now);
  }

  stats(now: number): TrafficStats {
    return {
      messages: this.messages,
      bytes: this.bytes,
      errors: this.errors,
      msgPerSec: this.msgRate.rate(now),
      bytesPerSec: this.byteRate.rate(now),
      errorRate: this.messages ? this.errors / this.messages : 0,
      latency: this.latency.snapshot(),
      syncBatches: this.syncBatches,
      syncGaps: this.syncGaps,
      syncRate: this.syncBatches ? (this.syncBatches - this.syncGaps) / this.syncBatches : 1,
    };
  }
}

class TypeStats {
  messages = 0;
  readonly latency = new LatencyStats();
}

export class ProxyMetrics {
  private readonly total = new Traffic(new LatencyStats());
  private readonly sessions = new Map<number, Traffic>();
  private readonly types = new Map<string, TypeStats>();
  private readonly closedAt = new Map<number, number>();
  sessionsOpen = 0;
  sessionsTotal = 0;
  faultsApplied = 0;
  /** How long a closed session's figures stay in snapshots. */
  keepClosedMs = 60_000;

  sessionOpened(id: number): void {
    this.sessions.set(id, new Traffic(new SessionLatency()));
    this.sessionsOpen++;
    this.sessionsTotal++;
  }

  sessionClosed(id: number, now = Date.now()): void {
    if (!this.sessions.has(id) || this.closedAt.has(id)) return;
    this.sessionsOpen--;
    this.closedAt.set(id, now);
  }

  message(session: number, type: string, bytes: number, error: boolean, now: number): void {
    // Called for every message: no array of the two targets to iterate.
    this.total.count(bytes, error, now);
    this.sessions.get(session)?.count(bytes, error, now);
    let ts = this.types.get(type);
    if (!ts) this.types.set(type, (ts = new TypeStats()));
    ts.messages++;
  }

  /** A response paired with its request: latency of the request's type. */
  latency(session: number, requestType: string, ms: number): void {
    this.total.latency.record(ms);
    this.sessions.get(session)?.latency.record(ms);
    let ts = this.types.get(requestType);
    if (!ts) this.types.set(requestType, (ts = new TypeStats()));
    ts.latency.record(ms);
  }

  /** A server state batch seen on the wire; `gap` when it did not follow the session's last version. */
  syncBatch(session: number, gap: boolean): void {
    for (const t of [this.total, this.sessions.get(session)]) {
      if (!t) continue;
      t.syncBatches++;
      if (gap) t.syncGaps++;
    }
  }

  fault(): void {
    this.faultsApplied++;
  }

  session(id: number, now = Date.now()): TrafficStats | null {
    return this.sessions.get(id)?.stats(now) ?? null;
  }

  snapshot(now = Date.now()): MetricsSnapshot {
    for (const [id, at] of this.closedAt) {
      if (now - at > this.keepClosedMs) {
        this.closedAt.delete(id);
        this.sessions.delete(id);
      }
    }
    const sessions: Record<number, TrafficStats> = {};
    for (const [id, t] of this.sessions) sessions[id] = t.stats(now);
    const byType: Record<string, LatencySummary & { messages: number }> = {};
    for (const [name, t] of this.types) byType[name] = { ...t.latency.snapshot(), messages: t.messages };
    return {
      at: now,
      sessionsOpen: this.sessionsOpen,
      sessionsTotal: this.sessionsTotal,
      total: this.total.stats(now),
      sessions,
      byType,
      faultsApplied: this.faultsApplied,
    };
  }
}
