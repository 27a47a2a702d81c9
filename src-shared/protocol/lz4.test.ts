import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { lz4CompressBlock, lz4CompressBound, lz4DecompressBlock } from './lz4';
import { bytesEqual, fromHex, utf8Encode } from './bytes';

/** Deterministic pseudo-random bytes (xorshift32): incompressible input without a fixture file. */
function noise(n: number, seed = 0x9e3779b9): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const roundTrip = (input: Uint8Array) => {
  const block = lz4CompressBlock(input);
  expect(block.length).toBeLessThanOrEqual(lz4CompressBound(input.length));
  const back = lz4DecompressBlock(block, input.length);
  expect(back.length).toBe(input.length);
  expect(bytesEqual(back, input)).toBe(true);
  return block;
};

/** Runs the decompressor on hostile input: it may only return exactly `size` bytes or throw an Error with a message. */
function survives(block: Uint8Array, size: number): void {
  let out: Uint8Array | undefined;
  try {
    out = lz4DecompressBlock(block, size);
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).message.length).toBeGreaterThan(0);
    return;
  }
  expect(out.length).toBe(size);
}

describe('lz4 block: round trips', () => {
  it('empty and tiny inputs (below the 13-byte minimum match length: literals only)', () => {
    for (let n = 0; n <= 16; n++) roundTrip(noise(n, n + 1));
    expect(lz4CompressBlock(new Uint8Array(0))).toEqual(Uint8Array.of(0));
  });

  it('incompressible data stays within the bound', () => {
    for (const n of [100, 4096, 70_000]) roundTrip(noise(n, n));
  });

  it('repetitive data compresses far and comes back, including runs longer than 64 KiB', () => {
    const zeros = new Uint8Array(200_000);
    expect(roundTrip(zeros).length).toBeLessThan(1000);
    const json = utf8Encode(JSON.stringify(Array.from({ length: 5000 }, (_, i) => ({ id: i, name: 'Rat', health: 20 + (i % 7) }))));
    expect(json.length).toBeGreaterThan(65_536);
    expect(roundTrip(json).length).toBeLessThan(json.length / 3);
  });

  it('blocks over 1 MiB (past the shared work buffer) round-trip, and smaller ones after them still do', () => {
    const big = new Uint8Array(1_200_000).map((_, i) => (i * 31) % 251);
    roundTrip(big);
    roundTrip(noise(5000, 3));
  });

  it('matches further back than 64 KiB are never used (offsets are 16-bit)', () => {
    // The same 1 KiB of noise 100 KiB apart: a second copy can only be literals.
    const chunk = noise(1024, 7);
    const input = new Uint8Array(102_400 + 1024);
    input.set(chunk, 0);
    input.set(noise(100_352, 8), 1024);
    input.set(chunk, 102_400);
    roundTrip(input);
  });

  it('any bytes round-trip (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.integer({ min: 1, max: 64 }), (data, period) => {
        roundTrip(data);
        // and a periodic version of the same bytes, which is full of overlapping matches
        const periodic = data.map((_, i) => data[i % period] ?? 0);
        roundTrip(periodic);
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe('lz4 block: strict decompressor', () => {
  it('reproduces a known block (the spec vector "declared decompressed size wrong", with its true size)', () => {
    const block = fromHex('7f7b2278223a22610100ffffffffffffffffffffffac50616161227d');
    const out = lz4DecompressBlock(block, 3008); // 7 literals + a 2996-byte match at offset 1 + 5 literals
    expect(new TextDecoder().decode(out)).toBe(`{"x":"${'a'.repeat(3000)}"}`);
  });

  it('refuses a declared size that differs from what the block produces, either way', () => {
    const input = utf8Encode('{"hello":"world","hello2":"world","hello3":"world"}');
    const block = lz4CompressBlock(input);
    expect(() => lz4DecompressBlock(block, input.length + 1)).toThrow(/produced \d+ bytes, declared/);
    expect(() => lz4DecompressBlock(block, input.length - 1)).toThrow(/overruns the declared size/);
    expect(() => lz4DecompressBlock(block, 0)).toThrow(Error);
  });

  it('names what is wrong with hand-made hostile blocks', () => {
    const cases: [number[], number, RegExp][] = [
      [[], 0, /empty block/],
      [[0xf0], 100, /truncated literal length/],
      [[0xf0, 0xff, 0xff], 100, /truncated literal length/],
      [[0x50, 1, 2], 5, /overruns the block/],
      [[0x10, 0x41], 0, /overruns the declared size/],
      [[0x10, 0x41, 0x00], 10, /truncated match offset/],
      [[0x10, 0x41, 0x00, 0x00], 10, /offset 0/],
      [[0x10, 0x41, 0x02, 0x00], 10, /offset 2 points before the start/],
      [[0x1f, 0x41, 0x01, 0x00], 100, /truncated match length/],
      [[0x1f, 0x41, 0x01, 0x00, 0xff, 0xff, 0x10], 100, /match of \d+ bytes overruns the declared size/],
      [[0x14, 0x41, 0x01, 0x00], 9, /missing token/],
    ];
    for (const [bytes, size, why] of cases) expect(() => lz4DecompressBlock(Uint8Array.from(bytes), size), `${bytes}`).toThrow(why);
  });

  it('random blocks only ever throw an Error or give exactly the declared size (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat({ max: 5000 }), (block, size) => survives(block, size)),
      { seed: 7, numRuns: 3000 },
    );
  });

  it('mutated valid blocks only ever throw an Error or give exactly the declared size (property)', () => {
    const input = utf8Encode(JSON.stringify({ ops: Array.from({ length: 40 }, (_, i) => ({ op: 'replace', path: `/a/${i % 5}`, value: i })) }));
    const block = lz4CompressBlock(input);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { minLength: 1, maxLength: 6 }), fc.integer({ min: -3, max: 3 }), (edits, delta) => {
        const b = block.slice();
        for (const [at, v] of edits) b[at % b.length] = v;
        survives(b, Math.max(0, input.length + delta));
        survives(b.subarray(0, edits[0]![0] % b.length), input.length); // truncated
      }),
      { seed: 11, numRuns: 3000 },
    );
  });
});
