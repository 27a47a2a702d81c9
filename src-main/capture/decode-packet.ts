/**
 * Turns the blocks of a part file into what readers want: records, session
 * metadata, index entries. Packets are read in place (epb-reader.ts) and
 * records made from otbridge's binary summary (summary-record.ts); packets
 * without one — another tool's captures — are read from their PDU here.
 */
import { type Dir } from '../../src-shared/records';
import { BlockType, EpbDirection, EpbOpt, LINKTYPE_WIRESHARK_UPPER_PDU, MAX_BLOCK_BYTES, Opt, OTBRIDGE_PEN, READ_PENS } from './pcapng/constants';
import { parseCustomBlock } from './pcapng/parse';
import { type RawBlock } from './pcapng/scan';
import { decodeExportedPdu } from './exported-pdu';
import { type Endpoint } from './ip';
import { MetaKind } from './packet-meta';
import { CapturedRecord } from './captured-record';
import { pduCodecFor } from './pdu/index';
import { type PduKind } from './pdu/types';
import { decodeSessionBlockData, type SessionMeta } from './session-meta';
import { EntryBits, HOST_LE, type IndexEntry } from './index-table';
import { type IndexSink } from './index-sink';
import { dirOf, packetDir, PacketFields, readPacket, readPacketNoTags } from './epb-reader';
import { PDU_KINDS, readSummary, recordFromSummary, SummaryFields } from './summary-record';
import { type SummaryBatch } from './summary-batch';
import { tsToMs, type PartContext } from './part-context';

const utf8 = new TextDecoder('utf-8');
const isOurPen = (pen: number): boolean => pen === OTBRIDGE_PEN || READ_PENS.has(pen);

/** Reused by every decode: one packet at a time, read in place. */
const scratch = new PacketFields();

/**
 * The record of the packet just read into `f` (from w): from its summary,
 * or else the general way. `pdu`/`bodyJson` are the copies the record may
 * keep; `keepBytes` false makes a summary-only record.
 */
function recordOf(w: Uint8Array, f: PacketFields, ctx: PartContext, offset: number, keepBytes: boolean, pdu: Uint8Array | undefined, bodyJson: Uint8Array | undefined): CapturedRecord {
  const dir = packetDir(f);
  const r = recordFromSummary(w, f, ctx, offset, dir, pdu, bodyJson);
  if (r) return r;
  const comment = f.commentAt >= 0 ? utf8.decode(w.subarray(f.commentAt, f.commentAt + f.commentLength)) : undefined;
  const header = f.tags.header;
  return foreignRecord(pdu ?? w.slice(f.pduAt, f.dataEnd), keepBytes, header.dissector, dir, tsToMs(f.timestamp, f.iface.unitsPerSecond), f.packetId >= 0 ? f.packetId : undefined, comment, ctx, {
    part: ctx.part,
    offset,
    src: header.src,
    dst: header.dst,
  });
}

/** A record from an EPB, or a problem text. Its bytes are copied out of the read window. */
export function decodeRecordBlock(block: RawBlock, ctx: PartContext): CapturedRecord | string {
  const w = block.body;
  const problem = readPacket(w, 0, w.length, block.littleEndian, ctx, scratch);
  if (problem) return problem;
  const pdu = w.slice(scratch.pduAt, scratch.dataEnd);
  const bodyJson = scratch.bodyJsonAt >= 0 ? w.slice(scratch.bodyJsonAt, scratch.bodyJsonAt + scratch.bodyJsonLength) : undefined;
  return recordOf(w, scratch, ctx, block.offset, true, pdu, bodyJson);
}

/** One buffer the bytes of a batch of records are copied into: the records' plain/wire are views of it. */
class Arena {
  private readonly buf: Uint8Array;
  private at = 0;
  constructor(size: number) {
    this.buf = new Uint8Array(size);
  }
  copy(src: Uint8Array, from: number, to: number): Uint8Array {
    const start = this.at;
    this.buf.set(src.subarray(from, to), start);
    this.at += to - from;
    return this.buf.subarray(start, this.at);
  }
}

/** Where the blocks to decode lie in a window: block k is w[starts[k], starts[k] + lengths[k]); a negative length skips it. */
export interface BlockSpans {
  readonly starts: Int32Array;
  readonly lengths: Int32Array;
}

