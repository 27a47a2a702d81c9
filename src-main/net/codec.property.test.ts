/**
 * Property tests of the whole codec with the main process's ports (node:crypto
 * AES-256-GCM, both LZ4 implementations): round trip, any split of a stream,
 * and random mutations. The seeded 100 000-frame fuzz run is codec.fuzz.test.ts.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ALL_MESSAGES,
  ERROR_CODES,
  Flag,
  FrameDecoder,
  FrameEncoder,
  HEADER_SIZE,
  ProtocolError,
  concatBytes,
  lz4Js,
  priorityOf,
  type BlockCompressor,
  type DecodedFrame,
  type Direction,
  type Priority,
} from '../../src-shared/protocol';
import { nodeAead } from './aead';
import { lz4NapiCompressor } from './ports';

const napi = lz4NapiCompressor();
const compressors: BlockCompressor[] = napi ? [lz4Js, napi] : [lz4Js];
const SEED = 0x0b71d6e;
const codes = new Set<string>(ERROR_CODES);

/** JSON objects with text long and repetitive enough that LZ4 has something to do. */
const jsonBody = fc.dictionary(
  fc.string({ maxLength: 12 }),
  fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.tuple(fc.string({ minLength: 1, maxLength: 20 }), fc.nat({ max: 200 })).map(([s, n]) => s.repeat(n)),
  ),
  { maxKeys: 8 },
) as fc.Arbitrary<Record<string, unknown>>;

const frameSpec = fc.record({
  type: fc.constantFrom(...ALL_MESSAGES.map((d) => d.code)),
  response: fc.boolean(),
  priority: fc.constantFrom<Priority>(0, 1, 2, 3),
  ref: fc.nat(),
  body: jsonBody,
});

const setup = fc.record({
  key: fc.option(fc.uint8Array({ minLength: 32, maxLength: 32 }), { nil: null }),
  direction: fc.constantFrom<Direction>(1, 2),
  compressThreshold: fc.constantFrom(0, 64, 1024),
  encodeWith: fc.nat({ max: compressors.length - 1 }),
  decodeWith: fc.nat({ max: compressors.length - 1 }),
});

type Setup = typeof setup extends fc.Arbitrary<infer S> ? S : never;

function pair(s: Setup) {
  const enc = new FrameEncoder({ aead: nodeAead, compressor: compressors[s.encodeWith]!, key: s.key, direction: s.direction, compressThreshold: s.compressThreshold });
  // Schema validation is off: these bodies are arbitrary JSON, the pipeline is what is under test.
  const dec = new FrameDecoder({ aead: nodeAead, compressor: compressors[s.decodeWith]!, key: s.key, direction: s.direction, validate: false });
  if (s.key) dec.setKey(s.key);
  return { enc, dec };
}

/** Where a test may cut a byte stream: sorted, deduplicated, inside it. */
function cut(bytes: Uint8Array, points: readonly number[]): Uint8Array[] {
  const at = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...at, bytes.length]) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  return out;
}

const drain = (dec: FrameDecoder, chunks: readonly Uint8Array[]) => chunks.flatMap((c) => [...dec.feed(c)]);

