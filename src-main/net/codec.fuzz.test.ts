/**
 * Seeded fuzz run: 100 000 frames, in streams of 10, with mutations aimed at
 * every layer (header fields, length, compressed size prefix, LZ4 block,
 * ciphertext, JSON text), fed to the streaming decoder in random chunks.
 * Deterministic (fixed seed, own PRNG); checks invariants on every stream:
 *
 * - nothing but DecodedFrame or ProtocolError comes out, never INTERNAL, never an exception;
 * - frames before the first mutated one decode exactly as sent;
 * - under a key, every frame that decodes is byte for byte one that was sent;
 * - a fatal error is the last output, and the decoder then holds nothing;
 * - the decoder never holds more than 18 + maxPayload bytes after a drain;
 * - every decoded body re-parses from its bytes and passes its schema;
 * - every error code of the decode path is reached (so the fuzz is really exercising them).
 */
import { seededRandom } from '../../src-shared/random';
import { describe, expect, it } from 'vitest';
import {
  ALL_MESSAGES,
  FrameDecoder,
  FrameEncoder,
  HEADER_SIZE,
  ProtocolError,
  bytesEqual,
  concatBytes,
  lz4Js,
  utf8Decode,
  validateBody,
  type BlockCompressor,
  type Direction,
} from '../../src-shared/protocol';
import { nodeAead } from './aead';
import { lz4NapiCompressor } from './ports';

const FRAMES = 100_000;
const PER_STREAM = 10;
const MAX_PAYLOAD = 65_536;
const KEY = new Uint8Array(32).map((_, i) => 255 - i);

/** mulberry32: small, fast, and the same sequence on every machine. */
const prng = seededRandom;

interface Config {
  readonly name: string;
  readonly key: Uint8Array | null;
  readonly threshold: number;
}
const CONFIGS: readonly Config[] = [
  { name: 'plain', key: null, threshold: Infinity },
  { name: 'compressed', key: null, threshold: 0 },
  { name: 'encrypted', key: KEY, threshold: Infinity },
  { name: 'both', key: KEY, threshold: 0 },
];

/** Valid bodies of every type and role, some big enough to compress well. */
function corpusBodies(): { type: number; response: boolean; body: object }[] {
  const out: { type: number; response: boolean; body: object }[] = [];
  for (const d of ALL_MESSAGES) {
    if (d.example.body !== undefined) out.push({ type: d.code, response: false, body: d.example.body as object });
    if (d.example.response !== undefined) out.push({ type: d.code, response: true, body: d.example.response as object });
  }
  const op = (i: number) => ({ op: 'replace', path: `/world/creatures/c${i}/health`, value: i % 90, ts: { wall: 1_700_000_000_000 + i, counter: 0, node: 'srv' } });
  out.push({ type: 0x11, response: false, body: { from: 4, to: 5, ops: Array.from({ length: 30 }, (_, i) => op(i)) } });
  out.push({ type: 0x21, response: false, body: { action: 'say', args: { text: 'héllo wörld ☃ '.repeat(40) } } });
  return out;
}

/** Pre-encoded frames: [config][seq-1][body] (the nonce depends on seq, so each seq is encoded). */
function buildCorpus(bodies: ReturnType<typeof corpusBodies>): Uint8Array[][][] {
  return CONFIGS.map((c) => {
    const enc = new FrameEncoder({ aead: nodeAead, compressor: lz4Js, key: c.key, direction: 1, compressThreshold: c.threshold });
    return Array.from({ length: PER_STREAM }, (_, s) => bodies.map((b) => enc.encode({ type: b.type, seq: s + 1, ref: b.response ? 7 : 0, response: b.response, body: b.body }).slice()));
  });
}

function mutate(f: Uint8Array, rnd: () => number): Uint8Array {
  const pick = (n: number) => Math.floor(rnd() * n);
  const c = f.slice();
  const dv = new DataView(c.buffer);
  switch (pick(10)) {
    case 0: // one header byte, any value
      c[pick(HEADER_SIZE)] = pick(256);
      return c;
    case 1: // flags: any combination, reserved bits included
      c[4] = pick(256);
      return c;
    case 2: // length: near the truth or anywhere
      dv.setUint32(14, rnd() < 0.5 ? Math.max(0, f.length - HEADER_SIZE + pick(9) - 4) : pick(2 ** 32));
      return c;
    case 3: // type: any code, known or not
      c[3] = pick(256);
      return c;
    case 4: // seq off by a little
      dv.setUint32(6, dv.getUint32(6) + pick(3) - 1);
      return c;
    case 5: // compressed size prefix (or the first payload bytes)
      if (c.length >= HEADER_SIZE + 4) dv.setUint32(HEADER_SIZE, rnd() < 0.5 ? dv.getUint32(HEADER_SIZE) + pick(5) - 2 : pick(2 ** 32));
      return c;
    case 6: // bit flips anywhere in the payload
      for (let k = 1 + pick(3); k > 0 && c.length > HEADER_SIZE; k--) {
        const at = HEADER_SIZE + pick(c.length - HEADER_SIZE);
        c[at] = c[at]! ^ (1 << pick(8));
      }
      return c;
    case 7: // truncate
      return c.subarray(0, pick(c.length));
    case 8: // one byte inserted or removed (everything after shifts)
      {
        const at = pick(c.length);
        return rnd() < 0.5 ? concatBytes(c.subarray(0, at), Uint8Array.of(pick(256)), c.subarray(at)) : concatBytes(c.subarray(0, at), c.subarray(at + 1));
      }
    default: // a payload byte set to a JSON-breaking or UTF-8-breaking value
      if (c.length > HEADER_SIZE) c[HEADER_SIZE + pick(c.length - HEADER_SIZE)] = [0x22, 0x7b, 0x5c, 0xff, 0xc0, 0x80, 0x00][pick(7)]!;
      return c;
  }
}

