/**
 * Turns the blocks of a part file into what readers want: records, session
 * metadata, index entries. Interface descriptions and section headers are
 * followed as they come, so each packet is read with its interface's link
 * type and timestamp resolution.
 */
import { type Dir } from '../../src-shared/records';
import { BlockType, EpbDirection, EpbOpt, LINKTYPE_WIRESHARK_UPPER_PDU, Opt, READ_PENS } from './pcapng/constants';
import { parseCustomBlock, parseIdb, parseShb, u32, u64, type IdbInfo } from './pcapng/parse';
import { type RawBlock } from './pcapng/scan';
import { decodeExportedPdu, P2P_DIR_RECV, type DecodedExportedPdu, type ExportedPduHeader } from './exported-pdu';
import { type Endpoint } from './ip';
import { decodeSummary, MetaKind } from './packet-meta';

const utf8 = new TextDecoder('utf-8');
import { CapturedRecord } from './captured-record';
import { pduCodecFor } from './pdu/index';
import { type PduKind } from './pdu/types';
import { decodeSessionBlockData, type SessionMeta } from './session-meta';
import { EntryBits, type IndexEntry, type IndexTable } from './index-table';

/** What a part file says about itself in its section header (otbridge's capture-info option). */
export interface CaptureInfo {
  /** Random id shared by every part of one capture (32 hex digits). */
  readonly capture: string;
  readonly part: number;
  readonly created?: number;
  readonly app?: string;
}

/** Per-file decoding state: the current section's interfaces. */
export class PartContext {
  interfaces: (IdbInfo | undefined)[] = [];
  info: CaptureInfo | undefined;
  userAppl: string | undefined;
  constructor(readonly part: number) {}

  /** Follows SHB and IDB blocks; returns a problem text for a malformed one. */
  observe(block: RawBlock): string | null {
    if (block.type === BlockType.SHB) {
      const shb = parseShb(block.body, block.littleEndian);
      if (typeof shb === 'string') return shb;
      this.interfaces = [];
      this.userAppl = shb.userAppl;
      for (const c of shb.custom) {
        const info = parseCaptureInfo(c);
        if (info) this.info = info;
      }
      return null;
    }
    if (block.type === BlockType.IDB) {
      const idb = parseIdb(block.body, block.littleEndian);
      this.interfaces.push(typeof idb === 'string' ? undefined : idb);
      return typeof idb === 'string' ? idb : null;
    }
    return null;
  }

  /**
   * The id of a packet that has none (another tool's capture): its position,
   * part × 2^40 + offset — unique, in file order, and the same whichever
   * way the packet is reached (scan, index, random access).
   */
  anonymousId(offset: number): number {
    return this.part * 2 ** 40 + offset;
  }
}

function parseCaptureInfo(text: string): CaptureInfo | undefined {
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    if (v && v.kind === 'capture' && typeof v.capture === 'string' && /^[0-9a-f]{32}$/.test(v.capture) && typeof v.part === 'number') {
      return {
        capture: v.capture,
        part: v.part,
        ...(typeof v.created === 'number' ? { created: v.created } : {}),
        ...(typeof v.app === 'string' ? { app: v.app } : {}),
      };
    }
  } catch {
    // not ours
  }
  return undefined;
}

/** Timestamp units → ms since the epoch, with one rounding (µs: ts / 1000, as the writer computed ts = ms × 1000). */
export function tsToMs(ts: number, unitsPerSecond: number): number {
  return unitsPerSecond % 1000 === 0 ? ts / (unitsPerSecond / 1000) : (ts * 1000) / unitsPerSecond;
}

const dirOf = (epbDir: number | undefined, p2p: number | undefined): Dir =>
  epbDir === EpbDirection.OUTBOUND ? 's2c' : epbDir === EpbDirection.INBOUND ? 'c2s' : p2p === P2P_DIR_RECV ? 'c2s' : p2p === undefined ? 'c2s' : 's2c';

/** Checks the packet's interface; returns the interface or a problem. */
function interfaceOf(ctx: PartContext, id: number): IdbInfo | string {
  const idb = ctx.interfaces[id];
  if (!idb) return `packet refers to interface ${id}, which is not described (or was malformed)`;
  if (idb.linkType !== LINKTYPE_WIRESHARK_UPPER_PDU) {
    return `packet on interface ${id} has link type ${idb.linkType}, not ${LINKTYPE_WIRESHARK_UPPER_PDU} (Wireshark upper PDU): not an otbridge capture`;
  }
  return idb;
}

/** A record from an EPB, or a problem text. Its bytes are copied out of the read window. */
export function decodeRecordBlock(block: RawBlock, ctx: PartContext): CapturedRecord | string {
  const v = decodePacket(block, ctx);
  if (typeof v === 'string') return v;
  return recordFromPacket(v, ctx, v.pdu.slice(), v.bodyJson?.slice());
}

/**
 * Records from several EPBs (the result lines up with `blocks`; null where
 * one could not be decoded — `onProblem` says why), their bytes copied into
 * one shared buffer: one allocation per batch instead of one per record.
 * `bytes: false` leaves plain/wire (and so body) out.
 */
