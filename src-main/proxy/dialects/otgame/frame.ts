/**
 * One OT frame, both ways: decodeFrame turns the bytes of one frame (u16
 * length included) into the message it carries — checksum or sequence
 * checked, XTEA removed, DEFLATE undone — and says precisely what failed;
 * encodeFrame builds a frame (test doubles, world-address rewriting, the
 * corrupt-body fault). Layouts: see framing.ts.
 */
import { deflateRawSync } from 'node:zlib';
import { adler32 } from './adler32';
import { InflateError } from './inflate';
import { inflateBody } from './inflate-body';
import { type ChecksumMode, type FrameLayout } from './framing';
import { xteaDecryptInto, xteaEncryptInPlace, type XteaSchedule } from './xtea';

/** OTClient's InputMessage::BUFFER_MAXSIZE: no real message inflates past it. */
export const MAX_INFLATED = 65536;
/** Canary compresses a message only from this size on (TransportCodec::encodeOutbound). */
export const COMPRESS_FROM = 128;
export const COMPRESSED_BIT = 0x80000000;

export interface FrameState {
  readonly layout: FrameLayout;
  readonly checksum: ChecksumMode;
  /** null while the direction is not encrypted yet (challenge, login packet). */
  readonly xtea: XteaSchedule | null;
  /** Unencrypted classic frames may open with a u16 inner length (the legacy challenge): strip it when it matches. */
  readonly plainInnerLength?: boolean;
  readonly maxInflated?: number;
}

export interface DecodedFrame {
  /** The message bytes: decrypted and inflated. Absent when the frame could not be decoded that far. */
  readonly payload?: Uint8Array;
  /** The u32 after the length: Adler-32 or sequence (with the compression bit), null when the frame has none. */
  readonly checksumField: number | null;
  /** Sequence number without the compression bit (sequenced frames). */
  readonly seq: number | null;
  readonly compressed: boolean;
  readonly flags: string[];
  /** The state the frame was decoded with (kept so the frame can be rebuilt). */
  readonly state: FrameState;
  /** "CODE: detail". */
  readonly error?: string;
}

const u16 = (b: Uint8Array, i: number): number => b[i]! | (b[i + 1]! << 8);
const u32 = (b: Uint8Array, i: number): number => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
const hex32 = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;

const SLAB_SIZE = 65536;
let slab = new Uint8Array(SLAB_SIZE);
let slabUsed = 0;

/** Where `n` decrypted bytes go in the current slab (a new slab when they do not fit; a frame larger than a quarter slab gets its own). */
function slabFor(n: number): number {
  if (n > SLAB_SIZE >>> 2) {
    slab = new Uint8Array(n);
    slabUsed = n; // full: the next frame starts a fresh slab (frames of the 14.05 layout may pass 64 KiB)
    return 0;
  }
  if (slabUsed + n > slab.length) {
    slab = new Uint8Array(SLAB_SIZE);
    slabUsed = 0;
  }
  const at = slabUsed;
  slabUsed = (slabUsed + n + 7) & ~7;
  return at;
}

/** Gives back the current slab from `at` on (bytes no view was handed out for). */
function slabRewind(at: number): void {
  if (at < slabUsed) slabUsed = at;
}

/**
 * What decoding one frame found, written into an object the caller keeps
 * (the session reuses one for every frame: a result object per frame was
 * one more allocation than a 30-byte message can afford).
 */
export class FrameResult {
  /** The message bytes: decrypted and inflated; undefined when the frame could not be decoded that far. */
  payload: Uint8Array | undefined = undefined;
  checksumField: number | null = null;
  seq: number | null = null;
  compressed = false;
  /** "CODE: detail". */
  error: string | undefined = undefined;
}

// A plain function, not a closure per call: decodeFrameInto runs for every frame (see bench/otgame.bench.ts).
function failed(out: FrameResult, error: string): false {
  out.error = error;
  return false;
}

