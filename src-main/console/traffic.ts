/**
 * Live traffic for the UIs: each UI has one subscription with its filter
 * (compiled once, run in main on every message), gets a snapshot of the
 * newest matching rows, then batches of new rows at most every 50 ms —
 * summaries only, never bodies. A paused subscription keeps collecting (up
 * to its backlog) and sends what it missed on resume.
 */
import { compileFilter } from '../../src-shared/filter';
import type { TrafficSubscription } from '../../src-shared/ipc/contract';
import type { MessageSummary } from '../../src-shared/records';
import { summaryOf } from '../proxy/records';
import type { MessageRecord } from '../../src-shared/records';
import type { LiveSource } from './sources';

interface Subscription {
  readonly id: number;
  readonly match: (s: MessageSummary) => boolean;
  paused: boolean;
  readonly backlog: number;
  pending: MessageSummary[];
}

export type RowsSink = (clientId: number, subscription: number, rows: MessageSummary[]) => void;

const DEFAULT_BACKLOG = 5000;
const MAX_BACKLOG = 200_000;

export const clampBacklog = (n: number | undefined): number => Math.max(1, Math.min(MAX_BACKLOG, Math.floor(n ?? DEFAULT_BACKLOG)));

export class TrafficHub {
  private readonly subs = new Map<number, Subscription>();
  private nextId = 1;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly live: LiveSource,
    private readonly sink: RowsSink,
    flushMs = 50,
  ) {
    this.timer = setInterval(() => this.flush(), flushMs);
    this.timer.unref();
  }

  subscribe(clientId: number, filter: string, backlog = DEFAULT_BACKLOG, paused = false): TrafficSubscription {
    const compiled = compileFilter(filter);
    const limit = clampBacklog(backlog);
    const id = this.nextId++;
    if (!compiled.ok) {
      this.subs.delete(clientId);
      return { subscription: id, rows: [], newestId: 0, filterError: compiled.error, hasOlder: false };
    }
    const { rows, hasOlder } = this.live.scanBackSync(compiled.match, Number.MAX_SAFE_INTEGER, limit);
    this.subs.set(clientId, { id, match: compiled.match, paused, backlog: limit, pending: [] });
    return { subscription: id, rows, newestId: rows.length ? rows[rows.length - 1]!.id : 0, filterError: null, hasOlder };
  }

  /** A subscription id for a stream that has no live part (a capture). */
  nextSubscription(): number {
    return this.nextId++;
  }

  pause(clientId: number, paused: boolean): boolean {
    const s = this.subs.get(clientId);
    if (!s) return paused;
    s.paused = paused;
    if (!paused) this.flushOne(clientId, s);
    return s.paused;
  }

  unsubscribe(clientId: number): void {
    this.subs.delete(clientId);
  }

  /** Every new message, from the proxy. */
  onRecord(r: MessageRecord): void {
    if (this.subs.size === 0) return;
    const s = summaryOf(r);
    for (const sub of this.subs.values()) {
      if (!sub.match(s)) continue;
      sub.pending.push(s);
      if (sub.pending.length > sub.backlog) sub.pending.splice(0, sub.pending.length - sub.backlog);
    }
  }

  private flushOne(clientId: number, s: Subscription): void {
    if (s.paused || s.pending.length === 0) return;
    const rows = s.pending;
    s.pending = [];
    this.sink(clientId, s.id, rows);
  }

  flush(): void {
    for (const [clientId, s] of this.subs) this.flushOne(clientId, s);
  }

  close(): void {
    clearInterval(this.timer);
    this.subs.clear();
  }
}
