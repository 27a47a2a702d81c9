/**
 * pcapng block encoders. otbridge writes little-endian sections (the byte
 * order of every machine it runs on); the reader accepts both.
 *
 * Each function returns one whole block in one buffer, so a writer can hand
 * it to a single write() and a crash leaves at most one partial block.
 */
import { BLOCK_OVERHEAD, BYTE_ORDER_MAGIC, BlockType, EpbOpt, IdbOpt, Opt } from './constants';

export interface BlockOption {
  readonly code: number;
  readonly value: Uint8Array;
}

const utf8 = new TextEncoder();
const pad4 = (n: number): number => (n + 3) & ~3;

export const optBytes = (code: number, value: Uint8Array): BlockOption => {
  if (value.length > 0xffff) throw new RangeError(`pcapng option ${code} is ${value.length} bytes; options hold at most 65535`);
  return { code, value };
};

export const optString = (code: number, text: string): BlockOption => optBytes(code, utf8.encode(text));

export function optU32(code: number, n: number): BlockOption {
  const v = new Uint8Array(4);
  new DataView(v.buffer).setUint32(0, n >>> 0, true);
  return { code, value: v };
}

export function optU64(code: number, n: number): BlockOption {
  const v = new Uint8Array(8);
  const dv = new DataView(v.buffer);
  setU64(dv, 0, n);
  return { code, value: v };
}

/** A custom option: PEN (section byte order) followed by the data. */
export function optCustom(code: number, pen: number, data: Uint8Array): BlockOption {
  const v = new Uint8Array(4 + data.length);
  new DataView(v.buffer).setUint32(0, pen >>> 0, true);
  v.set(data, 4);
  return optBytes(code, v);
}

/** Bytes the options take, end-of-options included (none when the list is empty). */
export function optionsSize(options: readonly BlockOption[]): number {
  if (options.length === 0) return 0;
  let n = 4;
  for (const o of options) n += 4 + pad4(o.value.length);
  return n;
}

function writeOptions(dv: DataView, out: Uint8Array, at: number, options: readonly BlockOption[]): number {
  if (options.length === 0) return at;
  for (const o of options) {
    dv.setUint16(at, o.code, true);
    dv.setUint16(at + 2, o.value.length, true);
    out.set(o.value, at + 4);
    at += 4 + pad4(o.value.length);
  }
  return at + 4; // opt_endofopt: code 0, length 0 (the buffer is zeroed)
}

function frame(type: number, bodySize: number): { out: Uint8Array; dv: DataView } {
  const total = BLOCK_OVERHEAD + bodySize;
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, type, true);
  dv.setUint32(4, total, true);
  dv.setUint32(total - 4, total, true);
  return { out, dv };
}

/** Section Header Block, version 1.0, section length unknown (-1): the file is written as a stream. */
export function encodeShb(options: readonly BlockOption[]): Uint8Array {
  const { out, dv } = frame(BlockType.SHB, 16 + optionsSize(options));
  dv.setUint32(8, BYTE_ORDER_MAGIC, true);
  dv.setUint16(12, 1, true);
  dv.setUint16(14, 0, true);
  dv.setInt32(16, -1, true);
  dv.setInt32(20, -1, true);
  writeOptions(dv, out, 24, options);
  return out;
}

/** Interface Description Block; snaplen 0 = no limit. */
export function encodeIdb(linkType: number, options: readonly BlockOption[], snapLen = 0): Uint8Array {
  const { out, dv } = frame(BlockType.IDB, 8 + optionsSize(options));
  dv.setUint16(8, linkType, true);
  dv.setUint32(12, snapLen, true);
  writeOptions(dv, out, 16, options);
  return out;
}

export interface EpbFields {
  readonly interfaceId: number;
  /** Timestamp in the interface's units (µs for otbridge's own interface). */
  readonly timestamp: number;
  /** The packet bytes, in parts (Exported PDU tags, then the PDU) so callers need not concatenate them. */
  readonly data: readonly Uint8Array[];
  readonly options: readonly BlockOption[];
}

export function encodeEpb(f: EpbFields): Uint8Array {
  let len = 0;
  for (const d of f.data) len += d.length;
  const { out, dv } = frame(BlockType.EPB, 20 + pad4(len) + optionsSize(f.options));
  dv.setUint32(8, f.interfaceId, true);
  setU64Split(dv, 12, f.timestamp);
  dv.setUint32(20, len, true);
  dv.setUint32(24, len, true);
  let at = 28;
  for (const d of f.data) {
    out.set(d, at);
    at += d.length;
  }
  writeOptions(dv, out, 28 + pad4(len), f.options);
  return out;
}

/**
 * Custom Block: PEN, then the data padded to 32 bits with `padByte`
 * (otbridge pads its JSON with spaces so the data stays valid JSON as a whole).
 */
export function encodeCustomBlock(
  pen: number,
  data: Uint8Array,
  opts: { copyable?: boolean; padByte?: number; options?: readonly BlockOption[] } = {},
): Uint8Array {
  const options = opts.options ?? [];
  const { out, dv } = frame(opts.copyable === false ? BlockType.CB_NO_COPY : BlockType.CB_COPY, 4 + pad4(data.length) + optionsSize(options));
  dv.setUint32(8, pen >>> 0, true);
  out.set(data, 12);
  if (opts.padByte) out.fill(opts.padByte, 12 + data.length, 12 + pad4(data.length));
  writeOptions(dv, out, 12 + pad4(data.length), options);
  return out;
}

export const IDB_TSRESOL_MICROS = optBytes(IdbOpt.TSRESOL, Uint8Array.of(6));

/** epb_flags with the direction bits (01 inbound, 10 outbound). */
export const optDirection = (direction: number): BlockOption => optU32(EpbOpt.FLAGS, direction & 3);

export const optComment = (text: string): BlockOption => optString(Opt.COMMENT, text);

function setU64(dv: DataView, at: number, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`expected a non-negative safe integer, got ${n}`);
  dv.setUint32(at, n % 0x1_0000_0000, true);
  dv.setUint32(at + 4, Math.floor(n / 0x1_0000_0000), true);
}

/** EPB timestamps are two 32-bit words, high word first, each in section byte order. */
function setU64Split(dv: DataView, at: number, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`timestamp must be a non-negative safe integer, got ${n}`);
  dv.setUint32(at, Math.floor(n / 0x1_0000_0000), true);
  dv.setUint32(at + 4, n % 0x1_0000_0000, true);
}