export function decodeRecordBlocks(
  blocks: readonly RawBlock[],
  ctx: PartContext,
  bytes: boolean,
  onProblem: (block: RawBlock, problem: string) => void,
): (CapturedRecord | null)[] {
  const views: (PacketView | null)[] = [];
  let total = 0;
  for (const b of blocks) {
    const v = decodePacket(b, ctx);
    if (typeof v === 'string') {
      onProblem(b, v);
      views.push(null);
    } else {
      views.push(v);
      total += v.pdu.length + (v.bodyJson?.length ?? 0);
    }
  }
  const arena = bytes ? new Uint8Array(total) : null;
  let at = 0;
  const copy = (src: Uint8Array): Uint8Array => {
    arena!.set(src, at);
    const out = arena!.subarray(at, at + src.length);
    at += src.length;
    return out;
  };
  return views.map((v) => (v ? recordFromPacket(v, ctx, arena ? copy(v.pdu) : undefined, v.bodyJson && arena ? copy(v.bodyJson) : undefined) : null));
}

/** What one EPB holds, still as views into the read window. */
interface PacketView {
  readonly block: RawBlock;
  readonly time: number;
  readonly header: ExportedPduHeader;
  readonly pdu: Uint8Array;
  readonly opts: PacketOptions;
  readonly bodyJson: Uint8Array | undefined;
}

interface PacketOptions {
  packetId: number | undefined;
  epbDir: number | undefined;
  summary: Uint8Array | undefined;
  bodyJson: Uint8Array | undefined;
  /** Where the comment is in the body (-1: none); decoded only for packets without a summary. */
  commentAt: number;
  commentLength: number;
}

/** Reads an EPB's header, interface, Exported PDU tags and options (no copies). */
function decodePacket(block: RawBlock, ctx: PartContext): PacketView | string {
  const b = block.body;
  const le = block.littleEndian;
  if (b.length < 20) return `enhanced packet body is ${b.length} bytes, under the 20 required`;
  const capturedLength = u32(b, 12, le);
  const optionsAt = 20 + ((capturedLength + 3) & ~3);
  if (optionsAt > b.length) return `enhanced packet declares ${capturedLength} captured bytes, past the end of its block`;
  const idb = interfaceOf(ctx, u32(b, 0, le));
  if (typeof idb === 'string') return idb;
  const data = b.subarray(20, 20 + capturedLength);
  const exp = cachedExportedPdu(data);
  if (typeof exp === 'string') return exp;
  const opts = readPacketOptions(b, optionsAt, le);
  if (typeof opts === 'string') return opts;
  const timestamp = u32(b, 4, le) * 0x1_0000_0000 + u32(b, 8, le);
  return { block, time: tsToMs(timestamp, idb.unitsPerSecond), header: exp.header, pdu: data.subarray(exp.pduAt), opts, bodyJson: opts.bodyJson };
}

function recordFromPacket(v: PacketView, ctx: PartContext, pdu: Uint8Array | undefined, bodyJson: Uint8Array | undefined): CapturedRecord {
  const { opts, header } = v;
  const dir = dirOf(opts.epbDir, header.p2pDir);
  if (opts.summary) {
    const s = decodeSummary(opts.summary);
    if (typeof s !== 'string') {
      const split = pdu ? pduCodecFor(s.dialect).split(pdu, s.pduKind) : NO_BYTES;
      return new CapturedRecord({
        id: opts.packetId ?? ctx.anonymousId(v.block.offset),
        session: s.session,
        dir,
        time: v.time,
        dialect: s.dialect,
        type: s.type,
        code: s.code,
        seq: s.seq,
        ref: s.ref,
        flags: s.flags,
        wireSize: s.wireSize,
        bodySize: s.bodySize,
        latencyMs: s.latencyMs,
        pairId: s.pairId,
        error: s.error,
        faults: s.faults,
        plain: split.plain,
        wire: split.wire,
        bodyJson,
        pdu: s.pduKind,
        part: ctx.part,
        offset: v.block.offset,
        src: header.src,
        dst: header.dst,
      });
    }
  }
  const comment = opts.commentAt >= 0 ? utf8.decode(v.block.body.subarray(opts.commentAt, opts.commentAt + opts.commentLength)) : undefined;
  return foreignRecord(pdu ?? v.pdu.slice(), pdu !== undefined, header.dissector, dir, v.time, opts.packetId, comment, ctx, {
    part: ctx.part,
    offset: v.block.offset,
    src: header.src,
    dst: header.dst,
  });
}

const NO_BYTES: { plain?: Uint8Array; wire?: Uint8Array } = Object.freeze({});

