import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { constants, deflateRawSync } from 'node:zlib';
import { mapData } from '../../../../bench/otgame.bench';
import { InflateError, inflateRaw } from './inflate';
import { inflateBody, ZLIB_FROM } from './inflate-body';
import { decodeFrame, encodeFrame, type FrameState } from './frame';
import { xteaSchedule } from './xtea';

const deflate = (b: Uint8Array, level = 6, strategy: number = constants.Z_DEFAULT_STRATEGY): Uint8Array => new Uint8Array(deflateRawSync(b, { level, strategy }));

/** What our own decoder says: its output, or its error message. */
function ours(z: Uint8Array, max = 65536): Uint8Array | string {
  try {
    return inflateRaw(z, max);
  } catch (e) {
    if (e instanceof InflateError) return e.message;
    throw e;
  }
}

function viaBody(z: Uint8Array, max = 65536): Uint8Array | string {
  try {
    return new Uint8Array(inflateBody(z, 0, z.length, max)); // a copy, as a plain Uint8Array (zlib gives Buffers)
  } catch (e) {
    if (e instanceof InflateError) return e.message;
    throw e;
  }
}

/** Map data, text and noise of every size around the threshold and beyond, at several levels and strategies. */
function corpus(): Uint8Array[] {
  const out: Uint8Array[] = [];
  const text = new TextEncoder().encode('You see a very very old backpack (Vol:20). It weighs 18.00 oz. '.repeat(200));
  for (const n of [128, 200, 300, 450, 700, 1000, 2000, 3000, 4500, 9000, 20000]) {
    for (const level of [1, 6, 9]) {
      out.push(deflate(mapData({ x: 32000, y: 32000, z: 7 }, n, n + level), level));
      out.push(deflate(text.subarray(0, n), level));
    }
    out.push(deflate(mapData({ x: 100, y: 100, z: 7 }, n, 7), 6, constants.Z_HUFFMAN_ONLY));
    out.push(deflate(mapData({ x: 100, y: 100, z: 7 }, n, 8), 6, constants.Z_FIXED));
    out.push(deflate(new Uint8Array(n).map((_, i) => (i * 2654435761) >>> 24), 6)); // noise: stored blocks
  }
  return out;
}

describe('inflating a message body with the faster decoder for its size', () => {
  it('the corpus has bodies on both sides of the threshold', () => {
    const sizes = corpus().map((z) => z.length);
    expect(sizes.some((n) => n < ZLIB_FROM)).toBe(true);
    expect(sizes.some((n) => n >= ZLIB_FROM)).toBe(true);
  });

  it('node:zlib and our decoder give the same bytes for every body of the corpus', () => {
    for (const z of corpus()) {
      const a = ours(z);
      expect(a).toBeInstanceOf(Uint8Array);
      expect(viaBody(z)).toEqual(a);
    }
  });

  it('bytes after the end of the stream are ignored on both paths', () => {
    const z = deflate(mapData({ x: 1, y: 1, z: 7 }, 3000, 5));
    expect(z.length).toBeGreaterThanOrEqual(ZLIB_FROM);
    const tail = Uint8Array.from([...z, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(viaBody(tail)).toEqual(ours(z));
    expect(ours(tail)).toEqual(ours(z));
  });

  it('damaged bodies: the same result as our decoder alone — the same bytes, or the same precise error', () => {
    const bodies = corpus().filter((z) => z.length >= ZLIB_FROM);
    fc.assert(
      fc.property(fc.nat(bodies.length - 1), fc.nat(), fc.integer({ min: 1, max: 255 }), fc.boolean(), (which, at, xor, cut) => {
        const z = bodies[which]!.slice();
        const i = at % z.length;
        const damaged = cut ? z.subarray(0, Math.max(ZLIB_FROM, i)) : ((z[i] = z[i]! ^ xor), z);
        expect(viaBody(damaged)).toEqual(ours(damaged));
      }),
      { numRuns: 300 },
    );
  });

  it('a zip bomb is cut at the limit on the zlib path too, with our decoder’s message', () => {
    const bomb = deflate(new Uint8Array(4 << 20)); // 4 MiB of zeros: ~4 KB compressed
    expect(bomb.length).toBeGreaterThanOrEqual(ZLIB_FROM);
    expect(viaBody(bomb)).toBe('output exceeds 65536 bytes');
    expect(viaBody(bomb, 1 << 20)).toBe('output exceeds 1048576 bytes');
  });

  it('through a whole frame: a large damaged body reports the DEFLATE problem as before', () => {
    const st: FrameState = { layout: 'blocks', checksum: 'sequence', xtea: xteaSchedule([1, 2, 3, 4]) };
    const payload = mapData({ x: 1, y: 2, z: 7 }, 4000, 9);
    const good = decodeFrame(encodeFrame(payload, st, { seq: 5, compress: true }), st);
    expect(good.error).toBeUndefined();
    expect(good.payload).toEqual(payload);
    const z = deflate(payload);
    expect(z.length).toBeGreaterThanOrEqual(ZLIB_FROM);
    // The same message with its compressed body cut short (re-encrypted so only the DEFLATE layer is wrong).
    const cutFrame = encodeFrame(z.subarray(0, z.length - 40), st, { seq: 6 });
    cutFrame[5] = cutFrame[5]! | 0x80; // the compression bit (encodeFrame compresses only when asked)
    const bad = decodeFrame(cutFrame, st);
    expect(bad.payload).toBeUndefined();
    expect(bad.error).toBe(`DEFLATE: unexpected end of data (compressed body of ${z.length - 40} bytes)`);
  });
});
