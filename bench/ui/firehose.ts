/**
 * A stand-in for the console's services that the real web shell can serve:
 * it answers the renderer's snapshot requests and pushes 'traffic.rows' at a
 * fixed rate (default 10 000 msg/s, in 50 ms batches, as the services do).
 * This machine cannot make the demo itself carry 10 000 msg/s, and the
 * benchmark measures the renderer, so the rows are synthetic but travel the
 * real path: JSON over the web shell's WebSocket into the real renderer.
 */
import type { ConsoleServices, UiConnection } from '../../src-main/console/services';
import type { EventChannel, EventOf, SessionRow } from '../../src-shared/ipc/contract';
import type { MetricsSnapshot, TrafficStats } from '../../src-shared/metrics';
import type { MessageSummary } from '../../src-shared/records';

type Send = <C extends EventChannel>(channel: C, payload: EventOf<C>) => void;

interface Client {
  readonly id: number;
  readonly send: Send;
  subscription: number | null;
  paused: boolean;
}

const TYPES = ['PLAYER_MOVE', 'GAME_STATE_UPDATE', 'HEARTBEAT', 'PLAYER_ACTION', 'EVENT_BROADCAST', 'EVENT_TRIGGER', 'EVENT_RESPONSE'];
const SESSIONS = 8;

export class Firehose {
  private readonly clients = new Map<number, Client>();
  private nextClient = 1;
  private nextSub = 1;
  private nextId = 1;
  private timer: NodeJS.Timeout | null = null;
  private tick: NodeJS.Timeout | null = null;
  private started = 0;
  private due = 0;
  /** Rows sent to subscribed clients so far. */
  sent = 0;

  constructor(readonly ratePerSec: number) {}

  /** Typed as the services the web shell expects: it only calls connect(). */
  asServices(): ConsoleServices {
    return this as unknown as ConsoleServices;
  }

  connect(send: Send): UiConnection {
    const client: Client = { id: this.nextClient++, send, subscription: null, paused: false };
    this.clients.set(client.id, client);
    return { id: client.id, handle: async (ch, p) => this.handle(client, String(ch), p as Record<string, unknown> | undefined), close: () => this.clients.delete(client.id) };
  }

  private handle(c: Client, ch: string, p: Record<string, unknown> | undefined): unknown {
    switch (ch) {
      case 'app.info':
        return { name: 'otbridge', version: 'bench', shell: 'web', platform: process.platform, node: process.versions.node, startedAt: Date.now(), protocol: 'UP/2.0' };
      case 'proxy.status':
        return { running: true, listen: 'synthetic', target: 'synthetic', mode: 'decrypt', dialect: 'up2', identityFingerprint: null, capture: null, demo: null, metricsUrl: null };
      case 'sessions.list':
        return Array.from({ length: SESSIONS }, (_, i) => sessionRow(i + 1));
      case 'metrics.snapshot':
        return this.metrics();
      case 'faults.list':
      case 'conflicts.list':
      case 'state.versions':
      case 'capture.list':
      case 'migrate.runs':
        return [];
      case 'traffic.subscribe':
        c.subscription = this.nextSub++;
        c.paused = Boolean(p?.paused);
        return { subscription: c.subscription, rows: [], newestId: this.nextId - 1, hasOlder: false, filterError: null };
      case 'traffic.pause':
        c.paused = Boolean(p?.paused);
        return { paused: c.paused };
      case 'traffic.page':
        return { rows: [], hasMore: false, filterError: null };
      case 'traffic.detail':
        return null;
      default:
        throw new Error(`the benchmark's services do not answer ${ch}`);
    }
  }

  /** Starts pushing rows; the count follows the clock, so a late timer catches up instead of lowering the rate. */
  start(batchMs = 50): void {
    this.started = performance.now();
    this.due = 0;
    this.timer = setInterval(() => this.push(), batchMs);
    this.tick = setInterval(() => {
      for (const c of this.clients.values()) c.send('metrics.tick', this.metrics());
    }, 1000);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.tick) clearInterval(this.tick);
    this.timer = this.tick = null;
  }

  /** Sends `n` rows now, regardless of the clock (to fill the window before the scroll test). */
  burst(n: number, batch = 5000): void {
    for (let left = n; left > 0; left -= batch) this.send(this.rows(Math.min(batch, left)));
  }

  private push(): void {
    const target = Math.floor(((performance.now() - this.started) / 1000) * this.ratePerSec);
    const n = Math.min(target - this.due, this.ratePerSec); // never more than a second's worth at once
    this.due = target;
    if (n > 0) this.send(this.rows(n));
  }

  private send(rows: MessageSummary[]): void {
    for (const c of this.clients.values()) {
      if (c.subscription === null || c.paused) continue;
      c.send('traffic.rows', { subscription: c.subscription, rows });
      this.sent += rows.length;
    }
  }

  private rows(n: number): MessageSummary[] {
    const now = Date.now();
    const out: MessageSummary[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const id = this.nextId++;
      const response = id % 3 === 0;
      const type = TYPES[id % TYPES.length]!;
      out[i] = {
        id,
        session: (id % SESSIONS) + 1,
        dir: response ? 's2c' : 'c2s',
        time: now + i * 0.01,
        dialect: 'up2',
        type,
        code: 0x20 + (id % TYPES.length),
        seq: id,
        ref: response ? id - 1 : null,
        flags: response ? ['RESPONSE', 'ENCRYPTED', 'P1'] : ['ENCRYPTED', 'P1'],
        wireSize: 48 + ((id * 37) % 900),
        bodySize: 20 + ((id * 37) % 850),
        ...(response ? { latencyMs: 0.5 + ((id * 13) % 400) / 10, pairId: id - 1 } : {}),
        ...(id % 997 === 0 ? { error: 'BAD_PAYLOAD: synthetic' } : {}),
        ...(id % 503 === 0 ? { faults: ['latency 20ms'] } : {}),
      };
    }
    return out;
  }

  private metrics(): MetricsSnapshot {
    const stats: TrafficStats = {
      messages: this.sent,
      bytes: this.sent * 500,
      errors: Math.floor(this.sent / 997),
      msgPerSec: this.ratePerSec,
      bytesPerSec: this.ratePerSec * 500,
      errorRate: 1 / 997,
      latency: { count: this.sent, p50: 5, p95: 18, p99: 35, max: 40, mean: 7 },
      syncBatches: 0,
      syncGaps: 0,
      syncRate: 1,
    };
    return { at: Date.now(), sessionsOpen: SESSIONS, sessionsTotal: SESSIONS, total: stats, sessions: {}, byType: {}, faultsApplied: 0 };
  }
}

function sessionRow(id: number): SessionRow {
  return {
    id,
    source: 'live',
    dialect: 'up2',
    mode: 'decrypt',
    client: `127.0.0.1:${50000 + id}`,
    upstream: 'synthetic',
    account: `bench${id}`,
    playerId: id,
    openedAt: Date.now(),
    closedAt: null,
    closeReason: null,
    stateVersion: null,
    messages: 0,
    errors: 0,
    msgPerSec: 0,
    facts: {},
  };
}
