/**
 * Queues ops and hands them out in batches: CRITICAL at once, the rest at
 * each tick (spec: every 100 ms, at most 50 ops per batch), most urgent
 * first and first-in-first-out within a priority.
 *
 * Reordering by priority must not change what the ops mean, so two rules
 * keep dependent ops in order:
 * - Promotion: an op queued after an overlapping one (same path, parent or
 *   child — see overlap.ts) never leaves before it. When a more urgent op
 *   arrives, the earlier ops it overlaps (and theirs, transitively) are
 *   raised to its priority. Ops that do not overlap touch disjoint parts of
 *   the tree and commute, so any order of them gives the same tree.
 * - Coalescing only where it is exact: a `replace` or `remove` of a path
 *   drops a queued `replace` of the same path when nothing queued between
 *   them overlaps it, and a `replace` after a queued `add` of the same
 *   object member becomes that `add` with the new value. Nothing else is
 *   merged (array inserts, removes followed by adds, parent/child pairs),
 *   and items marked `coalescable: false` are never dropped.
 */
import { Priority } from '../protocol/constants';
import { type Op } from './ops';
import { footprint } from './overlap';
import { isPositional, lastSegment, pathsOverlap } from './pointer';
import { type Scheduler } from './scheduler';

export { Priority };

export interface BatchItem {
  /** May be rewritten by the batcher (replace → add when coalescing) or by its owner. */
  op: Op;
  /** False: never dropped by coalescing (the server's echoes of client ops). */
  readonly coalescable?: boolean;
}

export interface BatcherOptions<T extends BatchItem> {
  /** Ops per batch. Default 50 (spec). */
  readonly batchSize?: number;
  /** Tick period when a scheduler is given. Default 100 ms (spec). */
  readonly intervalMs?: number;
  /** Drives `tick()`; without one, the owner calls `tick()` itself. */
  readonly scheduler?: Scheduler;
  /** Batches a tick may emit; the rest wait for the next tick. Default: no limit. */
  readonly maxBatchesPerTick?: number;
  /** Receives each batch, with the priority of its most urgent op. */
  readonly onBatch: (items: T[], priority: Priority) => void;
  /** Told when coalescing drops a queued item. */
  readonly onDrop?: (dropped: T, supersededBy: T) => void;
  /** Flush CRITICAL items from `push` itself. Default true; false leaves it to `flushCritical()`. */
  readonly autoFlushCritical?: boolean;
}

interface Entry<T> {
  readonly item: T;
  priority: Priority;
  readonly fp: string;
}

export class Batcher<T extends BatchItem> {
  readonly batchSize: number;
  readonly intervalMs: number;
  private readonly maxBatchesPerTick: number;
  /** Queued entries in arrival order (FIFO within a priority is this order). */
  private entries: Entry<T>[] = [];
  private cancel: (() => void) | null = null;

