import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RowWindow } from './row-window';
import { summary } from '../../src-shared/filter/test-messages';
import type { MessageSummary } from '../../src-shared/records';

const rows = (from: number, to: number): MessageSummary[] => Array.from({ length: to - from + 1 }, (_, i) => summary({ id: from + i }));
const ids = (w: RowWindow): number[] => Array.from({ length: w.length }, (_, i) => w.at(i)!.id);

describe('RowWindow', () => {
  it('appends in order and keeps only the newest `capacity` rows', () => {
    const w = new RowWindow(5);
    expect(w.append(rows(1, 3))).toBe(3);
    expect(w.append(rows(4, 8))).toBe(5);
    expect(ids(w)).toEqual([4, 5, 6, 7, 8]);
    expect(w.trimmed).toBe(3);
    expect(w.oldestId).toBe(4);
    expect(w.newestId).toBe(8);
  });

  it('skips rows it already has (a snapshot overlapping the live stream)', () => {
    const w = new RowWindow(10);
    w.replace(rows(1, 5));
    expect(w.append([...rows(4, 7)])).toBe(2);
    expect(ids(w)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('keeps the row objects it was given (no copies)', () => {
    const w = new RowWindow(3);
    const batch = rows(1, 2);
    w.append(batch);
    expect(w.at(0)).toBe(batch[0]);
  });

  it('prepends older pages and finds rows by id', () => {
    const w = new RowWindow(100);
    w.append(rows(50, 60));
    expect(w.prepend([...rows(40, 49), ...rows(55, 56)].reverse())).toBe(10);
    expect(ids(w)).toEqual(rows(40, 60).map((r) => r.id));
    expect(w.indexOfId(40)).toBe(0);
    expect(w.indexOfId(60)).toBe(20);
    expect(w.indexOfId(61)).toBe(-1);
    expect(w.at(-1)).toBeUndefined();
    expect(w.at(21)).toBeUndefined();
  });

  it('stays correct across many trims and compactions', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 60 }), (cap, sizes) => {
        const w = new RowWindow(cap);
        let next = 1;
        for (const n of sizes) {
          w.append(rows(next, next + n - 1));
          next += n;
        }
        const total = next - 1;
        const want = Array.from({ length: Math.min(cap, total) }, (_, i) => total - Math.min(cap, total) + 1 + i);
        expect(ids(w)).toEqual(want);
        expect(w.trimmed).toBe(total - want.length);
        for (const id of want) expect(w.at(w.indexOfId(id))!.id).toBe(id);
      }),
      { numRuns: 300 },
    );
  });
});
