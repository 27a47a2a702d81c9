/**
 * Frame encoder: a body (object, JSON text or UTF-8 bytes) and header fields
 * in, wire bytes out, through the pipeline of spec §3.
 */
import { COMPRESS_THRESHOLD, DEFAULT_MAX_PAYLOAD, HEADER_SIZE, type Direction, type Priority } from './constants';
import { ProtocolError } from './errors';
import { makeFlags } from './header';
import { buildFrame, type SealContext } from './payload';
import { utf8Encode } from './bytes';
import { utf8EncodeScratch } from './alloc';
import type { Aead, BlockCompressor } from './ports';

export interface FrameSpec {
  readonly type: number;
  readonly seq: number;
  /** seq of the request answered (RESPONSE frames), else 0. */
  readonly ref?: number;
  readonly response?: boolean;
  readonly priority?: Priority;
  /** A JSON object, or its text, or its UTF-8 bytes. */
  readonly body: object | string | Uint8Array;
}

export interface EncoderOptions {
  readonly aead: Aead | null;
  readonly compressor: BlockCompressor | null;
  /** Key of this (sending) direction; null sends plaintext. */
  readonly key: Uint8Array | null;
  readonly direction: Direction;
  /** Bodies longer than this are tried with LZ4 (spec: 1024). */
  readonly compressThreshold: number;
  /** The largest payload the peer accepts (default 1 MiB). */
  readonly maxPayload: number;
}

export class FrameEncoder {
  private readonly opts: EncoderOptions;
  private key: Uint8Array | null;
  /** Built once per key, not once per frame. */
  private seal: SealContext | null = null;

  constructor(options: Readonly<Partial<EncoderOptions>> = {}) {
    this.opts = {
      aead: options.aead ?? null,
      compressor: options.compressor ?? null,
      key: options.key ?? null,
      direction: options.direction ?? 1,
      compressThreshold: options.compressThreshold ?? COMPRESS_THRESHOLD,
      maxPayload: options.maxPayload ?? DEFAULT_MAX_PAYLOAD,
    };
    this.key = null;
    this.setKey(this.opts.key);
  }

  setKey(key: Uint8Array | null): void {
    if (key && !this.opts.aead) throw new TypeError('FrameEncoder: a key needs an Aead implementation');
    this.key = key;
    this.seal = key ? { aead: this.opts.aead!, key, direction: this.opts.direction } : null;
  }

  get encrypting(): boolean {
    return this.key !== null;
  }

  /**
   * The wire bytes of one frame. The result may be a view into a shared
   * slab (small frames are pooled, as Node's Buffer does): write it, or
   * `slice()` it before keeping it for long.
   */
  encode(spec: FrameSpec): Uint8Array {
    checkU(spec.type, 0xff, 'type');
    checkU(spec.seq, 0xffffffff, 'seq');
    if (spec.ref !== undefined) checkU(spec.ref, 0xffffffff, 'ref');
    const body = spec.body instanceof Uint8Array ? spec.body : utf8EncodeScratch(typeof spec.body === 'string' ? spec.body : JSON.stringify(spec.body));
    const flags = makeFlags(spec);
    const seal = this.seal;
    const frame = buildFrame(spec.type, flags, spec.seq, spec.ref ?? 0, body, this.opts.compressor, seal, this.opts.compressThreshold);
    const payloadLength = frame.length - HEADER_SIZE;
    if (payloadLength > this.opts.maxPayload) {
      throw new ProtocolError(
        'FRAME_TOO_LARGE',
        `payload of ${payloadLength} bytes is over the peer's ${this.opts.maxPayload}-byte limit`,
        { type: spec.type, seq: spec.seq, ref: spec.ref ?? 0, flags: frame[4]! },
      );
    }
    return frame;
  }
}

/** Header fields are unsigned integers of fixed width: anything else would be silently truncated on the wire. */
function checkU(v: number, max: number, field: string): void {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new RangeError(`FrameEncoder: ${field} must be an integer in 0..${max}, got ${v}`);
}

export function toBodyBytes(body: object | string | Uint8Array): Uint8Array {
  if (body instanceof Uint8Array) return body;
  return utf8Encode(typeof body === 'string' ? body : JSON.stringify(body));
}
