/**
 * The streaming UP/2.0 decoder: framing, sequence, decryption,
 * decompression, JSON and schema validation, in the order of spec §2–§3.
 *
 * `next()` returns a frame, a ProtocolError, or undefined (need more bytes).
 * Errors are returned, not thrown: a non-fatal one (UNKNOWN_TYPE,
 * BAD_PAYLOAD) skips that frame and decoding goes on; after a fatal one the
 * decoder keeps nothing and returns undefined forever (`failed` says why).
 */
import { DEFAULT_MAX_PAYLOAD, Flag, HEADER_SIZE, type Direction } from './constants';
import { ProtocolError, type ErrorFrameInfo } from './errors';
import { type FrameHeader } from './header';
import { messageByCode, validateBody, type MessageDef } from './catalogue';
import { decompressPayload, decryptPayload, type OpenContext } from './payload';
import { FrameSplitter, type RawFrame } from './splitter';
import { utf8Decode } from './bytes';
import type { Aead, BlockCompressor } from './ports';

export interface DecodedFrame<B = Record<string, unknown>> {
  readonly header: FrameHeader;
  readonly def: MessageDef;
  /** The parsed, validated body. */
  readonly body: B;
  /** The body as UTF-8 bytes after decryption and decompression. */
  readonly bodyBytes: Uint8Array;
  /** The frame exactly as received. */
  readonly wire: Uint8Array;
}

export interface DecoderOptions {
  /** Payload limit checked from the header (default 1 MiB). */
  readonly maxPayload: number;
  /** Direction of the frames this decoder reads: picks the nonce and the key. */
  readonly direction: Direction;
  readonly aead: Aead | null;
  readonly compressor: BlockCompressor | null;
  /** Key for this direction; may be set later with setKey (after the handshake). */
  readonly key: Uint8Array | null;
  /** Require seq = last + 1, starting at 1 (default true). */
  readonly checkSequence: boolean;
  /** Validate bodies against the catalogue (default true). */
  readonly validate: boolean;
}

export class FrameDecoder {
  private readonly splitter: FrameSplitter;
  private readonly opts: DecoderOptions;
  private key: Uint8Array | null;
  private encryptionRequired = false;
  private expectedSeq = 1;
  private failure: ProtocolError | null = null;
  /** Handed to the payload pipeline for every frame (one object, not one per frame). */
  private readonly openCtx: { aead: Aead | null; key: Uint8Array | null; direction: Direction; compressor: BlockCompressor | null };

  constructor(options: Readonly<Partial<DecoderOptions>> = {}) {
    this.opts = {
      maxPayload: options.maxPayload ?? DEFAULT_MAX_PAYLOAD,
      direction: options.direction ?? 1,
      aead: options.aead ?? null,
      compressor: options.compressor ?? null,
      key: options.key ?? null,
      checkSequence: options.checkSequence ?? true,
      validate: options.validate ?? true,
    };
    this.key = this.opts.key;
    this.openCtx = { aead: this.opts.aead, key: this.key, direction: this.opts.direction, compressor: this.opts.compressor };
    this.splitter = new FrameSplitter({ maxPayload: this.opts.maxPayload });
  }

  /**
   * Installs this direction's key. With `required` (the default), every later
   * frame must be encrypted (spec §3: a plaintext frame after the handshake is
   * BAD_FLAGS unless encryption "none" was negotiated).
   */
  setKey(key: Uint8Array | null, required = key !== null): void {
    this.key = key;
    this.openCtx.key = key;
    this.encryptionRequired = required;
  }

  get failed(): ProtocolError | null {
    return this.failure;
  }

  get buffered(): number {
    return this.splitter.buffered;
  }

  /** The seq the next frame must carry. */
  get nextSeq(): number {
    return this.expectedSeq;
  }

  push(chunk: Uint8Array): void {
    if (this.failure) return;
    this.splitter.push(chunk);
  }

