/**
 * The event bus each peer keeps: subscribe by name or wildcard pattern,
 * dispatch events to every matching handler. Transport-agnostic — the
 * client and server helpers (client.ts, server.ts) turn wire bodies into
 * events and events into wire bodies; LOCAL events never leave the bus.
 *
 * Delivery is idempotent by event id (a bounded memory of ids seen), so an
 * event redelivered after a resume is dropped. A handler that throws, or
 * whose promise rejects, is reported and the other handlers still run.
 */
import { BoundedSet } from './bounded';
import { rethrowLater } from './emitter';
import { randomId, type NewId } from './ids';
import { compilePattern, nameError, type Matcher } from './pattern';
import { type BusEvent } from './types';

export type EventHandler<D = unknown> = (event: BusEvent<D>) => void | Promise<void>;

export type HandlerErrorReporter = (error: unknown, event: BusEvent, pattern: string) => void;

export interface EventBusOptions {
  /** Event ids remembered for deduplication. Default 4096. */
  readonly seenCapacity?: number;
  /** Told about handlers that throw or reject. Default: rethrown on a microtask (loud, but after the others ran). */
  readonly onHandlerError?: HandlerErrorReporter;
  readonly now?: () => number;
  readonly newId?: NewId;
}

export interface DispatchResult {
  /** Already seen: no handler ran. */
  readonly duplicate: boolean;
  /** Handlers called. */
  readonly delivered: number;
  /** Handlers that threw (or whose promise rejected synchronously reported later). */
  readonly failed: number;
}

interface Subscription {
  readonly pattern: string;
  readonly matches: Matcher;
  readonly handler: EventHandler;
}

export class EventBus {
  private subs: Subscription[] = [];
  private readonly seen: BoundedSet<string>;
  private readonly report: HandlerErrorReporter;
  readonly now: () => number;
  readonly newId: NewId;

  constructor(options: EventBusOptions = {}) {
    this.seen = new BoundedSet(options.seenCapacity ?? 4096);
    this.report = options.onHandlerError ?? ((e) => rethrowLater(e, 'event'));
    this.now = options.now ?? Date.now;
    this.newId = options.newId ?? randomId;
  }

  /** Subscribes `handler` to names matching `pattern` (see pattern.ts); returns the unsubscribe function. */
  on<D = unknown>(pattern: string, handler: EventHandler<D>): () => void {
    const sub: Subscription = { pattern, matches: compilePattern(pattern), handler: handler as EventHandler };
    this.subs = [...this.subs, sub];
    return () => this.remove(sub);
  }

  /** Like `on`, for the first matching event only. */
  once<D = unknown>(pattern: string, handler: EventHandler<D>): () => void {
    const off = this.on<D>(pattern, (e) => {
      off();
      return handler(e);
    });
    return off;
  }

  /** Removes the first subscription of `handler` to exactly `pattern`. */
  off(pattern: string, handler: EventHandler<never>): boolean {
    const sub = this.subs.find((s) => s.pattern === pattern && s.handler === handler);
    return sub ? this.remove(sub) : false;
  }

  /** How many subscriptions would receive `name` (all subscriptions when omitted). */
  listenerCount(name?: string): number {
    return name === undefined ? this.subs.length : this.subs.filter((s) => s.matches(name)).length;
  }

  /** Raises a LOCAL event: dispatched here, never sent. */
  emit<D = unknown>(name: string, data?: D): BusEvent<D> {
    const e = nameError(name);
    if (e) throw new RangeError(e);
    const event: BusEvent<D> = { id: this.newId(), name, scope: 'local', ts: this.now(), ...(data === undefined ? {} : { data }) };
    this.dispatch(event);
    return event;
  }

  /**
   * Calls every handler whose pattern matches `event.name`, in subscription
   * order — unless the id was seen before (then none, `duplicate`).
   * `dedupe: false` skips the id check (for ids already deduplicated upstream).
   */
  dispatch(event: BusEvent, options: { readonly dedupe?: boolean } = {}): DispatchResult {
    if (options.dedupe !== false && !this.seen.add(event.id)) return { duplicate: true, delivered: 0, failed: 0 };
    let delivered = 0;
    let failed = 0;
    // The array is replaced, never changed, by on/off: handlers may (un)subscribe while we iterate.
    for (const sub of this.subs) {
      if (!sub.matches(event.name)) continue;
      delivered++;
      try {
        const r = sub.handler(event);
        if (r && typeof (r as Promise<void>).then === 'function') (r as Promise<void>).then(undefined, (err: unknown) => this.report(err, event, sub.pattern));
      } catch (err) {
        failed++;
        this.report(err, event, sub.pattern);
      }
    }
    return { duplicate: false, delivered, failed };
  }

  /** True when `id` was dispatched (and is still remembered). */
  hasSeen(id: string): boolean {
    return this.seen.has(id);
  }

  private remove(sub: Subscription): boolean {
    const i = this.subs.indexOf(sub);
    if (i < 0) return false;
    this.subs = this.subs.filter((s) => s !== sub);
    return true;
  }
}
