import { Flag, HEADER_SIZE, MAGIC_0, MAGIC_1, PROTOCOL_VERSION, type Priority } from './constants';
import { ProtocolError } from './errors';
import { readU32BE, writeU32BE } from './bytes';

/** The 18-byte frame header of spec §2. */
export interface FrameHeader {
  readonly type: number;
  readonly flags: number;
  readonly seq: number;
  readonly ref: number;
  readonly length: number;
}

export interface FlagFields {
  readonly compressed?: boolean;
  readonly encrypted?: boolean;
  readonly response?: boolean;
  readonly priority?: Priority;
}

export function makeFlags(f: FlagFields): number {
  const p = f.priority ?? 2;
  if (!Number.isInteger(p) || p < 0 || p > 3) throw new RangeError(`priority must be 0..3, got ${p}`);
  return (
    (f.compressed ? Flag.COMPRESSED : 0) |
    (f.encrypted ? Flag.ENCRYPTED : 0) |
    (f.response ? Flag.RESPONSE : 0) |
    (p << Flag.PRIORITY_SHIFT)
  );
}

export const isCompressed = (flags: number): boolean => (flags & Flag.COMPRESSED) !== 0;
export const isEncrypted = (flags: number): boolean => (flags & Flag.ENCRYPTED) !== 0;
export const isResponse = (flags: number): boolean => (flags & Flag.RESPONSE) !== 0;
export const priorityOf = (flags: number): Priority => ((flags & Flag.PRIORITY_MASK) >> Flag.PRIORITY_SHIFT) as Priority;

export function writeHeader(out: Uint8Array, h: FrameHeader, offset = 0): void {
  out[offset] = MAGIC_0;
  out[offset + 1] = MAGIC_1;
  out[offset + 2] = PROTOCOL_VERSION;
  out[offset + 3] = h.type;
  out[offset + 4] = h.flags;
  out[offset + 5] = 0;
  writeU32BE(out, offset + 6, h.seq);
  writeU32BE(out, offset + 10, h.ref);
  writeU32BE(out, offset + 14, h.length);
}

export function encodeHeader(h: FrameHeader): Uint8Array {
  const out = new Uint8Array(HEADER_SIZE);
  writeHeader(out, h);
  return out;
}

/**
 * Reads and checks a header (magic, version, flags, reserved byte, length
 * limit) from `bytes[offset..offset+18)`. Throws the fatal ProtocolError the
 * spec names; the caller guarantees 18 bytes are there.
 */
export function readHeader(bytes: Uint8Array, offset: number, maxPayload: number): FrameHeader {
  if (bytes[offset] !== MAGIC_0 || bytes[offset + 1] !== MAGIC_1) {
    throw new ProtocolError('BAD_MAGIC', `expected 0x5550, got 0x${hex2(bytes[offset]!)}${hex2(bytes[offset + 1]!)}`);
  }
  const version = bytes[offset + 2]!;
  if (version !== PROTOCOL_VERSION) throw new ProtocolError('BAD_VERSION', `expected version 2, got ${version}`);
  const type = bytes[offset + 3]!;
  const flags = bytes[offset + 4]!;
  const seq = readU32BE(bytes, offset + 6);
  const ref = readU32BE(bytes, offset + 10);
  const info = { type, flags, seq, ref };
  if ((flags & Flag.RESERVED_MASK) !== 0) {
    throw new ProtocolError('BAD_FLAGS', `flag bits 5-7 must be zero, got flags 0x${hex2(flags)}`, info);
  }
  if (bytes[offset + 5] !== 0) {
    throw new ProtocolError('BAD_FLAGS', `reserved byte must be zero, got 0x${hex2(bytes[offset + 5]!)}`, info);
  }
  const length = readU32BE(bytes, offset + 14);
  if (length > maxPayload) {
    throw new ProtocolError('FRAME_TOO_LARGE', `payload of ${length} bytes is over the ${maxPayload}-byte limit`, info);
  }
  return { type, flags, seq, ref, length };
}

function hex2(b: number): string {
  return b.toString(16).padStart(2, '0');
}