  next(): DecodedFrame | ProtocolError | undefined {
    if (this.failure) return undefined;
    let raw: RawFrame | undefined;
    try {
      raw = this.splitter.next();
    } catch (e) {
      return this.fail(e as ProtocolError);
    }
    if (!raw) return undefined;
    const r = this.decodeRaw(raw);
    if (r instanceof ProtocolError && r.fatal) return this.fail(r);
    return r;
  }

  *feed(chunk: Uint8Array): Generator<DecodedFrame | ProtocolError, void, undefined> {
    this.push(chunk);
    for (let r = this.next(); r; r = this.next()) yield r;
  }

  /**
   * Decodes one whole frame already split off the stream (sequence checked
   * too). Order: sequence, encryption required, authenticate and decrypt,
   * type known, decompress, UTF-8, JSON, schema. UNKNOWN_TYPE comes after
   * authentication, so an injected frame cannot pass as a skippable unknown
   * type, and before decompression, so a skipped body costs nothing more.
   */
  decodeRaw(raw: RawFrame): DecodedFrame | ProtocolError {
    const h = raw.header;
    if (this.opts.checkSequence) {
      if (h.seq !== this.expectedSeq) {
        return new ProtocolError('BAD_SEQUENCE', `expected seq ${this.expectedSeq}, got ${h.seq}`, infoOf(h));
      }
      this.expectedSeq = (this.expectedSeq + 1) >>> 0;
    }
    if (this.encryptionRequired && !(h.flags & Flag.ENCRYPTED)) {
      return new ProtocolError('BAD_FLAGS', 'plaintext frame after the handshake', infoOf(h));
    }
    let bodyBytes: Uint8Array;
    let def: MessageDef | undefined;
    try {
      const wire = raw.wire;
      const ctx: OpenContext = this.openCtx;
      const payload = wire.subarray(HEADER_SIZE);
      const opened = h.flags & Flag.ENCRYPTED ? decryptPayload(h, wire.subarray(0, HEADER_SIZE), payload, ctx) : payload;
      def = messageByCode(h.type);
      if (!def) return new ProtocolError('UNKNOWN_TYPE', `type 0x${h.type.toString(16).padStart(2, '0')} is not in the catalogue`, infoOf(h));
      bodyBytes = decompressPayload(h, opened, ctx);
    } catch (e) {
      if (e instanceof ProtocolError) return e;
      return new ProtocolError('INTERNAL', `payload pipeline failed: ${(e as Error).message}`, infoOf(h));
    }
    const body = parseBody(def, h, bodyBytes, this.opts.validate);
    if (body instanceof ProtocolError) return body;
    return { header: h, def, body, bodyBytes, wire: raw.wire };
  }

  private fail(e: ProtocolError): ProtocolError {
    this.failure = e;
    this.splitter.abort(e); // the bytes after a fatal error can no longer be trusted: keep none
    return e;
  }
}

/** UTF-8 → JSON object → schema. Returns BAD_PAYLOAD naming the problem. */
export function parseBody(
  def: MessageDef,
  h: FrameHeader,
  bodyBytes: Uint8Array,
  validate = true,
): Record<string, unknown> | ProtocolError {
  let text: string;
  try {
    text = utf8Decode(bodyBytes);
  } catch {
    return new ProtocolError('BAD_PAYLOAD', `${def.name}: body is not valid UTF-8`, infoOf(h));
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    return new ProtocolError('BAD_PAYLOAD', `${def.name}: body is not JSON (${(e as Error).message})`, infoOf(h));
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return new ProtocolError('BAD_PAYLOAD', `${def.name}: body must be a JSON object`, infoOf(h));
  }
  if (validate) {
    const problem = validateBody(def, (h.flags & Flag.RESPONSE) !== 0, body);
    if (problem) return new ProtocolError('BAD_PAYLOAD', problem, infoOf(h));
  }
  return body as Record<string, unknown>;
}

/** Built only when an error is returned: the success path allocates nothing for it. */
function infoOf(h: FrameHeader): ErrorFrameInfo {
  return { type: h.type, seq: h.seq, ref: h.ref, flags: h.flags };
}
