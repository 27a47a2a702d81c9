import { describe, expect, it } from 'vitest';
import { checkValue, deepEqual, DEFAULT_LIMITS, depthOf } from './json';

describe('JSON values', () => {
  it('accepts plain JSON data', () => {
    expect(checkValue({ a: [1, 'x', null, true, { b: -0.5 }] }, 64)).toBeNull();
    expect(checkValue(Object.assign(Object.create(null), { a: 1 }), 64)).toBeNull();
  });

  it('refuses what JSON cannot carry', () => {
    expect(checkValue(undefined, 64)).toMatch(/not JSON/);
    expect(checkValue({ a: undefined }, 64)).toMatch(/not JSON/);
    expect(checkValue([1, , 3], 64)).toMatch(/not JSON/); // eslint-disable-line no-sparse-arrays
    expect(checkValue(NaN, 64)).toMatch(/not finite/);
    expect(checkValue({ x: Infinity }, 64)).toMatch(/not finite/);
    expect(checkValue(() => 1, 64)).toMatch(/not JSON/);
    expect(checkValue(new Date(0), 64)).toMatch(/Date/);
    expect(checkValue(new Map(), 64)).toMatch(/Map/);
    expect(checkValue(10n, 64)).toMatch(/bigint/);
    expect(checkValue(Symbol('s'), 64)).toMatch(/symbol/);
  });

  it('refuses prototype-reaching keys anywhere in a value', () => {
    expect(checkValue(JSON.parse('{"__proto__": {"polluted": 1}}'), 64)).toMatch(/__proto__/);
    expect(checkValue({ a: [{ constructor: 1 }] }, 64)).toMatch(/constructor/);
    expect(checkValue({ prototype: 1 }, 64)).toMatch(/prototype/);
  });

  it('bounds depth (also catching cycles), node count and string length', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 70; i++) deep = [deep];
    expect(checkValue(deep, 64)).toMatch(/deeper/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(checkValue(cyclic, 64)).toMatch(/deeper/);
    expect(checkValue(new Array(20).fill(0), 64, { ...DEFAULT_LIMITS, maxNodes: 10 })).toMatch(/nodes/);
    expect(checkValue('x'.repeat(11), 64, { ...DEFAULT_LIMITS, maxStringLength: 10 })).toMatch(/longer/);
    expect(checkValue({ ['k'.repeat(11)]: 1 }, 64, { ...DEFAULT_LIMITS, maxStringLength: 10 })).toMatch(/key/);
    // The budget counts containers: {} needs 1.
    expect(checkValue({}, 0)).toMatch(/deeper/);
    expect(checkValue(5, 0)).toBeNull();
  });

  it('compares structurally', () => {
    expect(deepEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(deepEqual({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
    expect(deepEqual({ a: 1 }, { a: 1, b: undefined as never })).toBe(false);
    expect(deepEqual([1], { 0: 1 })).toBe(false);
    expect(deepEqual(null, {})).toBe(false);
    expect(deepEqual(undefined, undefined)).toBe(true);
    expect(depthOf({ a: [{}] })).toBe(3);
    expect(depthOf(1)).toBe(0);
  });
});
