/** Plausible contract values for the renderer's unit tests. */
import type { ConflictRow, SessionRow, StateVersionRow, TrafficSubscription } from '../../src-shared/ipc/contract';
import type { Fault } from '../../src-shared/faults';
import type { MetricsSnapshot, TrafficStats } from '../../src-shared/metrics';
import type { MessageSummary } from '../../src-shared/records';
import { summary } from '../../src-shared/filter/test-messages';

export const rows = (from: number, to: number, over: Partial<MessageSummary> = {}): MessageSummary[] =>
  Array.from({ length: to - from + 1 }, (_, i) => summary({ id: from + i, ...over }));

export const subscription = (id: number, r: readonly MessageSummary[], hasOlder = false): TrafficSubscription => ({
  subscription: id,
  rows: r,
  newestId: r[r.length - 1]?.id ?? 0,
  hasOlder,
  filterError: null,
});

export const sessionRow = (id: number, over: Partial<SessionRow> = {}): SessionRow => ({
  id,
  source: 'live',
  dialect: 'up2',
  mode: 'decrypt',
  client: `127.0.0.1:${50000 + id}`,
  upstream: '127.0.0.1:7172',
  account: `bot${id}`,
  playerId: `p-${id}`,
  openedAt: 1_700_000_000_000,
  closedAt: null,
  closeReason: null,
  stateVersion: 3,
  messages: 100,
  errors: 0,
  msgPerSec: 12,
  facts: {},
  ...over,
});

export const stats = (over: Partial<TrafficStats> = {}): TrafficStats => ({
  messages: 1000,
  bytes: 100_000,
  errors: 0,
  msgPerSec: 500,
  bytesPerSec: 50_000,
  errorRate: 0,
  latency: { count: 100, p50: 2, p95: 8, p99: 12, max: 30, mean: 3 },
  syncBatches: 10,
  syncGaps: 0,
  syncRate: 1,
  ...over,
});

export const metrics = (at: number, sessions: Record<number, TrafficStats> = { 1: stats() }): MetricsSnapshot => ({
  at,
  sessionsOpen: Object.keys(sessions).length,
  sessionsTotal: Object.keys(sessions).length,
  total: stats(),
  sessions,
  byType: {},
  faultsApplied: 0,
});

export const fault = (id: string, over: Partial<Fault> = {}): Fault => ({
  id,
  kind: 'latency',
  dir: 'both',
  latencyMs: 100,
  enabled: true,
  createdAt: 1_700_000_000_000,
  matched: 0,
  applied: 0,
  ...over,
});

export const conflict = (id: number, path: string, over: Partial<ConflictRow> = {}): ConflictRow => ({
  id,
  session: 1,
  path,
  clientValue: 1,
  serverValue: 2,
  clientTs: { wall: 1, logical: 0 },
  serverTs: { wall: 2, logical: 0 },
  strategy: 'SERVER_WINS',
  outcome: 'server value kept',
  wouldDecide: { LAST_WRITE_WINS: 'server', CLIENT_WINS: 'client', SERVER_WINS: 'server', MERGE: 'merged' },
  at: 1_700_000_000_000,
  messageIds: [id * 10, id * 10 + 1],
  ...over,
});

export const version = (v: number, over: Partial<StateVersionRow> = {}): StateVersionRow => ({
  version: v,
  at: 1_700_000_000_000 + v,
  kind: 'batch',
  ops: 2,
  messageId: v * 10,
  ...over,
});
