import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PatchOp } from '../protocol/catalogue';
import { BatchHistory } from './history';

const op = (v: number): PatchOp => ({ op: 'replace', path: '/v', value: v, ts: { wall: v, counter: 0, node: 'server' } });
const batch = (...vs: number[]) => vs.map(op);
const values = (ops: PatchOp[] | null) => ops?.map((o) => (o as { value: number }).value) ?? null;

describe('BatchHistory', () => {
  it('answers "since n" with the ops after n, oldest first', () => {
    const h = new BatchHistory(10, 5);
    h.push(6, batch(1, 2));
    h.push(7, batch(3));
    expect(values(h.since(5))).toEqual([1, 2, 3]);
    expect(values(h.since(6))).toEqual([3]);
    expect(h.since(7)).toEqual([]);
    expect(h.since(4)).toBeNull();
    expect(h.since(8)).toBeNull();
    expect(h.countSince(5)).toBe(3);
    expect([h.oldest, h.latest]).toEqual([5, 7]);
    expect(() => h.push(9, [])).toThrow(/expected version 8/);
  });

  it('keeps at most `capacity` batches and `maxOps` ops, whichever comes first', () => {
    const byBatches = new BatchHistory(2, 0);
    for (let v = 1; v <= 5; v++) byBatches.push(v, batch(v));
    expect([byBatches.oldest, values(byBatches.since(3))]).toEqual([3, [4, 5]]);
    const byOps = new BatchHistory(100, 0, 3);
    byOps.push(1, batch(1, 1));
    byOps.push(2, batch(2, 2));
    expect(byOps.oldest).toBe(1);
    byOps.push(3, batch(3, 3, 3, 3)); // bigger than maxOps alone: nothing older stays, but it does
    expect([byOps.oldest, byOps.latest, values(byOps.since(2))]).toEqual([2, 3, [3, 3, 3, 3]]);
  });

  it('stays consistent across many pushes (the dead prefix is cut in bulk)', () => {
    const h = new BatchHistory(7, 0);
    for (let v = 1; v <= 1000; v++) h.push(v, batch(v));
    expect(values(h.since(995))).toEqual([996, 997, 998, 999, 1000]);
    expect(h.oldest).toBe(993);
  });
});

describe('BatchHistory packing', () => {
  const stamp = (wall: number, counter: number, node = 'server') => ({ wall, counter, node });

  it('gives back ops equal to those pushed: every kind, foreign stamps, walls on both sides of the first', () => {
    const h = new BatchHistory(10, 0);
    const first: PatchOp[] = [
      { op: 'add', path: '/ui/windows/vip', value: { open: true, x: 1 }, ts: stamp(1_700_000_000_000, 0) },
      { op: 'replace', path: '/player/health', value: 0, ts: stamp(1_700_000_000_000, 1) },
      { op: 'remove', path: '/world/creatures/c1', ts: stamp(1_700_000_000_001, 0) },
    ];
    const second: PatchOp[] = [
      // an accepted client op sent back: the client's node and clock (behind ours, and far ahead)
      { op: 'replace', path: '/ui/notifications', value: [], ts: stamp(1_699_999_999_000, 7, 'bot1-abc') },
      { op: 'add', path: '/ui/x', value: null, ts: stamp(1_700_000_000_000 + 2 ** 33, 2 ** 40, 'bot1-abc') },
      { op: 'replace', path: '', value: 'a ~1 /', ts: stamp(0, 0) },
    ];
    h.push(1, first);
    h.push(2, second);
    expect(h.since(0)).toEqual([...first, ...second]);
    expect(h.since(1)).toEqual(second);
    expect(h.size).toBe(6);
    // remove ops have no value member at all (what goes on the wire)
    expect('value' in h.since(0)![2]!).toBe(false);
  });

  it('hands out new op objects: a caller changing them does not change the history', () => {
    const h = new BatchHistory(10, 0);
    h.push(1, [{ op: 'replace', path: '/v', value: 1, ts: stamp(5, 0) }]);
    const got = h.since(0)!;
    (got[0]! as { path: string }).path = '/changed';
    got.push({ op: 'remove', path: '/x', ts: stamp(6, 0) });
    expect(h.since(0)).toEqual([{ op: 'replace', path: '/v', value: 1, ts: stamp(5, 0) }]);
  });

  it('keeps values by reference (no copies of big subtrees)', () => {
    const h = new BatchHistory(10, 0);
    const value = { big: Array.from({ length: 100 }, (_, i) => i) };
    h.push(1, [{ op: 'add', path: '/a', value, ts: stamp(1, 0) }]);
    expect((h.since(0)![0] as { value: unknown }).value).toBe(value);
  });

  it('round-trips any sequence of batches (property)', () => {
    const arbStamp = fc.record({ wall: fc.nat({ max: Number.MAX_SAFE_INTEGER }), counter: fc.nat({ max: Number.MAX_SAFE_INTEGER }), node: fc.string({ minLength: 1, maxLength: 8 }) });
    const arbOp: fc.Arbitrary<PatchOp> = fc.oneof(
      fc.record({ op: fc.constantFrom('add' as const, 'replace' as const), path: fc.string(), value: fc.jsonValue(), ts: arbStamp }),
      fc.record({ op: fc.constant('remove' as const), path: fc.string(), ts: arbStamp }),
    );
    fc.assert(
      fc.property(fc.array(fc.array(arbOp, { maxLength: 5 }), { maxLength: 8 }), (batches) => {
        const h = new BatchHistory(100, 0);
        batches.forEach((b, i) => h.push(i + 1, b));
        expect(h.since(0)).toEqual(batches.flat());
        expect(h.countSince(0)).toBe(batches.flat().length);
      }),
      { numRuns: 200 },
    );
  });
});