/*
 * Allocation matters more than arithmetic for short messages: views
 * (subarray) of small on-heap arrays make V8 move them off-heap, and every
 * fresh ArrayBuffer costs a malloc — each more than XTEA on a 30-byte frame
 * (bench/otgame.bench.ts). So frames are decrypted into slab views.
 */

/** `flags`: an array to add the frame's flags to (the caller's own, to save a copy per frame). */
export function decodeFrame(frame: Uint8Array, st: FrameState, flags: string[] = []): DecodedFrame {
  const r = new FrameResult();
  decodeFrameInto(frame, st, flags, r);
  const { payload, checksumField, seq, compressed, error } = r;
  return { ...(payload ? { payload } : {}), checksumField, seq, compressed, flags, state: st, ...(error ? { error } : {}) };
}

/**
 * decodeFrame without a result object: fills `out` (every field) and
 * returns whether the frame gave its message (out.payload). The proxy's
 * path; decodeFrame is the same for everyone else.
 */
export function decodeFrameInto(frame: Uint8Array, st: FrameState, flags: string[], out: FrameResult): boolean {
  const n = frame.length;
  let at = 2;
  out.payload = undefined;
  out.checksumField = null;
  out.seq = null;
  out.compressed = false;
  out.error = undefined;
  if (n < 2) return failed(out, `TRUNCATED: ${n} byte(s), no length field`);
  let compressed = false;
  if (st.checksum !== 'none' || st.layout === 'blocks') {
    if (n < 6) return failed(out, `TRUNCATED: ${n}-byte frame has no room for its 4-byte ${st.checksum === 'sequence' ? 'sequence' : 'checksum'}`);
    const checksumField = u32(frame, 2);
    out.checksumField = checksumField;
    at = 6;
    if (st.checksum === 'adler32') {
      const actual = adler32(frame, 6);
      flags.push('ADLER32');
      if (actual !== checksumField) return failed(out, `BAD_CHECKSUM: frame says ${hex32(checksumField)}, its ${n - 6} bytes sum to ${hex32(actual)}`);
    } else if (st.checksum === 'sequence') {
      compressed = (checksumField & COMPRESSED_BIT) !== 0;
      out.compressed = compressed;
      out.seq = checksumField & 0x7fffffff;
      flags.push('SEQUENCED');
      if (compressed) flags.push('COMPRESSED');
    }
  }
  // The message is src[from, to) once the layers below are peeled off.
  let src = frame;
  let from = at;
  let to = n;
  const size = n - at;
  /** Where the decrypted body starts in the slab (-1: not decrypted). */
  let base = -1;
  if (st.xtea) {
    flags.push('XTEA');
    if (size === 0 || size % 8 !== 0) return failed(out, `XTEA_BLOCK: encrypted body of ${size} bytes is not a non-empty multiple of 8`);
    // Decrypted straight into a slab: the message is then one view of it — no copy, no malloc, no second view.
    base = slabFor(size);
    src = slab;
    xteaDecryptInto(st.xtea, frame, at, n, slab, base);
    if (st.layout === 'classic') {
      const inner = u16(slab, base);
      if (inner + 2 > size) return failed(out, `XTEA_LENGTH: inner length ${inner} exceeds the ${size - 2} decrypted bytes (wrong XTEA key, or the key of another session?)`);
      from = base + 2;
      to = base + 2 + inner;
    } else {
      const pad = slab[base]!;
      if (pad > 7 || pad + 1 > size) return failed(out, `XTEA_PADDING: padding count ${pad} is impossible for ${size} decrypted bytes (wrong XTEA key, or the key of another session?)`);
      from = base + 1;
      to = base + size - pad;
    }
  } else if (st.layout === 'blocks') {
    // Unencrypted 14.05 frames (challenge, login packet) still open with the padding count.
    const pad = size > 0 ? frame[at]! : -1;
    if (pad < 0 || pad > 7 || pad + 1 > size) return failed(out, `FRAME_PADDING: padding count ${pad < 0 ? 'missing' : pad} does not fit the ${size}-byte body`);
    from = at + 1;
    to = n - pad;
  } else if (st.plainInnerLength && size >= 2 && u16(frame, at) === size - 2) {
    flags.push('INNER_LENGTH');
    from = at + 2;
  }
  if (!compressed) {
    // A view made with the constructor, not subarray(): half the cost (16 vs 29 ns; subarray looks up the species constructor).
    out.payload = src === frame ? frame.slice(from, to) : new Uint8Array(slab.buffer, from, to - from);
    return true;
  }
  const max = st.maxInflated ?? MAX_INFLATED;
  try {
    const inflated = inflateBody(src, from, to, max);
    const n = inflated.length;
    if (n === 0) return failed(out, `DEFLATE: the ${to - from}-byte compressed body inflates to nothing`);
    // The compressed bytes are spent: the inflated message takes their place in the slab (one copy, no allocation).
    if (base >= 0 && src === slab) slabRewind(base);
    const at = slabFor(n);
    slab.set(inflated, at);
    out.payload = new Uint8Array(slab.buffer, at, n);
    return true;
  } catch (e) {
    if (!(e instanceof InflateError)) throw e;
    if (e.message.startsWith('output exceeds')) return failed(out, `DEFLATE: body inflates past ${max} bytes`);
    return failed(out, `DEFLATE: ${e.message} (compressed body of ${to - from} bytes)`);
  }
}

