/**
 * Decoders for the bodies of the blocks otbridge reads: SHB, IDB, EPB,
 * Custom Block, and the option lists they carry. Every offset is checked
 * against the body before use; a malformed body gives a message, not a throw.
 */
import { BlockType, IdbOpt, Opt, READ_PENS } from './constants';

export function u16(b: Uint8Array, at: number, le: boolean): number {
  return le ? b[at]! | (b[at + 1]! << 8) : (b[at]! << 8) | b[at + 1]!;
}

export function u32(b: Uint8Array, at: number, le: boolean): number {
  return le
    ? (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0
    : ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

/** A 64-bit unsigned value as a number (exact below 2^53). */
export function u64(b: Uint8Array, at: number, le: boolean): number {
  return le ? u32(b, at + 4, le) * 0x1_0000_0000 + u32(b, at, le) : u32(b, at, le) * 0x1_0000_0000 + u32(b, at + 4, le);
}

export interface RawOption {
  readonly code: number;
  /** Offset of the value in the body. */
  readonly at: number;
  readonly length: number;
}

/**
 * Calls `visit` for each option from `start` to the end of `body`. Returns a
 * problem description when an option runs past the body, else null.
 */
export function forEachOption(body: Uint8Array, start: number, le: boolean, visit: (o: RawOption) => void): string | null {
  let at = start;
  while (at + 4 <= body.length) {
    const code = u16(body, at, le);
    const length = u16(body, at + 2, le);
    if (code === Opt.END) return null;
    if (at + 4 + length > body.length) return `option ${code} at +${at} declares ${length} bytes, past the end of its block`;
    visit({ code, at: at + 4, length });
    at += 4 + ((length + 3) & ~3);
  }
  return null;
}

const utf8 = new TextDecoder('utf-8');

export const optionText = (body: Uint8Array, o: RawOption): string => utf8.decode(body.subarray(o.at, o.at + o.length));

/** A custom option with one of our PENs: its data (after the PEN), or null. */
export function ourCustomData(body: Uint8Array, o: RawOption, le: boolean): Uint8Array | null {
  if (o.code !== Opt.CUSTOM_BIN && o.code !== Opt.CUSTOM_STR && o.code !== Opt.CUSTOM_BIN_NO_COPY && o.code !== Opt.CUSTOM_STR_NO_COPY) return null;
  if (o.length < 4 || !READ_PENS.has(u32(body, o.at, le))) return null;
  return body.subarray(o.at + 4, o.at + o.length);
}

export interface ShbInfo {
  readonly major: number;
  readonly minor: number;
  readonly userAppl?: string;
  readonly os?: string;
  readonly comment?: string;
  /** Our custom string options (code 2988 with our PEN), decoded. */
  readonly custom: readonly string[];
}

export function parseShb(body: Uint8Array, le: boolean): ShbInfo | string {
  if (body.length < 16) return `section header body is ${body.length} bytes, under the 16 required`;
  let userAppl: string | undefined;
  let os: string | undefined;
  let comment: string | undefined;
  const custom: string[] = [];
  const problem = forEachOption(body, 16, le, (o) => {
    if (o.code === 4) userAppl = optionText(body, o);
    else if (o.code === 3) os = optionText(body, o);
    else if (o.code === Opt.COMMENT) comment = optionText(body, o);
    else {
      const data = ourCustomData(body, o, le);
      if (data && (o.code === Opt.CUSTOM_STR || o.code === Opt.CUSTOM_STR_NO_COPY)) custom.push(utf8.decode(data));
    }
  });
  if (problem) return `section header: ${problem}`;
  return { major: u16(body, 4, le), minor: u16(body, 6, le), userAppl, os, comment, custom };
}

export interface IdbInfo {
  readonly linkType: number;
  readonly snapLen: number;
  /** Timestamp units per second (if_tsresol; default 10^6). */
  readonly unitsPerSecond: number;
  readonly name?: string;
}

export function parseIdb(body: Uint8Array, le: boolean): IdbInfo | string {
  if (body.length < 8) return `interface description body is ${body.length} bytes, under the 8 required`;
  let unitsPerSecond = 1_000_000;
  let name: string | undefined;
  let bad: string | null = null;
  const problem = forEachOption(body, 8, le, (o) => {
    if (o.code === IdbOpt.TSRESOL && o.length >= 1) {
      const v = body[o.at]!;
      const exp = v & 0x7f;
      // bit 7 set: a power of 2, else a power of 10. Beyond 2^53 units the timestamps cannot be exact numbers anyway.
      if ((v & 0x80 ? exp : exp * 3.33) > 52) bad = `if_tsresol ${v} is finer than this reader supports`;
      else unitsPerSecond = v & 0x80 ? 2 ** exp : 10 ** exp;
    } else if (o.code === IdbOpt.NAME) name = optionText(body, o);
  });
  if (problem || bad) return `interface description: ${problem ?? bad}`;
  return { linkType: u16(body, 0, le), snapLen: u32(body, 4, le), unitsPerSecond, name };
}

export interface CustomBlockView {
  readonly pen: number;
  /** The custom data with its padding (the format cannot tell padding from data). */
  readonly data: Uint8Array;
  readonly copyable: boolean;
}

export function parseCustomBlock(type: number, body: Uint8Array, le: boolean): CustomBlockView | string {
  if (body.length < 4) return `custom block body is ${body.length} bytes, under the 4 required`;
  return { pen: u32(body, 0, le), data: body.subarray(4), copyable: type === BlockType.CB_COPY };
}