// The tags of one session and direction are the same for every packet: decode each distinct set once.
const tagCache = new Map<string, DecodedExportedPdu>();
function cachedExportedPdu(data: Uint8Array): DecodedExportedPdu | string {
  // Find the end of the tags without decoding them.
  let at = 0;
  for (;;) {
    if (at + 4 > data.length) return decodeExportedPdu(data); // malformed: let the decoder say why
    const tag = (data[at]! << 8) | data[at + 1]!;
    const len = (data[at + 2]! << 8) | data[at + 3]!;
    at += 4 + len;
    if (at > data.length) return decodeExportedPdu(data);
    if (tag === 0) break;
  }
  const key = latin1.decode(data.subarray(0, at));
  let d = tagCache.get(key);
  if (!d) {
    const r = decodeExportedPdu(data);
    if (typeof r === 'string') return r;
    d = r;
    if (tagCache.size > 4096) tagCache.clear();
    tagCache.set(key, d);
  }
  return d;
}
const latin1 = new TextDecoder('latin1');

/** The options otbridge reads, in one pass without closures (this runs for every packet). */
function readPacketOptions(b: Uint8Array, start: number, le: boolean): PacketOptions | string {
  const o: PacketOptions = { packetId: undefined, epbDir: undefined, summary: undefined, bodyJson: undefined, commentAt: -1, commentLength: 0 };
  let at = start;
  while (at + 4 <= b.length) {
    const code = le ? b[at]! | (b[at + 1]! << 8) : (b[at]! << 8) | b[at + 1]!;
    const length = le ? b[at + 2]! | (b[at + 3]! << 8) : (b[at + 2]! << 8) | b[at + 3]!;
    if (code === Opt.END) break;
    const v = at + 4;
    if (v + length > b.length) return `option ${code} at +${at} declares ${length} bytes, past the end of its block`;
    if (code === EpbOpt.PACKETID) {
      if (length === 8) o.packetId = u64(b, v, le);
    } else if (code === EpbOpt.FLAGS) {
      if (length === 4) o.epbDir = u32(b, v, le) & 3;
    } else if (code === Opt.CUSTOM_BIN || code === Opt.CUSTOM_BIN_NO_COPY) {
      if (length >= 5 && READ_PENS.has(u32(b, v, le))) {
        const kind = b[v + 4];
        if (kind === MetaKind.SUMMARY) o.summary = b.subarray(v + 4, v + length);
        else if (kind === MetaKind.BODY_JSON) o.bodyJson = b.subarray(v + 5, v + length);
      }
    } else if (code === Opt.COMMENT) {
      o.commentAt = v;
      o.commentLength = length;
    }
    at = v + ((length + 3) & ~3);
  }
  return o;
}

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
  if (b.length < 20) return `enhanced packet body is ${b.length} bytes, under the 20 required`;
  const capturedLength = u32(b, 12, le);
  const optionsAt = 20 + ((capturedLength + 3) & ~3);
  if (optionsAt > b.length) return `enhanced packet declares ${capturedLength} captured bytes, past the end of its block`;
  const idb = interfaceOf(ctx, u32(b, 0, le));
  if (typeof idb === 'string') return idb;
  const opts = readPacketOptions(b, optionsAt, le);
  if (typeof opts === 'string') return opts;
  const s = opts.summary;
  if (!s || s.length < 44 || opts.packetId === undefined) {
    // Not written by otbridge: decode it fully (rare, and only for foreign captures).
    const r = decodeRecordBlock(block, ctx);
    if (typeof r === 'string') return r;
    return { id: r.id, time: r.time, part: ctx.part, offset: block.offset, session: r.session, code: r.code, bits: r.dir === 's2c' ? EntryBits.S2C : 0 };
  }
  return {
    id: opts.packetId,
    time: tsToMs(u32(b, 4, le) * 0x1_0000_0000 + u32(b, 8, le), idb.unitsPerSecond),
    part: ctx.part,
    offset: block.offset,
    session: (s[4]! | (s[5]! << 8) | (s[6]! << 16) | (s[7]! << 24)) >>> 0,
    code: s[2]! | (s[3]! << 8),
    bits: epbP2p(opts.epbDir, b.subarray(20, 20 + capturedLength)) === 's2c' ? EntryBits.S2C : 0,
  };
}

/** Direction from epb_flags; only when absent are the Exported PDU tags read for it. */
function epbP2p(epbDir: number | undefined, data: Uint8Array): Dir {
  if (epbDir === EpbDirection.INBOUND) return 'c2s';
  if (epbDir === EpbDirection.OUTBOUND) return 's2c';
  const exp = decodeExportedPdu(data);
  return dirOf(undefined, typeof exp === 'string' ? undefined : exp.header.p2pDir);
}

/**
 * The indexer's fast path: an otbridge EPB read in place from the window
 * into the index table, with no object made. Anything unusual (no summary,
 * an unknown interface, malformed options) returns false and takes the
 * general path, which reports problems.
 */
export function indexEpbInPlace(w: Uint8Array, at: number, length: number, le: boolean, offset: number, ctx: PartContext, table: IndexTable): boolean {
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
    else if (code === Opt.CUSTOM_BIN && len >= 48 && w[v + 4] === MetaKind.SUMMARY && READ_PENS.has(rd32(w, v))) sessionAt = v + 4;
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

const rd32 = (b: Uint8Array, at: number): number => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