describe('codec fuzz', () => {
  it(`${FRAMES.toLocaleString('en')} mutated frames: only typed errors, no forgery, bounded memory, every decode error reached`, () => {
    const rnd = prng(20261129);
    const pick = (n: number) => Math.floor(rnd() * n);
    const bodies = corpusBodies();
    const corpus = buildCorpus(bodies);
    const napi = lz4NapiCompressor();
    const decompressors: BlockCompressor[] = napi ? [lz4Js, napi] : [lz4Js];
    const seen = new Map<string, number>();
    let decoded = 0;
    let validPrefix = 0; // frames before the first mutation of their stream: all must decode

    for (let stream = 0; stream < FRAMES / PER_STREAM; stream++) {
      const ci = pick(CONFIGS.length);
      const config = CONFIGS[ci]!;
      const originals = Array.from({ length: PER_STREAM }, (_, s) => corpus[ci]![s]![pick(bodies.length)]!);
      // Mutate 1–3 frames at random positions, the first at `firstBad`.
      const bad = new Set(Array.from({ length: 1 + pick(3) }, () => pick(PER_STREAM)));
      const firstBad = Math.min(...bad);
      const sent = originals.map((f, i) => (bad.has(i) ? mutate(f, rnd) : f));
      const bytes = concatBytes(...sent);
      validPrefix += firstBad;

      const dec = new FrameDecoder({
        aead: nodeAead,
        compressor: decompressors[stream % decompressors.length]!,
        key: config.key,
        direction: 1 as Direction,
        maxPayload: MAX_PAYLOAD,
      });
      if (config.key) dec.setKey(config.key);
      const results: (ReturnType<FrameDecoder['next']> & object)[] = [];
      // Random chunking: 1..300 bytes, or the whole rest.
      for (let at = 0; at < bytes.length; ) {
        const n = rnd() < 0.2 ? bytes.length - at : 1 + pick(300);
        for (const r of dec.feed(bytes.subarray(at, at + n))) results.push(r);
        at += n;
        if (dec.buffered > HEADER_SIZE + MAX_PAYLOAD) throw new Error(`stream ${stream}: ${dec.buffered} bytes held`);
      }

      let fatal = -1;
      results.forEach((r, i) => {
        if (r instanceof ProtocolError) {
          seen.set(r.code, (seen.get(r.code) ?? 0) + 1);
          if (r.code === 'INTERNAL') throw new Error(`stream ${stream}: INTERNAL ${r.message}`);
          if (r.fatal && fatal < 0) fatal = i;
          if (i < firstBad) throw new Error(`stream ${stream}: frame ${i + 1} was valid but gave ${r.message}`);
          return;
        }
        decoded++;
        if (i < firstBad && !bytesEqual(r.wire, originals[i]!)) throw new Error(`stream ${stream}: frame ${i + 1} decoded to other bytes`);
        if (config.key && !originals.some((o) => bytesEqual(o, r.wire))) throw new Error(`stream ${stream}: a forged frame decoded under the key`);
        expect(JSON.parse(utf8Decode(r.bodyBytes))).toEqual(r.body);
        expect(validateBody(r.def, (r.header.flags & 4) !== 0, r.body)).toBeNull();
      });
      if (fatal >= 0) {
        if (fatal !== results.length - 1) throw new Error(`stream ${stream}: output after a fatal error`);
        expect(dec.buffered).toBe(0);
        expect(dec.next()).toBeUndefined();
      }
      if (results.length > PER_STREAM + 3) throw new Error(`stream ${stream}: ${results.length} results from ${PER_STREAM} frames`);
    }

    const reached = [...seen.keys()].sort();
    expect(reached).toEqual(
      ['BAD_FLAGS', 'BAD_MAGIC', 'BAD_PAYLOAD', 'BAD_SEQUENCE', 'BAD_VERSION', 'DECOMPRESS_FAILED', 'DECRYPT_FAILED', 'FRAME_TOO_LARGE', 'UNKNOWN_TYPE'],
    );
    expect(decoded).toBeGreaterThanOrEqual(validPrefix);
    expect(validPrefix).toBeGreaterThan(FRAMES / 5);
  });
});
