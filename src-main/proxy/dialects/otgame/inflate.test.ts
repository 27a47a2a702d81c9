import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import { inflatedBytes, inflateRaw, inflateRawShared, InflateError } from './inflate';

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

  it('decodes codes longer than its first lookup, up to 15 bits, through the sub-tables', () => {
    // Skewed data: a few bytes very often, every other byte value once or twice. Huffman gives the rare ones long codes.
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 2, max: 14 }), (seed, skew) => {
        let x = seed;
        const rnd = (): number => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 8;
        const data = new Uint8Array(6000);
        for (let i = 0; i < data.length; i++) data[i] = rnd() % (1 << skew) === 0 ? rnd() & 0xff : rnd() % 3;
        const z = deflateRawSync(data, { level: 9 });
        expect(inflateRaw(z, 1 << 20)).toEqual(data);
      }),
      { numRuns: 100 },
    );
    // The longest codes DEFLATE allows: symbol k 2^k times (each outweighs all rarer ones together) gives lengths 1 … 15.
    const skewed: number[] = [];
    for (let k = 0; k < 15; k++) for (let n = 0; n < 1 << k; n++) skewed.push(k * 13);
    const mixed = Uint8Array.from(skewed).sort((a, b) => ((a * 7919) % 31) - ((b * 7919) % 31));
    expect(inflateRaw(deflateRawSync(mixed, { level: 9, strategy: constants.Z_HUFFMAN_ONLY, memLevel: 9 }), 1 << 20)).toEqual(mixed);
    // Distances too: matches reaching back over a whole 32 KiB window in uneven steps.
    const far = new Uint8Array(60_000).map((_, i) => (i * 2654435761) >>> 27);
    expect(inflateRaw(deflateRawSync(far, { level: 9 }), 1 << 20)).toEqual(far);
  });

  it('reads a stored block that follows a Huffman block (whole bytes left in the bit buffer go back to the input)', () => {
    const head = new Uint8Array(deflateRawSync(new TextEncoder().encode('compressed part, compressed part, compressed part'), { finishFlush: constants.Z_SYNC_FLUSH }));
    // A final stored block: BFINAL=1, BTYPE=00, then LEN=3, NLEN=~3 and the bytes.
    const stream = Uint8Array.from([...head, 0x01, 0x03, 0x00, 0xfc, 0xff, 0x61, 0x62, 0x63]);
    const expected = nodeInflate(stream);
    expect(new TextDecoder().decode(inflateRaw(stream, 1000))).toBe('compressed part, compressed part, compressed partabc');
    expect(inflateRaw(stream, 1000)).toEqual(expected);
  });

  it('inflateRawShared leaves its output in the shared buffer, bounded like inflateRaw', () => {
    const data = new Uint8Array(3000).map((_, i) => (i * 31) % 97);
    const z = new Uint8Array(deflateRawSync(data));
    const padded = new Uint8Array(z.length + 10);
    padded.set(z, 5);
    const n = inflateRawShared(padded, 65536, 5, 5 + z.length);
    expect(n).toBe(3000);
    expect(inflatedBytes().subarray(0, n)).toEqual(data);
    expect(() => inflateRawShared(padded, 2999, 5, 5 + z.length)).toThrow('output exceeds 2999 bytes');
  });

  it('reads stored blocks and empty input streams', () => {
    const data = new Uint8Array(70_000).map((_, i) => (i * 2654435761) >>> 24);
    expect(inflateRaw(new Uint8Array(deflateRawSync(data, { level: 0 })), 100_000)).toEqual(data);
    expect(inflateRaw(new Uint8Array(deflateRawSync(new Uint8Array(0))), 10)).toEqual(new Uint8Array(0));
  });
});