/**
 * Records from the EPBs at spans [from, to) of one window, appended to
 * `out` — the reader's hot path: packets read in place, records from their
 * binary summaries, bytes (when wanted) copied into one buffer per window.
 */
export function decodeRecordsAt(
  w: Uint8Array,
  base: number,
  spans: BlockSpans,
  from: number,
  to: number,
  le: boolean,
  ctx: PartContext,
  bytes: boolean,
  onProblem: (offset: number, problem: string) => void,
  out: CapturedRecord[],
): void {
  const { starts, lengths } = spans;
  let arena: Arena | null = null;
  if (bytes) {
    // Sized exactly (a first pass reads the packets for their lengths): the records keep this buffer alive.
    let total = 0;
    for (let k = from; k < to; k++) {
      const len = lengths[k]!;
      if (len <= 0 || readPacket(w, starts[k]! + 8, starts[k]! + len - 4, le, ctx, scratch)) continue;
      total += scratch.dataEnd - scratch.pduAt + (scratch.bodyJsonAt >= 0 ? scratch.bodyJsonLength : 0);
    }
    arena = new Arena(total);
  }
  for (let k = from; k < to; k++) {
    const len = lengths[k]!;
    if (len <= 0) continue;
    const at = starts[k]!;
    const problem = readPacket(w, at + 8, at + len - 4, le, ctx, scratch);
    if (problem) {
      onProblem(base + at, problem);
      continue;
    }
    const pdu = arena?.copy(w, scratch.pduAt, scratch.dataEnd);
    const bodyJson = arena && scratch.bodyJsonAt >= 0 ? arena.copy(w, scratch.bodyJsonAt, scratch.bodyJsonAt + scratch.bodyJsonLength) : undefined;
    out.push(recordOf(w, scratch, ctx, base + at, bytes, pdu, bodyJson));
  }
}

/**
 * The summaries of the EPBs at spans [from, to) of one window, appended to
 * the columns of `out` (whose capacity must hold them): no object per
 * record for packets otbridge wrote; another tool's packets are read the
 * general way and their record copied in.
 */
export function decodeSummariesAt(
  w: Uint8Array,
  base: number,
  spans: BlockSpans,
  from: number,
  to: number,
  le: boolean,
  ctx: PartContext,
  onProblem: (offset: number, problem: string) => void,
  out: SummaryBatch,
): void {
  const { starts, lengths } = spans;
  const s = summaryScratch;
  for (let k = from; k < to; k++) {
    const len = lengths[k]!;
    if (len <= 0) continue;
    const at = starts[k]!;
    const f = scratch;
    const problem = readPacket(w, at + 8, at + len - 4, le, ctx, f);
    if (problem) {
      onProblem(base + at, problem);
      continue;
    }
    const i = out.length++;
    if (readSummary(w, f, s)) {
      out.id[i] = f.packetId >= 0 ? f.packetId : ctx.anonymousId(base + at);
      out.time[i] = tsToMs(f.timestamp, f.iface.unitsPerSecond);
      out.session[i] = s.session;
      out.code[i] = s.code;
      out.seq[i] = s.seq ?? NaN;
      out.ref[i] = s.ref ?? NaN;
      out.latencyMs[i] = s.latencyMs ?? NaN;
      out.pairId[i] = s.pairId ?? NaN;
      out.wireSize[i] = s.wireSize;
      out.bodySize[i] = s.bodySize;
      out.s2c[i] = packetDir(f) === 's2c' ? 1 : 0;
      out.pduKind[i] = s.pduKind;
      out.dialect[i] = s.dialect;
      out.type[i] = s.type;
      out.flags[i] = s.flags;
      out.error[i] = s.error;
      out.faults[i] = s.faults;
      out.src[i] = f.tags.header.src;
      out.dst[i] = f.tags.header.dst;
    } else {
      const r = recordOf(w, f, ctx, base + at, false, undefined, undefined);
      out.id[i] = r.id;
      out.time[i] = r.time;
      out.session[i] = r.session;
      out.code[i] = r.code;
      out.seq[i] = r.seq ?? NaN;
      out.ref[i] = r.ref ?? NaN;
      out.latencyMs[i] = r.latencyMs ?? NaN;
      out.pairId[i] = r.pairId ?? NaN;
      out.wireSize[i] = r.wireSize;
      out.bodySize[i] = r.bodySize;
      out.s2c[i] = r.dir === 's2c' ? 1 : 0;
      out.pduKind[i] = PDU_KINDS.indexOf(r.pdu);
      out.dialect[i] = r.dialect;
      out.type[i] = r.type;
      out.flags[i] = r.flags;
      out.error[i] = r.error;
      out.faults[i] = r.faults;
      out.src[i] = r.src;
      out.dst[i] = r.dst;
    }
    out.part[i] = ctx.part;
    out.offset[i] = base + at;
  }
}

