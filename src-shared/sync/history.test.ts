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
