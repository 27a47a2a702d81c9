/**
 * The payload pipeline of spec §3: body → optional LZ4 → optional
 * AES-256-GCM, and back.
 */
import {
  COMPRESS_THRESHOLD,
  Flag,
  GCM_TAG_SIZE,
  HEADER_SIZE,
  MAX_DECOMPRESSED_SIZE,
  NONCE_SIZE,
  type Direction,
} from './constants';
import { ProtocolError, type ErrorFrameInfo } from './errors';
import { writeHeader, type FrameHeader } from './header';
import { readU32BE, writeU32BE } from './bytes';
import { allocBytes } from './alloc';
import type { Aead, BlockCompressor } from './ports';

/** nonce = u32 direction ‖ u64 seq (seq fits in 32 bits, so the high word is 0). */
export function makeNonce(direction: Direction, seq: number): Uint8Array {
  return writeNonce(new Uint8Array(NONCE_SIZE), direction, seq);
}

function writeNonce(out: Uint8Array, direction: Direction, seq: number): Uint8Array {
  writeU32BE(out, 0, direction);
  writeU32BE(out, 4, 0);
  writeU32BE(out, 8, seq);
  return out;
}

// The Aead port reads nonce and AAD during the call only (ports.ts), so one buffer serves every frame.
const nonceScratch = new Uint8Array(NONCE_SIZE);

/**
 * The most bytes an LZ4 block of `n` bytes can expand to: every input byte
 * yields at most 255 output bytes (a length-extension byte), so a declared
 * size above this is a lie we can refuse before allocating the output.
 */
export const lz4MaxExpansion = (n: number): number => n * 255;

export interface SealContext {
  readonly aead: Aead;
  readonly key: Uint8Array;
  readonly direction: Direction;
}

/**
 * Builds a whole frame from a body. Compression is tried only above the
 * threshold and kept only when it saves more than its 4-byte size prefix.
 * `body` is only read during the call (it may be a scratch buffer). The
 * returned frame may be a view into a shared slab (see allocBytes).
 */
export function buildFrame(
  type: number,
  baseFlags: number,
  seq: number,
  ref: number,
  body: Uint8Array,
  compressor: BlockCompressor | null,
  seal: SealContext | null,
  compressThreshold = COMPRESS_THRESHOLD,
): Uint8Array {
  let flags = baseFlags & ~(Flag.COMPRESSED | Flag.ENCRYPTED);
  let payload = body;
  let prefixed = false; // payload still needs the u32 size in front of it
  if (compressor && body.length > compressThreshold) {
    const c = compressor.compress(body);
    if (4 + c.length < body.length) {
      payload = c;
      prefixed = true;
      flags |= Flag.COMPRESSED;
    }
  }
  const plainLength = payload.length + (prefixed ? 4 : 0);
  if (!seal) {
    const frame = allocBytes(HEADER_SIZE + plainLength);
    writeHeader(frame, { type, flags, seq, ref, length: plainLength });
    if (prefixed) writeU32BE(frame, HEADER_SIZE, body.length);
    frame.set(payload, HEADER_SIZE + (prefixed ? 4 : 0));
    return frame;
  }
  if (prefixed) {
    const p = new Uint8Array(plainLength);
    writeU32BE(p, 0, body.length);
    p.set(payload, 4);
    payload = p;
  }
  flags |= Flag.ENCRYPTED;
  const length = plainLength + GCM_TAG_SIZE;
  const frame = allocBytes(HEADER_SIZE + length);
  // The header is the AAD: written once, in place, and authenticated from there.
  writeHeader(frame, { type, flags, seq, ref, length });
  const nonce = writeNonce(nonceScratch, seal.direction, seq);
  if (seal.aead.sealInto) {
    seal.aead.sealInto(seal.key, nonce, payload, frame.subarray(0, HEADER_SIZE), frame, HEADER_SIZE);
    return frame;
  }
  const sealed = seal.aead.seal(seal.key, nonce, payload, frame.subarray(0, HEADER_SIZE));
  if (sealed.length !== length) throw new Error(`Aead.seal returned ${sealed.length} bytes for ${plainLength}: not AES-GCM with a 16-byte tag`);
  frame.set(sealed, HEADER_SIZE);
  return frame;
}

