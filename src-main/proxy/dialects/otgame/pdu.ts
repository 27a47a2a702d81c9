/**
 * The capture PDU of an OT message, read by tools/wireshark/otgame.lua:
 *
 *   0  u8  PDU version (1)
 *   1  u8  bits: 0 server→client, 1 payload is the decoded message (else the wire frame),
 *          2 compressed on the wire, 3 sequenced, 4 Adler-32, 5 XTEA, 6 14.05 block layout,
 *          7 the proxy flagged a decode error
 *   2  u8  service: 0 unknown, 1 login, 2 game
 *   3  u8  reserved, 0
 *   4  u32 LE sequence number (0 when none)
 *   8  …   the decoded message (opcode first), or the frame as it crossed the wire
 *
 * Registered with the capture layer's PDU codecs under the name 'otgame'.
 */
import { type Dir, type MessageRecord, type MessageSummary } from '../../../../src-shared/records';
import { type BuiltPdu, type PduCodec, type PduKind } from '../../../capture/pdu/types';
import { opcodeName } from './opcodes';

export const PDU_VERSION = 1;
export const PDU_HEADER = 8;

export const PduBit = {
  S2C: 1,
  PLAIN: 2,
  COMPRESSED: 4,
  SEQUENCED: 8,
  ADLER32: 16,
  XTEA: 32,
  BLOCKS: 64,
  ERROR: 128,
} as const;

export interface PduSource {
  readonly dir: Dir;
  readonly flags: readonly string[];
  readonly seq: number | null;
  readonly plain?: Uint8Array;
  readonly wire?: Uint8Array;
  readonly error?: string;
}

export function encodePdu(m: PduSource): Uint8Array {
  const bytes = m.plain ?? m.wire ?? new Uint8Array(0);
  const out = new Uint8Array(PDU_HEADER + bytes.length);
  let bits = m.dir === 's2c' ? PduBit.S2C : 0;
  if (m.plain) bits |= PduBit.PLAIN;
  const has = (f: string): boolean => m.flags.includes(f);
  if (has('COMPRESSED')) bits |= PduBit.COMPRESSED;
  if (has('SEQUENCED')) bits |= PduBit.SEQUENCED;
  if (has('ADLER32')) bits |= PduBit.ADLER32;
  if (has('XTEA')) bits |= PduBit.XTEA;
  if (has('BLOCKS')) bits |= PduBit.BLOCKS;
  if (m.error) bits |= PduBit.ERROR;
  out[0] = PDU_VERSION;
  out[1] = bits;
  out[2] = has('LOGIN') ? 1 : has('GAME') ? 2 : 0;
  const seq = (m.seq ?? 0) >>> 0;
  out[4] = seq;
  out[5] = seq >>> 8;
  out[6] = seq >>> 16;
  out[7] = seq >>> 24;
  out.set(bytes, PDU_HEADER);
  return out;
}

export interface DecodedPdu {
  readonly dir: Dir;
  readonly kind: PduKind;
  readonly service: 'login' | 'game' | undefined;
  readonly seq: number;
  readonly bits: number;
  readonly bytes: Uint8Array;
}

export function decodePdu(pdu: Uint8Array): DecodedPdu | undefined {
  if (pdu.length < PDU_HEADER || pdu[0] !== PDU_VERSION) return undefined;
  const bits = pdu[1]!;
  return {
    dir: bits & PduBit.S2C ? 's2c' : 'c2s',
    kind: bits & PduBit.PLAIN ? 'plain' : 'wire',
    service: pdu[2] === 1 ? 'login' : pdu[2] === 2 ? 'game' : undefined,
    seq: (pdu[4]! | (pdu[5]! << 8) | (pdu[6]! << 16) | (pdu[7]! << 24)) >>> 0,
    bits,
    bytes: pdu.subarray(PDU_HEADER),
  };
}

export const otgamePduCodec: PduCodec = {
  dialect: 'otgame',
  build(record: MessageRecord): BuiltPdu {
    const bytes = encodePdu(record);
    return { bytes, kind: record.plain ? 'plain' : record.wire ? 'wire' : 'none' };
  },
  split(pdu: Uint8Array, kind: PduKind) {
    const d = decodePdu(pdu);
    if (!d) return {};
    return kind === 'plain' ? { plain: d.bytes } : kind === 'wire' ? { wire: d.bytes } : {};
  },
  summarize(pdu: Uint8Array): Partial<MessageSummary> {
    const d = decodePdu(pdu);
    if (!d) return {};
    const flags: string[] = [d.service === 'login' ? 'LOGIN' : 'GAME'];
    if (d.bits & PduBit.COMPRESSED) flags.push('COMPRESSED');
    if (d.bits & PduBit.SEQUENCED) flags.push('SEQUENCED');
    if (d.bits & PduBit.ADLER32) flags.push('ADLER32');
    if (d.bits & PduBit.XTEA) flags.push('XTEA');
    if (d.bits & PduBit.BLOCKS) flags.push('BLOCKS');
    const code = d.kind === 'plain' && d.bytes.length ? d.bytes[0]! : -1;
    return {
      dir: d.dir,
      code,
      type: code >= 0 ? opcodeName(d.service ?? 'game', d.dir, code) : 'ENCRYPTED',
      seq: d.bits & PduBit.SEQUENCED ? d.seq : null,
      flags,
      wireSize: d.kind === 'wire' ? d.bytes.length : 0,
      bodySize: d.kind === 'plain' ? d.bytes.length : 0,
    };
  },
};
