import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { diff } from './diff';
import { deepEqual, type JsonObject, type JsonValue } from './json';
import { applyOps, type Op } from './ops';
import { deepFreeze, jsonObject, jsonValue, opFor } from './testing/arbitraries';

const roundTrip = (a: JsonValue, b: JsonValue): JsonValue => {
  const r = applyOps(a, diff(a, b), { allowRoot: true });
  expect(r.results.every((x) => x.ok)).toBe(true);
  return r.state;
};

describe('diff', () => {
  it('is minimal for objects: one op per member that changed', () => {
    expect(diff({ a: 1, b: 2, c: { d: 1 } }, { a: 1, c: { d: 2 }, e: 3 })).toEqual([
      { op: 'remove', path: '/b' },
      { op: 'replace', path: '/c/d', value: 2 },
      { op: 'add', path: '/e', value: 3 },
    ]);
    expect(diff({ a: { x: 1 } }, { a: { x: 1 } })).toEqual([]);
  });

  it('escapes keys in the paths it writes', () => {
    expect(diff({}, { 'a/b': 1, 'c~d': 2 })).toEqual([
      { op: 'add', path: '/a~1b', value: 1 },
      { op: 'add', path: '/c~0d', value: 2 },
    ]);
  });

  it('arrays: skips the common head and tail, diffs the middle in place', () => {
    expect(diff({ l: [1, 2, 3] }, { l: [1, 2, 3, 4] })).toEqual([{ op: 'add', path: '/l/3', value: 4 }]);
    expect(diff({ l: [1, 2, 3] }, { l: [2, 3] })).toEqual([{ op: 'remove', path: '/l/0' }]);
    expect(diff({ l: [1, 2, 3] }, { l: [1, 9, 3] })).toEqual([{ op: 'replace', path: '/l/1', value: 9 }]);
    expect(diff({ l: [{ hp: 1 }, { hp: 2 }] }, { l: [{ hp: 1 }, { hp: 5 }] })).toEqual([{ op: 'replace', path: '/l/1/hp', value: 5 }]);
    // Surplus removed from the end backwards, so each index is valid when applied.
    expect(diff({ l: [1, 2, 3, 4, 5] }, { l: [1, 5] })).toEqual([{ op: 'replace', path: '/l', value: [1, 5] }]);
    expect(diff({ l: [1, 2, 3, 4] }, { l: [1, 4, 9, 9] })).toEqual([
      { op: 'replace', path: '/l/1', value: 4 },
      { op: 'replace', path: '/l/2', value: 9 },
      { op: 'replace', path: '/l/3', value: 9 },
    ]);
  });

  it('arrays: never more ops than the new array has elements (else one replace)', () => {
    // Reversed: one replace per element is not more than the array's length.
    expect(diff({ l: [1, 2, 3, 4, 5, 6] }, { l: [6, 5, 4, 3, 2, 1] })).toHaveLength(6);
    // Two changes inside each of two elements: 4 ops > 2 elements.
    const b = { l: [{ a: 2, b: 2 }, { a: 2, b: 2 }] };
    expect(diff({ l: [{ a: 1, b: 1 }, { a: 1, b: 1 }] }, b)).toEqual([{ op: 'replace', path: '/l', value: b.l }]);
    fc.assert(
      fc.property(fc.array(jsonValue, { maxLength: 6 }), fc.array(jsonValue, { maxLength: 6 }), (x, y) => {
        expect(diff({ l: x }, { l: y }).length).toBeLessThanOrEqual(Math.max(1, y.length));
      }),
    );
  });

  it('a change of kind is a replace, at the root too', () => {
    expect(diff({ a: [1] }, { a: { 0: 1 } })).toEqual([{ op: 'replace', path: '/a', value: { 0: 1 } }]);
    expect(diff({ a: 1 }, [1])).toEqual([{ op: 'replace', path: '', value: [1] }]);
    expect(diff(1, '1')).toEqual([{ op: 'replace', path: '', value: '1' }]);
  });

  it('skips shared subtrees without walking them (versions of one history)', () => {
    const shared = deepFreeze({ big: new Array(1000).fill(0).map((_, i) => ({ i })) });
    const a = { w: shared, p: { hp: 1 } };
    const b = { w: shared, p: { hp: 2 } };
    // A proxy that walked `w` would still be right; identity makes it O(change).
    expect(diff(a, b)).toEqual([{ op: 'replace', path: '/p/hp', value: 2 }]);
  });

  it('applying diff(a, b) to a gives b, for any two trees (property)', () => {
    fc.assert(
      fc.property(jsonValue, jsonValue, (a, b) => {
        expect(deepEqual(roundTrip(deepFreeze(a), b), b)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('applying diff(a, b) to a gives b when b is a edited by random ops (property)', () => {
    fc.assert(
      fc.property(
        jsonObject.chain((doc) => fc.tuple(fc.constant(doc), fc.array(opFor(doc), { minLength: 1, maxLength: 6 }))),
        ([a, ops]) => {
          const b = applyOps(a, ops as Op[]).state;
          const d = diff(a, b);
          expect(deepEqual(applyOps(a, d).state, b)).toBe(true);
          if (deepEqual(a, b)) expect(d).toEqual([]);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('works on the game state shape', () => {
    const a: JsonObject = { player: { position: { x: 1, y: 1, z: 7 }, effects: ['haste'] }, ui: { windows: { bag: { open: false } } } };
    const b: JsonObject = { player: { position: { x: 2, y: 1, z: 7 }, effects: [] }, ui: { windows: { bag: { open: true } } } };
    expect(diff(a, b)).toEqual([
      { op: 'replace', path: '/player/position/x', value: 2 },
      { op: 'remove', path: '/player/effects/0' },
      { op: 'replace', path: '/ui/windows/bag/open', value: true },
    ]);
  });
});
