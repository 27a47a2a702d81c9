import { describe, expect, it } from 'vitest';
import { doubled } from './typed-arrays';

describe('doubled', () => {
  it('keeps the type and the values, twice as long with the new half zero', () => {
    const a = Float64Array.of(1.5, -2, 3);
    const b = doubled(a);
    expect(b).toBeInstanceOf(Float64Array);
    expect([...b]).toEqual([1.5, -2, 3, 0, 0, 0]);
    const i = doubled(Int32Array.of(-7));
    expect(i).toBeInstanceOf(Int32Array);
    expect([...i]).toEqual([-7, 0]);
    expect(doubled(new Uint32Array(0)).length).toBe(1);
  });
});