const summaryScratch = new SummaryFields();

const NO_BYTES: { plain?: Uint8Array; wire?: Uint8Array } = Object.freeze({});

/**
 * A packet without otbridge's summary (another tool's Exported PDU capture,
 * or a rewriter that dropped custom options): the dialect's codec reads what
 * it can from the PDU, and an otbridge comment, if it survived, fills in the rest.
 */
function foreignRecord(
  pdu: Uint8Array,
  keepBytes: boolean,
  dialect: string,
  dir: Dir,
  time: number,
  packetId: number | undefined,
  comment: string | undefined,
  ctx: PartContext,
  where: { part: number; offset: number; src: Endpoint | undefined; dst: Endpoint | undefined },
): CapturedRecord {
  const codec = pduCodecFor(dialect);
  // Without our metadata the PDU kind is a guess: an ENCRYPTED UP/2.0 header means the wire frame.
  const kind: PduKind = dialect === 'up2' && pdu.length >= 5 && (pdu[4]! & 0x02) !== 0 ? 'wire' : 'plain';
  const s = codec.summarize?.(pdu, kind) ?? {};
  const c = parseOurComment(comment);
  const split = keepBytes ? codec.split(pdu, kind) : NO_BYTES;
  return new CapturedRecord({
    id: packetId ?? (typeof c.id === 'number' ? c.id : ctx.anonymousId(where.offset)),
    session: typeof c.session === 'number' ? c.session : 0,
    dir: c.dir === 'c2s' || c.dir === 's2c' ? c.dir : dir,
    time,
    dialect,
    type: typeof c.type === 'string' ? c.type : (s.type ?? 'UNKNOWN'),
    code: s.code ?? 0,
    seq: s.seq ?? null,
    ref: s.ref ?? null,
    flags: Array.isArray(c.flags) ? c.flags.filter((f): f is string => typeof f === 'string') : (s.flags ?? []),
    wireSize: typeof c.wireSize === 'number' ? c.wireSize : (s.wireSize ?? pdu.length),
    bodySize: typeof c.bodySize === 'number' ? c.bodySize : (s.bodySize ?? 0),
    latencyMs: typeof c.latencyMs === 'number' ? c.latencyMs : undefined,
    pairId: typeof c.pairId === 'number' ? c.pairId : undefined,
    error: typeof c.error === 'string' ? c.error : undefined,
    faults: undefined,
    plain: split.plain,
    wire: split.wire,
    bodyJson: undefined,
    pdu: kind,
    ...where,
  });
}

