/**
 * otbridge's binary summary option read in the window (the layout is in
 * packet-meta.ts, whose decodeSummary is the reference this must agree
 * with), into a reused set of fields; and a CapturedRecord made from them.
 *
 * The dialect, type and flags — the same few combinations in millions of
 * records — are found by their bytes in a cache instead of being decoded
 * each time; so are error and fault texts, which repeat as well.
 */
import { type Dir } from '../../src-shared/records';
import { CapturedRecord, type CapturedRecordInit } from './captured-record';
import { type PacketFields } from './epb-reader';
import { BytesCache } from './intern';
import { MetaKind } from './packet-meta';
import { tsToMs, type PartContext } from './part-context';
import { pduCodecFor } from './pdu/index';
import { type PduKind } from './pdu/types';

export const PDU_KINDS: readonly PduKind[] = ['none', 'plain', 'wire'];
const utf8 = new TextDecoder('utf-8');

interface SummaryNames {
  readonly dialect: string;
  readonly type: string;
  readonly flags: readonly string[];
}

/** One summary, decoded; overwritten by each readSummary(). */
export class SummaryFields {
  /** 0 none, 1 plain, 2 wire (an index into PDU_KINDS). */
  pduKind = 0;
  code = 0;
  session = 0;
  seq: number | null = null;
  ref: number | null = null;
  wireSize = 0;
  bodySize = 0;
  latencyMs: number | undefined = undefined;
  pairId: number | undefined = undefined;
  dialect = '';
  type = '';
  flags: readonly string[] = [];
  error: string | undefined = undefined;
  faults: readonly string[] | undefined = undefined;
}

const u16le = (b: Uint8Array, at: number): number => b[at]! | (b[at + 1]! << 8);

/**
 * A DataView of the window last read from (the reader hands over thousands
 * of records from one window): the summary's numbers — its doubles at any
 * alignment — read with one call each instead of byte by byte.
 */