export interface OpenContext {
  readonly aead: Aead | null;
  /** Key of the sending direction, or null before the handshake. */
  readonly key: Uint8Array | null;
  readonly direction: Direction;
  readonly compressor: BlockCompressor | null;
  readonly maxDecompressed?: number;
}

const infoOf = (h: FrameHeader): ErrorFrameInfo => ({ type: h.type, seq: h.seq, ref: h.ref, flags: h.flags });

/**
 * Step 1 of the receiver: authenticates and decrypts an ENCRYPTED payload
 * (returned as is otherwise). `headerBytes` are the 18 bytes as received.
 */
export function decryptPayload(header: FrameHeader, headerBytes: Uint8Array, payload: Uint8Array, ctx: OpenContext): Uint8Array {
  if (!(header.flags & Flag.ENCRYPTED)) return payload;
  if (!ctx.key || !ctx.aead) throw new ProtocolError('DECRYPT_FAILED', 'encrypted frame but no key for this direction yet', infoOf(header));
  if (payload.length < GCM_TAG_SIZE) {
    throw new ProtocolError('DECRYPT_FAILED', `payload of ${payload.length} bytes is shorter than the GCM tag`, infoOf(header));
  }
  let opened: Uint8Array | null;
  try {
    opened = ctx.aead.open(ctx.key, writeNonce(nonceScratch, ctx.direction, header.seq), payload, headerBytes);
  } catch (e) {
    // An Aead that throws instead of returning null still failed to authenticate: fatal, not INTERNAL.
    throw new ProtocolError('DECRYPT_FAILED', `AEAD failed: ${(e as Error).message}`, infoOf(header));
  }
  if (!opened) {
    throw new ProtocolError('DECRYPT_FAILED', 'authentication failed (wrong key or direction, or altered header or payload)', infoOf(header));
  }
  return opened;
}

/**
 * Step 2: undoes LZ4 when COMPRESSED is set. The declared size is checked
 * against the limit and against what the block could possibly produce
 * before anything is decompressed; the output must be exactly that size.
 */
export function decompressPayload(header: FrameHeader, data: Uint8Array, ctx: OpenContext): Uint8Array {
  if (!(header.flags & Flag.COMPRESSED)) return data;
  const fail = (why: string) => new ProtocolError('DECOMPRESS_FAILED', why, infoOf(header));
  if (!ctx.compressor) throw fail('compressed frame but no LZ4 support configured');
  if (data.length < 4) throw fail('compressed payload shorter than its 4-byte size');
  const size = readU32BE(data, 0);
  const limit = ctx.maxDecompressed ?? MAX_DECOMPRESSED_SIZE;
  if (size > limit) throw fail(`declared size ${size} is over the ${limit}-byte limit`);
  const block = data.subarray(4);
  if (size > lz4MaxExpansion(block.length)) throw fail(`declared size ${size} is more than a ${block.length}-byte LZ4 block can produce`);
  let out: Uint8Array;
  try {
    out = ctx.compressor.decompress(block, size);
  } catch (e) {
    throw fail(`LZ4 block invalid for declared size ${size}: ${(e as Error).message}`);
  }
  if (out.length !== size) throw fail(`decompressed to ${out.length} bytes, declared ${size}`);
  return out;
}

/**
 * Reverses the pipeline for one frame: returns the body bytes. `headerBytes`
 * are the 18 bytes as received (the AAD), `payload` the bytes after them.
 */
export function openPayload(header: FrameHeader, headerBytes: Uint8Array, payload: Uint8Array, ctx: OpenContext): Uint8Array {
  return decompressPayload(header, decryptPayload(header, headerBytes, payload, ctx), ctx);
}