function parseOurComment(comment: string | undefined): Record<string, unknown> {
  if (!comment || comment[0] !== '{') return {};
  try {
    const v = JSON.parse(comment) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Session metadata from a custom block with our PEN; null for other custom blocks; a problem text for a broken one of ours. */
export function decodeSessionBlock(block: RawBlock): SessionMeta | null | string {
  const cb = parseCustomBlock(block.type, block.body, block.littleEndian);
  if (typeof cb === 'string') return cb;
  if (!READ_PENS.has(cb.pen)) return null;
  return decodeSessionBlockData(cb.data);
}

export const isPacketBlock = (t: number): boolean => t === BlockType.EPB;
export const isCustomBlock = (t: number): boolean => t === BlockType.CB_COPY || t === BlockType.CB_NO_COPY;

/**
 * The index entry of a block: records and session blocks get one, other
 * blocks none (null). Reads only the fixed fields — no strings, no JSON
 * (except for session blocks, which are few).
 */
export function indexEntryOf(block: RawBlock, ctx: PartContext): IndexEntry | null | string {
  if (isCustomBlock(block.type)) {
    const meta = decodeSessionBlock(block);
    if (meta === null) return null;
    if (typeof meta === 'string') return meta;
    const t = typeof meta.end === 'number' ? meta.end : typeof meta.start === 'number' ? meta.start : 0;
    return { id: meta.session, time: t, part: ctx.part, offset: block.offset, session: meta.session, code: 0, bits: EntryBits.SESSION_BLOCK };
  }
  if (!isPacketBlock(block.type)) return null;
  const b = block.body;
  const le = block.littleEndian;
  const f = scratch;
  const problem = readPacketNoTags(b, 0, b.length, le, ctx, f);
  if (problem) return problem;
  if (f.summaryAt < 0 || f.summaryLength < 44 || f.packetId < 0) {
    // Not written by otbridge: decode it fully (rare, and only for foreign captures).
    const r = decodeRecordBlock(block, ctx);
    if (typeof r === 'string') return r;
    return { id: r.id, time: r.time, part: ctx.part, offset: block.offset, session: r.session, code: r.code, bits: r.dir === 's2c' ? EntryBits.S2C : 0 };
  }
  const s = f.summaryAt;
  return {
    id: f.packetId,
    time: tsToMs(f.timestamp, f.iface.unitsPerSecond),
    part: ctx.part,
    offset: block.offset,
    session: (b[s + 4]! | (b[s + 5]! << 8) | (b[s + 6]! << 16) | (b[s + 7]! << 24)) >>> 0,
    code: b[s + 2]! | (b[s + 3]! << 8),
    bits: epbP2p(f.epbDir, b.subarray(f.dataAt, f.dataEnd)) === 's2c' ? EntryBits.S2C : 0,
  };
}

/** Direction from epb_flags; only when absent are the Exported PDU tags read for it. */
function epbP2p(epbDir: number, data: Uint8Array): Dir {
  if (epbDir === EpbDirection.INBOUND) return 'c2s';
  if (epbDir === EpbDirection.OUTBOUND) return 's2c';
  const exp = decodeExportedPdu(data);
  return dirOf(0, typeof exp === 'string' ? undefined : exp.header.p2pDir);
}

/**
 * The indexer's fast path: an otbridge EPB read in place from the window
 * into the index table, with no object made. Anything unusual (no summary,
 * an unknown interface, malformed options) returns false and takes the
 * general path, which reports problems.
 */
export function indexEpbInPlace(w: Uint8Array, at: number, length: number, le: boolean, offset: number, ctx: PartContext, table: IndexSink): boolean {
  if (!le || length < 32) return false;
  const body = at + 8;
  const end = at + length - 4;
  const iface = ctx.interfaces[rd32(w, body)];
  if (!iface || iface.linkType !== LINKTYPE_WIRESHARK_UPPER_PDU) return false;
  const cap = rd32(w, body + 12);
  let o = body + 20 + ((cap + 3) & ~3);
  if (o > end) return false;
  let id = -1;
  let dir = 0;
  let sessionAt = -1;
  while (o + 4 <= end) {
    const code = w[o]! | (w[o + 1]! << 8);
    const len = w[o + 2]! | (w[o + 3]! << 8);
    if (code === 0) break;
    const v = o + 4;
    if (v + len > end) return false;
    if (code === EpbOpt.PACKETID && len === 8) id = rd32(w, v + 4) * 0x1_0000_0000 + rd32(w, v);
    else if (code === EpbOpt.FLAGS && len === 4) dir = w[v]! & 3;
    else if (code === Opt.CUSTOM_BIN && len >= 48 && w[v + 4] === MetaKind.SUMMARY && isOurPen(rd32(w, v))) sessionAt = v + 4;
    o = v + ((len + 3) & ~3);
  }
  if (id < 0 || sessionAt < 0 || dir === 0) return false;
  const ts = rd32(w, body + 4) * 0x1_0000_0000 + rd32(w, body + 8);
  table.pushFields(
    id,
    tsToMs(ts, iface.unitsPerSecond),
    ctx.part,
    offset,
    rd32(w, sessionAt + 4),
    w[sessionAt + 2]! | (w[sessionAt + 3]! << 8),
    dir === EpbDirection.OUTBOUND ? EntryBits.S2C : 0,
  );
  return true;
}

/**
 * indexEpbInPlace over a run of otbridge EPBs in a little-endian window
 * (a RunVisitor, see pcapng/scan.ts): from `at`, every block that is a
 * whole, valid EPB — the checks scanWindow makes, here without a call per
 * block — and that the fast path can index; returns where it stopped.
 */
export function indexEpbRun(w: Uint8Array, at: number, base: number, fileEnd: number, ctx: PartContext, table: IndexSink): number {
  // Blocks start at multiples of 4 from the window's start: 32-bit words can be read as words.
  if (HOST_LE && (w.byteOffset & 3) === 0 && (at & 3) === 0) return indexEpbRunWords(w, new Uint32Array(w.buffer, w.byteOffset, w.length >> 2), at, base, fileEnd, ctx, table);
  const n = w.length;
  let p = at;
  while (n - p >= 32) {
    if (rd32(w, p) !== BlockType.EPB) return p;
    const len = rd32(w, p + 4);
    if (len < 32 || (len & 3) !== 0 || len > MAX_BLOCK_BYTES || len > n - p || base + p + len > fileEnd || rd32(w, p + len - 4) !== len) return p;
    if (!indexEpbInPlace(w, p, len, true, base + p, ctx, table)) return p;
    p += len;
  }
  return p;
}

const TWO_32 = 0x1_0000_0000;

/**
 * indexEpbRun reading the window as 32-bit words (`u`, the same bytes on a
 * little-endian host): what indexEpbInPlace does, field for field, with one
 * load per word instead of four — the indexer's innermost loop, where a
 * million packets make the difference. Stops, like it, at anything unusual.
 */
function indexEpbRunWords(w: Uint8Array, u: Uint32Array, at: number, base: number, fileEnd: number, ctx: PartContext, table: IndexSink): number {
  const interfaces = ctx.interfaces;
  const part = ctx.part;
  // A block taken here ends inside the window and inside the file: one bound for both.
  const limit = Math.min(w.length, fileEnd - base);
  // The interface of the block before (a capture has one or a few): looked up again only when it changes.
  let lastIface = -1;
  let unitsPerSecond = 0;
  let p = at;
  while (limit - p >= 32) {
    const q = p >> 2;
    if (u[q] !== BlockType.EPB) return p;
    const len = u[q + 1]!;
    if (len < 32 || (len & 3) !== 0 || len > MAX_BLOCK_BYTES || len > limit - p || u[(p + len - 4) >> 2] !== len) return p;
    // EPB body at p + 8: interface, timestamp (high, low), captured length, original length, then the packet data.
    const ifaceId = u[q + 2]!;
    if (ifaceId !== lastIface) {
      const iface = interfaces[ifaceId];
      if (!iface || iface.linkType !== LINKTYPE_WIRESHARK_UPPER_PDU) return p;
      lastIface = ifaceId;
      unitsPerSecond = iface.unitsPerSecond;
    }
    const end = p + len - 4;
    let o = p + 28 + ((u[q + 5]! + 3) & ~3);
    if (o > end) return p;
    let id = -1;
    let dir = 0;
    let sessionAt = -1;
    while (o + 4 <= end) {
      const head = u[o >> 2]!;
      const code = head & 0xffff;
      const olen = head >>> 16;
      if (code === 0) break;
      const v = o + 4;
      if (v + olen > end) return p;
      if (code === EpbOpt.PACKETID && olen === 8) id = u[(v >> 2) + 1]! * TWO_32 + u[v >> 2]!;
      else if (code === EpbOpt.FLAGS && olen === 4) dir = w[v]! & 3;
      else if (code === Opt.CUSTOM_BIN && olen >= 48 && w[v + 4] === MetaKind.SUMMARY && isOurPen(u[v >> 2]!)) sessionAt = v + 4;
      o = v + ((olen + 3) & ~3);
    }
    if (id < 0 || sessionAt < 0 || dir === 0) return p;
    // The summary is word-aligned (options are, in a block that is): its code is the high half of its first word, the session its second word.
    table.pushFields(id, tsToMs(u[q + 3]! * TWO_32 + u[q + 4]!, unitsPerSecond), part, base + p, u[(sessionAt + 4) >> 2]!, u[sessionAt >> 2]! >>> 16, dir === EpbDirection.OUTBOUND ? EntryBits.S2C : 0);
    p += len;
  }
  return p;
}

const rd32 = (b: Uint8Array, at: number): number => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