let viewOf: Uint8Array | null = null;
let view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
function dataView(b: Uint8Array): DataView<ArrayBufferLike> {
  if (b !== viewOf) {
    viewOf = b;
    view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  return view;
}

/** Dialect, type and flags from their three length-prefixed strings, b[at, at + len) (bounds already checked). */
function decodeNames(b: Uint8Array, at: number, _len: number): SummaryNames {
  const dl = u16le(b, at);
  const dialect = utf8.decode(b.subarray(at + 2, at + 2 + dl));
  const t = at + 2 + dl;
  const tl = u16le(b, t);
  const type = utf8.decode(b.subarray(t + 2, t + 2 + tl));
  const f = t + 2 + tl;
  const fl = u16le(b, f);
  const flagText = utf8.decode(b.subarray(f + 2, f + 2 + fl));
  return { dialect, type, flags: Object.freeze(flagText === '' ? [] : flagText.split(' ')) };
}
const names = new BytesCache<SummaryNames>();

const texts = new BytesCache<string>();
const faultLists = new BytesCache<readonly string[]>();
const decodeText = (b: Uint8Array, at: number, len: number): string => utf8.decode(b.subarray(at, at + len));
const decodeFaults = (b: Uint8Array, at: number, len: number): readonly string[] => Object.freeze(decodeText(b, at, len).split('\n'));

/**
 * Reads the summary of the packet read into `f` (from w) into `out`; false
 * when the packet has none or it is malformed (the packet is then read the
 * general way). Every length is checked against the option first.
 */
export function readSummary(w: Uint8Array, f: PacketFields, out: SummaryFields): boolean {
  const s = f.summaryAt;
  const end = s + f.summaryLength;
  if (s < 0 || f.summaryLength < 44 || w[s] !== MetaKind.SUMMARY) return false;
  const kind = w[s + 1]!;
  if (kind >= PDU_KINDS.length) return false;
  // Five length-prefixed strings: dialect, type, flags, error, faults.
  const stringsAt = s + 44;
  let at = stringsAt;
  let errorAt = 0;
  let faultsAt = 0;
  for (let i = 0; i < 5; i++) {
    if (at + 2 > end) return false;
    const len = u16le(w, at);
    if (at + 2 + len > end) return false;
    if (i === 3) errorAt = at;
    else if (i === 4) faultsAt = at;
    at += 2 + len;
  }
  const dv = dataView(w);
  const code = dv.getUint16(s + 2, true);
  // Hinted by the type code and PDU kind; the bytes decide.
  const n = names.getHinted(code | (kind << 16), w, stringsAt, errorAt - stringsAt, decodeNames);
  const errorLength = u16le(w, errorAt);
  const faultsLength = u16le(w, faultsAt);
  const present = w[s + 24]!;
  out.pduKind = kind;
  out.code = code;
  out.session = dv.getUint32(s + 4, true);
  out.seq = present & 1 ? dv.getUint32(s + 8, true) : null;
  out.ref = present & 2 ? dv.getUint32(s + 12, true) : null;
  out.wireSize = dv.getUint32(s + 16, true);
  out.bodySize = dv.getUint32(s + 20, true);
  out.latencyMs = present & 4 ? dv.getFloat64(s + 28, true) : undefined;
  out.pairId = present & 8 ? dv.getFloat64(s + 36, true) : undefined;
  out.dialect = n.dialect;
  out.type = n.type;
  out.flags = n.flags;
  out.error = errorLength ? texts.get(w, errorAt + 2, errorLength, decodeText) : undefined;
  out.faults = faultsLength ? faultLists.get(w, faultsAt + 2, faultsLength, decodeFaults) : undefined;
  return true;
}

const NO_BYTES: { plain?: Uint8Array; wire?: Uint8Array } = Object.freeze({});
const fields = new SummaryFields();

/** The constructor's argument, filled in for each record and reused (the constructor copies every field out of it). */
const init: { -readonly [K in keyof CapturedRecordInit]: CapturedRecordInit[K] } = {
  id: 0,
  session: 0,
  dir: 'c2s',
  time: 0,
  dialect: '',
  type: '',
  code: 0,
  seq: null,
  ref: null,
  flags: [],
  wireSize: 0,
  bodySize: 0,
  latencyMs: undefined,
  pairId: undefined,
  error: undefined,
  faults: undefined,
  plain: undefined,
  wire: undefined,
  bodyJson: undefined,
  pdu: 'none',
  part: 0,
  offset: 0,
  src: undefined,
  dst: undefined,
};

/**
 * The record of a packet read by readPacket, from its binary summary; null
 * when it has none or the summary is malformed (the caller then reads the
 * packet the general way). `pdu` and `bodyJson` are copies the record may
 * keep, or undefined for a summary-only record.
 */
export function recordFromSummary(
  w: Uint8Array,
  f: PacketFields,
  ctx: PartContext,
  offset: number,
  dir: Dir,
  pdu: Uint8Array | undefined,
  bodyJson: Uint8Array | undefined,
): CapturedRecord | null {
  const s = fields;
  if (!readSummary(w, f, s)) return null;
  const pduKind = PDU_KINDS[s.pduKind]!;
  const split = pdu ? pduCodecFor(s.dialect).split(pdu, pduKind) : NO_BYTES;
  const r = init;
  r.id = f.packetId >= 0 ? f.packetId : ctx.anonymousId(offset);
  r.session = s.session;
  r.dir = dir;
  r.time = tsToMs(f.timestamp, f.iface.unitsPerSecond);
  r.dialect = s.dialect;
  r.type = s.type;
  r.code = s.code;
  r.seq = s.seq;
  r.ref = s.ref;
  r.flags = s.flags;
  r.wireSize = s.wireSize;
  r.bodySize = s.bodySize;
  r.latencyMs = s.latencyMs;
  r.pairId = s.pairId;
  r.error = s.error;
  r.faults = s.faults;
  r.plain = split.plain;
  r.wire = split.wire;
  r.bodyJson = bodyJson;
  r.pdu = pduKind;
  r.part = ctx.part;
  r.offset = offset;
  r.src = f.tags.header.src;
  r.dst = f.tags.header.dst;
  return new CapturedRecord(r);
}
