/**
 * Frame encoder: a body (object, JSON text or UTF-8 bytes) and header fields
 * in, wire bytes out, through the pipeline of spec §3.
 */
import { COMPRESS_THRESHOLD, DEFAULT_MAX_PAYLOAD, Flag, type Direction, type Priority } from './constants';
import { ProtocolError } from './errors';
import { makeFlags } from './header';
import { buildFrame } from './payload';
import { utf8Encode } from './bytes';
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

  constructor(options: Readonly<Partial<EncoderOptions>> = {}) {
    this.opts = {
      aead: options.aead ?? null,
      compressor: options.compressor ?? null,
      key: options.key ?? null,
      direction: options.direction ?? 1,
      compressThreshold: options.compressThreshold ?? COMPRESS_THRESHOLD,
      maxPayload: options.maxPayload ?? DEFAULT_MAX_PAYLOAD,
    };
    this.key = this.opts.key;
    if (this.key && !this.opts.aead) throw new TypeError('FrameEncoder: a key needs an Aead implementation');
  }

  setKey(key: Uint8Array | null): void {
    if (key && !this.opts.aead) throw new TypeError('FrameEncoder: a key needs an Aead implementation');
    this.key = key;
  }

  get encrypting(): boolean {
    return this.key !== null;
  }

  encode(spec: FrameSpec): Uint8Array {
    const body = toBodyBytes(spec.body);
    const flags = makeFlags({ response: spec.response, priority: spec.priority ?? 2 });
    const seal = this.key ? { aead: this.opts.aead!, key: this.key, direction: this.opts.direction } : null;
    const frame = buildFrame(
      spec.type,
      flags,
      spec.seq >>> 0,
      (spec.ref ?? 0) >>> 0,
      body,
      this.opts.compressor,
      seal,
      this.opts.compressThreshold,
    );
    const payloadLength = frame.length - 18;
    if (payloadLength > this.opts.maxPayload) {
      throw new ProtocolError(
        'FRAME_TOO_LARGE',
        `payload of ${payloadLength} bytes is over the peer's ${this.opts.maxPayload}-byte limit`,
        { type: spec.type, seq: spec.seq, ref: spec.ref ?? 0, flags: flags | (seal ? Flag.ENCRYPTED : 0) },
      );
    }
    return frame;
  }
}

export function toBodyBytes(body: object | string | Uint8Array): Uint8Array {
  if (body instanceof Uint8Array) return body;
  return utf8Encode(typeof body === 'string' ? body : JSON.stringify(body));
}