export interface EncodeOptions {
  /** Sequence number for sequenced frames (without the compression bit). */
  readonly seq?: number;
  /** Compress as Canary does (sequenced frames of ≥ 128 bytes). Default false. */
  readonly compress?: boolean;
  /** The byte used for XTEA padding. */
  readonly padByte?: number;
  /** Unencrypted classic frames: write a u16 inner length first (the legacy challenge). */
  readonly plainInnerLength?: boolean;
}

/** A whole frame (u16 length first) carrying `payload`. */
export function encodeFrame(payload: Uint8Array, st: FrameState, opts: EncodeOptions = {}): Uint8Array {
  let body = payload;
  let compressed = false;
  if (opts.compress && st.checksum === 'sequence' && payload.length >= COMPRESS_FROM) {
    body = new Uint8Array(deflateRawSync(payload, { level: 6 }));
    compressed = true;
  }
  const padByte = opts.padByte ?? 0;
  let inner: Uint8Array;
  if (st.layout === 'blocks') {
    // u8 padding count, body, padding: a multiple of 8 (OutputMessage::writePaddingAmount).
    const pad = 7 - (body.length % 8);
    inner = new Uint8Array(1 + body.length + pad).fill(padByte);
    inner[0] = pad;
    inner.set(body, 1);
  } else if (st.xtea) {
    const len = 2 + body.length;
    inner = new Uint8Array(len + ((8 - (len % 8)) % 8)).fill(padByte);
    inner[0] = body.length & 0xff;
    inner[1] = body.length >> 8;
    inner.set(body, 2);
  } else if (opts.plainInnerLength) {
    inner = new Uint8Array(2 + body.length);
    inner[0] = body.length & 0xff;
    inner[1] = body.length >> 8;
    inner.set(body, 2);
  } else inner = body;
  if (st.xtea) xteaEncryptInPlace(st.xtea, inner);
  const hasField = st.checksum !== 'none' || st.layout === 'blocks';
  const head = hasField ? 6 : 2;
  const out = new Uint8Array(head + inner.length);
  out.set(inner, head);
  if (hasField) {
    let field = 0;
    if (st.checksum === 'adler32') field = adler32(out, 6);
    else if (st.checksum === 'sequence') field = ((opts.seq ?? 0) & 0x7fffffff) | (compressed ? COMPRESSED_BIT : 0);
    out[2] = field;
    out[3] = field >>> 8;
    out[4] = field >>> 16;
    out[5] = field >>> 24;
  }
  const lengthField = st.layout === 'blocks' ? (out.length - 6) / 8 : out.length - 2;
  if (lengthField > 0xffff) throw new RangeError(`frame of ${out.length} bytes does not fit the u16 length`);
  out[0] = lengthField & 0xff;
  out[1] = lengthField >> 8;
  return out;
}