describe('codec properties', () => {
  it('any body × flags × priority × key round-trips, across both LZ4 implementations', () => {
    fc.assert(
      fc.property(setup, frameSpec, (s, spec) => {
        const { enc, dec } = pair(s);
        const frame = enc.encode({ ...spec, seq: 1 });
        const [r, ...rest] = drain(dec, [frame]);
        expect(rest).toEqual([]);
        if (r instanceof ProtocolError || !r) throw new Error(`decode failed: ${r?.message}`);
        expect(r.body).toEqual(JSON.parse(JSON.stringify(spec.body)));
        expect(r.header.type).toBe(spec.type);
        expect(r.header.seq).toBe(1);
        expect(r.header.ref).toBe(spec.ref);
        expect(!!(r.header.flags & Flag.RESPONSE)).toBe(spec.response);
        expect(priorityOf(r.header.flags)).toBe(spec.priority);
        expect(!!(r.header.flags & Flag.ENCRYPTED)).toBe(s.key !== null);
        // COMPRESSED exactly when the rule of spec §3 says: over the threshold and worth its prefix.
        const plainLength = r.bodyBytes.length;
        if (r.header.flags & Flag.COMPRESSED) expect(plainLength).toBeGreaterThan(s.compressThreshold);
        else if (!s.key) expect(frame.length - HEADER_SIZE).toBe(plainLength);
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('any split of a stream of N frames decodes to the same N frames', () => {
    fc.assert(
      fc.property(setup, fc.array(frameSpec, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 30 }), (s, specs, points) => {
        const { enc, dec } = pair(s);
        const frames = specs.map((spec, i) => enc.encode({ ...spec, seq: i + 1 }).slice());
        const got = drain(dec, cut(concatBytes(...frames), points));
        expect(got.length).toBe(frames.length);
        got.forEach((r, i) => {
          if (r instanceof ProtocolError) throw r;
          expect(r.header.seq).toBe(i + 1);
          expect(r.wire).toEqual(frames[i]);
          expect(r.body).toEqual(JSON.parse(JSON.stringify(specs[i]!.body)));
        });
        expect(dec.buffered).toBe(0);
      }),
      { seed: SEED + 1, numRuns: 300 },
    );
  });

  it('random mutations of valid frames yield only typed errors, never another exception or a forged frame', () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.nat({ max: 255 }) }),
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.nat({ max: 7 }) }),
      fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), value: fc.nat() }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), value: fc.nat({ max: 255 }) }),
      fc.record({ kind: fc.constant('length' as const), at: fc.nat(), value: fc.nat({ max: 0xffffffff }) }),
    );
    fc.assert(
      fc.property(setup, fc.array(frameSpec, { minLength: 1, maxLength: 4 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { maxLength: 10 }), (s, specs, muts, points) => {
        const { enc, dec } = pair(s);
        const frames = specs.map((spec, i) => enc.encode({ ...spec, seq: i + 1 }).slice());
        let bytes = concatBytes(...frames);
        for (const m of muts) bytes = mutate(bytes, m);
        const got = drain(dec, cut(bytes, points));
        let fatalAt = -1;
        got.forEach((r, i) => {
          if (r instanceof ProtocolError) {
            expect(codes.has(r.code)).toBe(true);
            expect(r.code).not.toBe('INTERNAL');
            if (r.fatal && fatalAt < 0) fatalAt = i;
          } else {
            expect(r.def).toBeDefined();
            // Under a key, nothing decodes unless it is a frame that was really sent.
            if (s.key) expect(frames.some((f) => f.length === r.wire.length && f.every((b, j) => b === r.wire[j]))).toBe(true);
          }
        });
        if (fatalAt >= 0) {
          expect(fatalAt).toBe(got.length - 1);
          expect(dec.failed).toBe(got[fatalAt]);
          expect(dec.buffered).toBe(0);
        }
        expect(dec.buffered).toBeLessThanOrEqual(HEADER_SIZE + 1_048_576);
      }),
      { seed: SEED + 2, numRuns: 600 },
    );
  });
});

function mutate(b: Uint8Array, m: { kind: 'set' | 'flip' | 'cut' | 'insert' | 'length'; at: number; value: number }): Uint8Array {
  if (b.length === 0) return b;
  const at = m.at % b.length;
  switch (m.kind) {
    case 'set': {
      const c = b.slice();
      c[at] = m.value;
      return c;
    }
    case 'flip': {
      const c = b.slice();
      c[at] = c[at]! ^ (1 << m.value);
      return c;
    }
    case 'cut':
      return concatBytes(b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + (m.value % 32))));
    case 'insert':
      return concatBytes(b.subarray(0, at), Uint8Array.of(m.value), b.subarray(at));
    case 'length': {
      // Rewrite the length field of the first header at or before `at` that is still where it was.
      const c = b.slice();
      if (c.length >= HEADER_SIZE) new DataView(c.buffer).setUint32(14, m.value);
      return c;
    }
  }
}

export type { DecodedFrame };
