import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Batcher, Priority, type BatchItem } from './batcher';
import { deepEqual, type JsonObject } from './json';
import { applyOps, type Op } from './ops';
import { ManualScheduler } from './scheduler';

interface Item extends BatchItem {
  readonly id: number;
}

function setup(opts: { batchSize?: number; maxBatchesPerTick?: number } = {}) {
  const scheduler = new ManualScheduler();
  const batches: { ids: number[]; priority: Priority; at: number }[] = [];
  const dropped: number[] = [];
  let next = 0;
  const b = new Batcher<Item>({
    scheduler,
    ...opts,
    onBatch: (items, priority) => batches.push({ ids: items.map((i) => i.id), priority, at: scheduler.now() }),
    onDrop: (d) => dropped.push(d.id),
  });
  const push = (op: Op, priority: Priority = Priority.NORMAL, coalescable = true): Item => {
    const item: Item = { id: next++, op, coalescable };
    b.push(item, priority);
    return item;
  };
  return { b, scheduler, batches, dropped, push };
}

const set = (path: string, value: unknown): Op => ({ op: 'replace', path, value });

describe('batcher', () => {
  it('holds ops until the tick (100 ms), then sends them in one batch', () => {
    const { scheduler, batches, push } = setup();
    push(set('/a', 1));
    push(set('/b', 1));
    scheduler.advance(99);
    expect(batches).toEqual([]);
    scheduler.advance(1);
    expect(batches).toEqual([{ ids: [0, 1], priority: Priority.NORMAL, at: 100 }]);
    scheduler.advance(100);
    expect(batches).toHaveLength(1);
  });

  it('flushes CRITICAL at once, leaving the rest for the tick', () => {
    const { scheduler, batches, push } = setup();
    push(set('/a', 1), Priority.LOW);
    push(set('/hp', 0), Priority.CRITICAL);
    expect(batches).toEqual([{ ids: [1], priority: Priority.CRITICAL, at: 0 }]);
    scheduler.advance(100);
    expect(batches[1]).toEqual({ ids: [0], priority: Priority.LOW, at: 100 });
  });

  it('sends most urgent first, FIFO within a priority, at most batchSize per batch', () => {
    const { scheduler, batches, push } = setup({ batchSize: 3 });
    push(set('/l1', 1), Priority.LOW);
    push(set('/n1', 1), Priority.NORMAL);
    push(set('/h1', 1), Priority.HIGH);
    push(set('/n2', 1), Priority.NORMAL);
    push(set('/h2', 1), Priority.HIGH);
    push(set('/l2', 1), Priority.LOW);
    push(set('/n3', 1), Priority.NORMAL);
    scheduler.advance(100);
    expect(batches.map((x) => x.ids)).toEqual([
      [2, 4, 1],
      [3, 6, 0],
      [5],
    ]);
    expect(batches.map((x) => x.priority)).toEqual([Priority.HIGH, Priority.NORMAL, Priority.LOW]);
  });

  it('sends at most 50 ops per batch by default', () => {
    const { scheduler, batches, push } = setup();
    for (let i = 0; i < 120; i++) push(set(`/k${i}`, i));
    scheduler.advance(100);
    expect(batches.map((x) => x.ids.length)).toEqual([50, 50, 20]);
  });

  it('honours maxBatchesPerTick, carrying the rest to the next tick', () => {
    const { scheduler, batches, push } = setup({ batchSize: 2, maxBatchesPerTick: 1 });
    for (let i = 0; i < 5; i++) push(set(`/k${i}`, i));
    scheduler.advance(100);
    expect(batches.map((x) => x.ids)).toEqual([[0, 1]]);
    scheduler.advance(200);
    expect(batches.map((x) => x.ids)).toEqual([[0, 1], [2, 3], [4]]);
  });

  it('promotes earlier overlapping ops so a CRITICAL op never overtakes what it depends on', () => {
    const { batches, push, b } = setup();
    push({ op: 'add', path: '/w/c9', value: { hp: 10 } }, Priority.LOW); // creates the creature
    push(set('/other', 1), Priority.LOW);
    push(set('/w/c9/hp', 0), Priority.CRITICAL); // depends on it
    expect(batches).toEqual([{ ids: [0, 2], priority: Priority.CRITICAL, at: 0 }]);
    expect(b.size).toBe(1);
  });

  it('promotes transitively through a chain of overlapping ops', () => {
    const { batches, push } = setup();
    push({ op: 'add', path: '/a/x', value: 1 }, Priority.LOW);
    push(set('/a', { x: 2, y: 0 }), Priority.LOW); // overlaps 0
    push({ op: 'add', path: '/z', value: 1 }, Priority.LOW);
    push(set('/a/y', 1), Priority.CRITICAL); // overlaps 1 only: 0 must still go first
    expect(batches[0]!.ids).toEqual([0, 1, 3]);
  });

  it('coalesces a replace of the same path, keeping the more urgent priority', () => {
    const { scheduler, batches, dropped, push } = setup();
    push(set('/hp', 1), Priority.HIGH);
    push(set('/hp', 2), Priority.LOW);
    expect(dropped).toEqual([0]);
    scheduler.advance(100);
    expect(batches).toEqual([{ ids: [1], priority: Priority.HIGH, at: 100 }]);
  });

  it('turns add-then-replace of a member into one add; remove supersedes a replace', () => {
    const { b, push, dropped } = setup();
    push({ op: 'add', path: '/w/x', value: 1 });
    const r = push(set('/w/x', 2));
    expect(r.op).toEqual({ op: 'add', path: '/w/x', value: 2 });
    push(set('/y', 1));
    push({ op: 'remove', path: '/y' });
    expect(dropped).toEqual([0, 2]);
    expect(b.size).toBe(2);
  });

  it('does not coalesce where it would change the result', () => {
    const { b, push, dropped } = setup();
    push(set('/a', { x: 1 }));
    push(set('/a/x', 5)); // in between, overlapping
    push(set('/a', { y: 1 }));
    push({ op: 'add', path: '/l/-', value: 1 });
    push({ op: 'add', path: '/l/-', value: 2 }); // inserts never merge
    push({ op: 'add', path: '/l/0', value: 0 });
    push(set('/l/0', 9)); // replace after an insert at a position
    push({ op: 'add', path: '/o/k', value: 1 });
    push({ op: 'remove', path: '/o/k' }); // add may have overwritten a member: keep both
    push(set('/e', 1), Priority.NORMAL, false);
    push(set('/e', 2)); // the earlier one is not coalescable
    expect(dropped).toEqual([]);
    expect(b.size).toBe(11);
  });

  it('requeue puts items back first, in order, and keeps dependencies ahead', () => {
    const { b, push, batches, scheduler } = setup();
    const x = push(set('/q', 1));
    const taken = b.take()!;
    expect(taken.items).toEqual([x]);
    push(set('/q/deeper', 2), Priority.HIGH);
    b.requeue([{ item: x, priority: Priority.LOW }]);
    scheduler.advance(100);
    expect(batches.map((bb) => bb.ids)).toEqual([[0, 1]]);
  });

  it('remove() and take() leave the queue consistent', () => {
    const { b, push } = setup({ batchSize: 2 });
    const a = push(set('/a', 1));
    push(set('/b', 1));
    push(set('/c', 1));
    expect(b.remove(a)).toBe(true);
    expect(b.remove(a)).toBe(false);
    expect(b.take()!.items.map((i) => i.id)).toEqual([1, 2]);
    expect(b.take()).toBeNull();
  });

  it('stop() ends the ticks', () => {
    const { b, scheduler, batches, push } = setup();
    b.stop();
    push(set('/a', 1));
    scheduler.advance(1000);
    expect(batches).toEqual([]);
    expect(scheduler.pending).toBe(0);
  });

  it('whatever the priorities, the batches applied in order give the same tree as the ops in push order (property)', () => {
    const paths = ['/a', '/a/x', '/a/y', '/b', '/b/0', '/b/-', '/c'];
    const arbOp = fc.record({
      kind: fc.constantFrom('add', 'replace', 'remove'),
      path: fc.constantFrom(...paths),
      value: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constant({}), fc.constant([])),
      priority: fc.constantFrom(Priority.CRITICAL, Priority.HIGH, Priority.NORMAL, Priority.LOW),
      tick: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(arbOp, { maxLength: 30 }), fc.integer({ min: 1, max: 4 }), (steps, batchSize) => {
        const scheduler = new ManualScheduler();
        const sent: Op[] = [];
        const batcher = new Batcher<BatchItem>({ scheduler, batchSize, onBatch: (items) => sent.push(...items.map((i) => i.op)) });
        // The "server": applies each op when pushed; only ops that applied are queued.
        let state: JsonObject = { a: {}, b: [], c: 0 };
        for (const s of steps) {
          const op = (s.kind === 'remove' ? { op: 'remove', path: s.path } : { op: s.kind, path: s.path, value: s.value }) as Op;
          const r = applyOps(state, [op]);
          if (!r.results[0]!.ok) continue;
          state = r.state as JsonObject;
          batcher.push({ op }, s.priority);
          if (s.tick) scheduler.advance(100);
        }
        scheduler.advance(100);
        const replay = applyOps({ a: {}, b: [], c: 0 }, sent);
        expect(replay.results.every((r) => r.ok)).toBe(true);
        expect(deepEqual(replay.state, state)).toBe(true);
        expect(batcher.size).toBe(0);
      }),
      { numRuns: 500 },
    );
  });
});
