/**
 * UP/2.0 PDUs. A decrypted frame is stored as the plaintext frame: the
 * original 18-byte header with ENCRYPTED and COMPRESSED cleared and length =
 * the plaintext body length, then the UTF-8 JSON body — so Wireshark's up2
 * dissector reads it as an ordinary unencrypted frame. A frame the proxy
 * could not decrypt (passthrough) is stored exactly as on the wire.
 */
import {
  Flag,
  HEADER_SIZE,
  MAGIC_0,
  MAGIC_1,
  PRIORITY_NAMES,
  readU32BE,
  typeName,
  utf8Decode,
  utf8Encode,
  writeHeader,
} from '../../../src-shared/protocol';
import { type MessageRecord, type MessageSummary } from '../../../src-shared/records';
import { type BuiltPdu, type PduCodec, type PduKind } from './types';

export interface Up2HeaderFields {
  readonly type: number;
  /** Flags as on the wire; ENCRYPTED and COMPRESSED are cleared in the PDU. */
  readonly flags: number;
  readonly seq: number;
  readonly ref: number;
}

/** The plaintext frame for a decoded UP/2.0 message: what the proxy hands to the capture writer. */
export function up2PlaintextPdu(h: Up2HeaderFields, plain: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER_SIZE + plain.length);
  writeHeader(out, {
    type: h.type & 0xff,
    flags: h.flags & ~(Flag.ENCRYPTED | Flag.COMPRESSED | Flag.RESERVED_MASK),
    seq: h.seq >>> 0,
    ref: h.ref >>> 0,
    length: plain.length,
  });
  out.set(plain, HEADER_SIZE);
  return out;
}

/** Flag names as MessageSummary.flags spells them. */
export function up2FlagNames(flags: number): string[] {
  const names: string[] = [];
  if (flags & Flag.RESPONSE) names.push('RESPONSE');
  if (flags & Flag.ENCRYPTED) names.push('ENCRYPTED');
  if (flags & Flag.COMPRESSED) names.push('COMPRESSED');
  names.push(`P${(flags & Flag.PRIORITY_MASK) >> Flag.PRIORITY_SHIFT}`);
  return names;
}

/** The header flags byte from MessageSummary.flags names (P0..P3 or CRITICAL..LOW; NORMAL when absent). */
export function up2FlagsFromNames(names: readonly string[]): number {
  let flags = 0;
  let priority = 2;
  for (const n of names) {
    if (n === 'RESPONSE') flags |= Flag.RESPONSE;
    else if (n === 'ENCRYPTED') flags |= Flag.ENCRYPTED;
    else if (n === 'COMPRESSED') flags |= Flag.COMPRESSED;
    else if (/^P[0-3]$/.test(n)) priority = Number(n[1]);
    else {
      const p = (PRIORITY_NAMES as readonly string[]).indexOf(n);
      if (p >= 0) priority = p;
    }
  }
  return flags | (priority << Flag.PRIORITY_SHIFT);
}

const isFrame = (b: Uint8Array | undefined): b is Uint8Array => !!b && b.length >= HEADER_SIZE && b[0] === MAGIC_0 && b[1] === MAGIC_1;

function headerOf(record: MessageRecord): Up2HeaderFields {
  // The wire header is the authority for flags when the proxy kept it.
  const flags = isFrame(record.wire) ? record.wire[4]! : up2FlagsFromNames(record.flags);
  return { type: record.code, flags, seq: record.seq ?? 0, ref: record.ref ?? 0 };
}

export const up2Codec: PduCodec = {
  dialect: 'up2',
  build(record: MessageRecord): BuiltPdu {
    if (record.plain) return { bytes: up2PlaintextPdu(headerOf(record), record.plain), kind: 'plain' };
    if (record.body !== undefined) return { bytes: up2PlaintextPdu(headerOf(record), utf8Encode(JSON.stringify(record.body))), kind: 'plain' };
    if (record.wire) return { bytes: record.wire, kind: 'wire' };
    return { bytes: up2PlaintextPdu(headerOf(record), new Uint8Array(0)), kind: 'none' };
  },
  split(pdu: Uint8Array, kind: PduKind) {
    if (kind === 'wire') return { wire: pdu };
    if (kind === 'plain' && pdu.length >= HEADER_SIZE) return { plain: pdu.subarray(HEADER_SIZE) };
    return {};
  },
  parseBody(plain: Uint8Array): unknown {
    try {
      return JSON.parse(utf8Decode(plain)) as unknown;
    } catch {
      return undefined;
    }
  },
  summarize(pdu: Uint8Array, kind: PduKind): Partial<MessageSummary> {
    if (!isFrame(pdu)) return {};
    const flags = pdu[4]!;
    const length = readU32BE(pdu, 14);
    return {
      code: pdu[3]!,
      type: typeName(pdu[3]!),
      seq: readU32BE(pdu, 6),
      ref: readU32BE(pdu, 10),
      flags: up2FlagNames(flags),
      wireSize: kind === 'wire' ? pdu.length : 0,
      bodySize: kind === 'plain' ? Math.min(length, pdu.length - HEADER_SIZE) : 0,
    };
  },
};