  constructor(private readonly opts: BatcherOptions<T>) {
    this.batchSize = opts.batchSize ?? 50;
    this.intervalMs = opts.intervalMs ?? 100;
    this.maxBatchesPerTick = opts.maxBatchesPerTick ?? Infinity;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${this.batchSize}`);
    if (opts.scheduler) this.cancel = opts.scheduler.every(this.intervalMs, () => this.tick());
  }

  get size(): number {
    return this.entries.length;
  }

  /** Queues `item`; a CRITICAL item is flushed (with what it depends on) before this returns. */
  push(item: T, priority: Priority = Priority.NORMAL): void {
    this.enqueue(item, priority);
    if (priority === Priority.CRITICAL && this.opts.autoFlushCritical !== false) this.flushCritical();
  }

  /** Queues several items, in order; CRITICAL ones leave together in as few batches as fit. */
  pushAll(items: readonly T[], priority: Priority = Priority.NORMAL): void {
    for (const item of items) this.enqueue(item, priority);
    if (items.length > 0 && priority === Priority.CRITICAL && this.opts.autoFlushCritical !== false) this.flushCritical();
  }

  /**
   * Puts items back at the head of the queue, before everything queued
   * (they were taken earlier and their send failed), keeping their order
   * and the promotion rule. They are not coalesced.
   */
  requeue(items: readonly { readonly item: T; readonly priority: Priority }[]): void {
    if (items.length === 0) return;
    const head = items.map(({ item, priority }) => ({ item, priority, fp: footprint(item.op) }));
    this.entries = [...head, ...this.entries];
    // Restore "an earlier overlapping entry is never less urgent", latest first so raises propagate back.
    for (let j = this.entries.length - 1; j > 0; j--) {
      const later = this.entries[j]!;
      for (let i = j - 1; i >= 0; i--) {
        const e = this.entries[i]!;
        if (e.priority > later.priority && pathsOverlap(e.fp, later.fp)) e.priority = later.priority;
      }
    }
  }

  private enqueue(item: T, priority: Priority): void {
    const entry: Entry<T> = { item, priority, fp: footprint(item.op) };
    this.promote(entry);
    this.coalesce(entry);
    this.entries.push(entry);
  }

  /** Emits every CRITICAL item now. */
  flushCritical(): number {
    let n = 0;
    while (this.entries.length > 0 && this.entries.some((e) => e.priority === Priority.CRITICAL)) {
      const batch = this.takeWhere(this.batchSize, Priority.CRITICAL);
      if (!batch) break;
      this.opts.onBatch(batch.items, batch.priority);
      n++;
    }
    return n;
  }

  /** One sync tick: emits queued items as batches (up to maxBatchesPerTick). Returns the batches emitted. */
  tick(): number {
    return this.drain(this.maxBatchesPerTick);
  }

  /** Emits everything queued, whatever maxBatchesPerTick says. */
  flushAll(): number {
    return this.drain(Infinity);
  }

  /** Removes and returns the next batch in flush order, without emitting it. */
  take(max = this.batchSize): { items: T[]; priority: Priority } | null {
    return this.takeWhere(max, Priority.LOW);
  }

  /** Removes a queued item (its owner decided it will not be sent). */
  remove(item: T): boolean {
    const i = this.entries.findIndex((e) => e.item === item);
    if (i < 0) return false;
    this.entries.splice(i, 1);
    return true;
  }

  has(item: T): boolean {
    return this.entries.some((e) => e.item === item);
  }

  /** Queued items in the order they would be sent. */
  ordered(): T[] {
    const out: T[] = [];
    for (let p = Priority.CRITICAL as number; p <= Priority.LOW; p++) for (const e of this.entries) if (e.priority === p) out.push(e.item);
    return out;
  }

  /** Stops the scheduled ticks (queued items stay). */
  stop(): void {
    this.cancel?.();
    this.cancel = null;
  }

  private drain(maxBatches: number): number {
    let n = 0;
    while (n < maxBatches) {
      const batch = this.take();
      if (!batch) break;
      this.opts.onBatch(batch.items, batch.priority);
      n++;
    }
    return n;
  }

  /** Up to `max` items of priority ≤ `upTo`, most urgent first, FIFO within a priority. */
  private takeWhere(max: number, upTo: Priority): { items: T[]; priority: Priority } | null {
    if (this.entries.length === 0) return null;
    if (upTo === Priority.LOW && this.entries.length <= max) {
      // The usual tick: everything fits in one batch.
      const items = this.ordered();
      const priority = Math.min(...this.entries.map((e) => e.priority)) as Priority;
      this.entries = [];
      return { items, priority };
    }
    const taken = new Set<Entry<T>>();
    const items: T[] = [];
    let first: Priority | null = null;
    for (let p = Priority.CRITICAL as number; p <= upTo && items.length < max; p++) {
      for (const e of this.entries) {
        if (e.priority !== p) continue;
        taken.add(e);
        items.push(e.item);
        first ??= e.priority;
        if (items.length >= max) break;
      }
    }
    if (items.length === 0) return null;
    this.entries = this.entries.filter((e) => !taken.has(e));
    return { items, priority: first! };
  }

  /** Raises earlier overlapping entries (transitively) to the new entry's priority. */
  private promote(entry: Entry<T>): void {
    const p = entry.priority;
    if (!this.entries.some((e) => e.priority > p)) return;
    const reach = [entry.fp];
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i]!;
      if (e.priority <= p) continue;
      if (reach.some((fp) => pathsOverlap(fp, e.fp))) {
        e.priority = p;
        reach.push(e.fp);
      }
    }
  }

  private coalesce(entry: Entry<T>): void {
    const op = entry.item.op;
    if (entry.item.coalescable === false || op.op === 'add') return;
    // Only the most recent overlapping entry may be merged: anything older has it in between.
    let i = this.entries.length - 1;
    while (i >= 0 && !pathsOverlap(this.entries[i]!.fp, entry.fp)) i--;
    if (i < 0) return;
    const prev = this.entries[i]!;
    const prevOp = prev.item.op;
    if (prev.item.coalescable === false || prevOp.path !== op.path) return;
    if (prevOp.op === 'replace') {
      // fall through: dropped below
    } else if (prevOp.op === 'add' && op.op === 'replace' && !isPositional(lastSegment(op.path))) {
      entry.item.op = { ...op, op: 'add' };
    } else {
      return;
    }
    this.entries.splice(i, 1);
    entry.priority = Math.min(entry.priority, prev.priority) as Priority;
    this.opts.onDrop?.(prev.item, entry.item);
  }
}
