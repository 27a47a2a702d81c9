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
import { ProtocolError } from './errors';
import { writeHeader, type FrameHeader } from './header';
import { readU32BE, writeU32BE } from './bytes';
import type { Aead, BlockCompressor } from './ports';

/** nonce = u32 direction ‖ u64 seq (seq fits in 32 bits, so the high word is 0). */
export function makeNonce(direction: Direction, seq: number): Uint8Array {
  const n = new Uint8Array(NONCE_SIZE);
  writeU32BE(n, 0, direction);
  writeU32BE(n, 8, seq);
  return n;
}

export interface SealContext {
  readonly aead: Aead;
  readonly key: Uint8Array;
  readonly direction: Direction;
}

/**
 * Builds a whole frame from a body. Compression is tried only above the
 * threshold and kept only when it saves more than its 4-byte size prefix.
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
  if (compressor && body.length > compressThreshold) {
    const c = compressor.compress(body);
    if (4 + c.length < body.length) {
      payload = new Uint8Array(4 + c.length);
      writeU32BE(payload, 0, body.length);
      payload.set(c, 4);
      flags |= Flag.COMPRESSED;
    }
  }
  if (!seal) {
    const frame = new Uint8Array(HEADER_SIZE + payload.length);
    writeHeader(frame, { type, flags, seq, ref, length: payload.length });
    frame.set(payload, HEADER_SIZE);
    return frame;
  }
  flags |= Flag.ENCRYPTED;
  const header: FrameHeader = { type, flags, seq, ref, length: payload.length + GCM_TAG_SIZE };
  const aad = new Uint8Array(HEADER_SIZE);
  writeHeader(aad, header);
  const sealed = seal.aead.seal(seal.key, makeNonce(seal.direction, seq), payload, aad);
  const frame = new Uint8Array(HEADER_SIZE + sealed.length);
  frame.set(aad, 0);
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

/**
 * Reverses the pipeline for one frame: returns the body bytes. `headerBytes`
 * are the 18 bytes as received (the AAD), `payload` the bytes after them.
 */
export function openPayload(header: FrameHeader, headerBytes: Uint8Array, payload: Uint8Array, ctx: OpenContext): Uint8Array {
  const info = { type: header.type, seq: header.seq, ref: header.ref, flags: header.flags };
  let data = payload;
  if (header.flags & Flag.ENCRYPTED) {
    if (!ctx.key || !ctx.aead) throw new ProtocolError('DECRYPT_FAILED', 'encrypted frame but no key for this direction yet', info);
    if (data.length < GCM_TAG_SIZE) throw new ProtocolError('DECRYPT_FAILED', `payload of ${data.length} bytes is shorter than the GCM tag`, info);
    const opened = ctx.aead.open(ctx.key, makeNonce(ctx.direction, header.seq), data, headerBytes);
    if (!opened) throw new ProtocolError('DECRYPT_FAILED', 'authentication failed (wrong key or direction, or altered header or payload)', info);
    data = opened;
  }
  if (header.flags & Flag.COMPRESSED) {
    if (!ctx.compressor) throw new ProtocolError('DECOMPRESS_FAILED', 'compressed frame but no LZ4 support configured', info);
    if (data.length < 4) throw new ProtocolError('DECOMPRESS_FAILED', 'compressed payload shorter than its 4-byte size', info);
    const size = readU32BE(data, 0);
    const limit = ctx.maxDecompressed ?? MAX_DECOMPRESSED_SIZE;
    if (size > limit) throw new ProtocolError('DECOMPRESS_FAILED', `declared size ${size} is over the ${limit}-byte limit`, info);
    try {
      data = ctx.compressor.decompress(data.subarray(4), size);
    } catch (e) {
      throw new ProtocolError('DECOMPRESS_FAILED', `LZ4 block invalid for declared size ${size}: ${(e as Error).message}`, info);
    }
    if (data.length !== size) {
      throw new ProtocolError('DECOMPRESS_FAILED', `decompressed to ${data.length} bytes, declared ${size}`, info);
    }
  }
  return data;
}
