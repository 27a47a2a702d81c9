import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import { inflateRaw, InflateError } from './inflate';

const nodeInflate = (b: Uint8Array): Uint8Array | 'error' => {
  try {
    return new Uint8Array(inflateRawSync(b, { maxOutputLength: 1 << 20 }));
  } catch {
    return 'error';
  }
};
const mine = (b: Uint8Array): Uint8Array | 'error' => {
  try {
    return inflateRaw(b, 1 << 20);
  } catch (e) {
    if (!(e instanceof InflateError)) throw e;
    return 'error';
  }
};

/** Data that compresses like game traffic: runs, repeats, some noise. */
const gameLike = fc
  .array(fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 300 })).map(([v, n]) => new Uint8Array(n).fill(v))), { maxLength: 30 })
  .map((parts) => Uint8Array.from(parts.flatMap((p) => Array.from(p))));

describe('inflateRaw', () => {
  it('inverts node:zlib’s deflate at every level and strategy', () => {
    fc.assert(
      fc.property(gameLike, fc.integer({ min: 0, max: 9 }), fc.constantFrom(constants.Z_DEFAULT_STRATEGY, constants.Z_FIXED, constants.Z_HUFFMAN_ONLY, constants.Z_RLE), (data, level, strategy) => {
        const z = deflateRawSync(data, { level, strategy });
        expect(inflateRaw(z, 1 << 20)).toEqual(data);
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with node:zlib on damaged streams: same output, or both refuse', () => {
    fc.assert(
      fc.property(gameLike, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }), (data, flips) => {
        const z = new Uint8Array(deflateRawSync(data));
        for (const [at, x] of flips) z[at % z.length] = z[at % z.length]! ^ x;
        const a = nodeInflate(z);
        const b = mine(z);
        expect(b).toEqual(a);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses random bytes without throwing anything but InflateError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        expect(mine(b)).toEqual(nodeInflate(b));
      }),
      { numRuns: 1000 },
    );
  });

  it('names the problem', () => {
    expect(() => inflateRaw(Uint8Array.of(0x07), 100)).toThrow('invalid block type 3');
    expect(() => inflateRaw(new Uint8Array(deflateRawSync(Buffer.alloc(500, 7))).subarray(0, 3), 1000)).toThrow('unexpected end of data');
    expect(() => inflateRaw(Uint8Array.of(0x01, 0x05, 0x00, 0xfa, 0xfe), 100)).toThrow('stored block length does not match its complement');
    expect(() => inflateRaw(new Uint8Array(deflateRawSync(Buffer.alloc(5000))), 4096)).toThrow('output exceeds 4096 bytes');
  });

  it('reads stored blocks and empty input streams', () => {
    const data = new Uint8Array(70_000).map((_, i) => (i * 2654435761) >>> 24);
    expect(inflateRaw(new Uint8Array(deflateRawSync(data, { level: 0 })), 100_000)).toEqual(data);
    expect(inflateRaw(new Uint8Array(deflateRawSync(new Uint8Array(0))), 10)).toEqual(new Uint8Array(0));
  });
});
