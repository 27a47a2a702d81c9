import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StringPool } from './intern';

describe('StringPool', () => {
  it('hands out one string for equal inputs, equal to them', () => {
    const pool = new StringPool();
    const base = '/world/creatures';
    const a = pool.intern(`${base}/c1/position`);
    const b = pool.intern(`${base}/c1` + '/position');
    expect(a).toBe('/world/creatures/c1/position');
    expect(b).toBe(a);
    expect(pool.size).toBe(1);
  });

  it('keeps any string intact, odd characters included (property)', () => {
    const pool = new StringPool(8);
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(pool.intern(s)).toBe(s);
      }));
    expect(pool.size).toBeLessThanOrEqual(8);
  });

  it('starts over when full instead of growing', () => {
    const pool = new StringPool(3);
    for (let i = 0; i < 10; i++) pool.intern(`/p/${i}`);
    expect(pool.size).toBeLessThanOrEqual(3);
    expect(pool.intern('/p/9')).toBe('/p/9');
    expect(() => new StringPool(0)).toThrow(RangeError);
  });
});
