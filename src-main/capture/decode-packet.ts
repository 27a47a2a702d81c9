/**
 * Turns the blocks of a part file into what readers want: records, session
 * metadata, index entries. Interface descriptions and section headers are
 * followed as they come, so each packet is read with its interface's link
 * type and timestamp resolution.
 */
import { type Dir } from '../../src-shared/records';
import { BlockType, EpbDirection, EpbOpt, LINKTYPE_WIRESHARK_UPPER_PDU, Opt, READ_PENS } from './pcapng/constants';
import { forEachOption, optionText, parseCustomBlock, parseEpb, parseIdb, parseShb, u32, u64, type IdbInfo } from './pcapng/parse';
import { type RawBlock } from './pcapng/scan';
import { decodeExportedPdu, P2P_DIR_RECV } from './exported-pdu';
import { decodeSummary, MetaKind } from './packet-meta';
import { CapturedRecord } from './captured-record';
import { pduCodecFor } from './pdu/index';
import { type PduKind } from './pdu/types';
import { decodeSessionBlockData, type SessionMeta } from './session-meta';
import { EntryBits, type IndexEntry } from './index-table';

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
  /** Packets without an id (other tools' captures) get one from their position. */
  private anonymous = 0;

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

  nextAnonymousId(): number {
    return ++this.anonymous;
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

interface PacketOptions {
  packetId?: number;
  epbDir?: number;
  summary?: Uint8Array;
  bodyJson?: Uint8Array;
  comment?: string;
}

function readPacketOptions(block: RawBlock, at: number, wantComment: boolean): PacketOptions | string {
  const o: PacketOptions = {};
  const b = block.body;
  const le = block.littleEndian;
  const problem = forEachOption(b, at, le, (opt) => {
    switch (opt.code) {
      case EpbOpt.PACKETID:
        if (opt.length === 8) o.packetId = u64(b, opt.at, le);
        break;
      case EpbOpt.FLAGS:
        if (opt.length === 4) o.epbDir = u32(b, opt.at, le) & 3;
        break;
      case Opt.CUSTOM_BIN:
      case Opt.CUSTOM_BIN_NO_COPY:
        if (opt.length >= 5 && READ_PENS.has(u32(b, opt.at, le))) {
          const data = b.subarray(opt.at + 4, opt.at + opt.length);
          if (data[0] === MetaKind.SUMMARY) o.summary = data;
          else if (data[0] === MetaKind.BODY_JSON) o.bodyJson = data.subarray(1);
        }
        break;
      case Opt.COMMENT:
        if (wantComment) o.comment = optionText(b, opt);
        break;
      default:
        break;
    }
  });
  return problem ?? o;
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

/** A record from an EPB, or a problem text. Bytes are copied out of the read window. */
export function decodeRecordBlock(block: RawBlock, ctx: PartContext): CapturedRecord | string {
  const epb = parseEpb(block.body, block.littleEndian);
  if (typeof epb === 'string') return epb;
  const idb = interfaceOf(ctx, epb.interfaceId);
  if (typeof idb === 'string') return idb;
  const data = block.body.subarray(epb.dataAt, epb.dataAt + epb.capturedLength);
  const exp = decodeExportedPdu(data);
  if (typeof exp === 'string') return exp;
  const opts = readPacketOptions(block, epb.optionsAt, true);
  if (typeof opts === 'string') return opts;
  const pdu = data.slice(exp.pduAt);
  const time = tsToMs(epb.timestamp, idb.unitsPerSecond);
  const where = { part: ctx.part, offset: block.offset, ...(exp.header.src ? { src: exp.header.src } : {}), ...(exp.header.dst ? { dst: exp.header.dst } : {}) };
  const dir = dirOf(opts.epbDir, exp.header.p2pDir);
  if (opts.summary) {
    const s = decodeSummary(opts.summary);
    if (typeof s === 'string') return s;
    const codec = pduCodecFor(s.dialect);
    const { plain, wire } = codec.split(pdu, s.pduKind);
    return new CapturedRecord({
      id: opts.packetId ?? ctx.nextAnonymousId(),
      session: s.session,
      dir,
      time,
      dialect: s.dialect,
      type: s.type,
      code: s.code,
      seq: s.seq,
      ref: s.ref,
      flags: s.flags,
      wireSize: s.wireSize,
      bodySize: s.bodySize,
      ...(s.latencyMs !== undefined ? { latencyMs: s.latencyMs } : {}),
      ...(s.pairId !== undefined ? { pairId: s.pairId } : {}),
      ...(s.error !== undefined ? { error: s.error } : {}),
      ...(s.faults !== undefined ? { faults: s.faults } : {}),
      ...(plain ? { plain } : {}),
      ...(wire ? { wire } : {}),
      ...(opts.bodyJson ? { bodyJson: opts.bodyJson.slice() } : {}),
      pdu: s.pduKind,
      ...where,
    });
  }
  return foreignRecord(pdu, exp.header.dissector, dir, time, opts, ctx, where);
}

/**
 * A packet without otbridge's summary (another tool's Exported PDU capture,
 * or a rewriter that dropped custom options): the dialect's codec reads what
 * it can from the PDU, and an otbridge comment, if it survived, fills in the rest.
 */
function foreignRecord(
  pdu: Uint8Array,
  dialect: string,
  dir: Dir,
  time: number,
  opts: PacketOptions,
  ctx: PartContext,
  where: { part: number; offset: number },
): CapturedRecord {
  const codec = pduCodecFor(dialect);
  // Without our metadata the PDU kind is a guess: an ENCRYPTED UP/2.0 header means the wire frame.
  const kind: PduKind = dialect === 'up2' && pdu.length >= 5 && (pdu[4]! & 0x02) !== 0 ? 'wire' : 'plain';
  const s = codec.summarize?.(pdu, kind) ?? {};
  const c = parseOurComment(opts.comment);
  const { plain, wire } = codec.split(pdu, kind);
  return new CapturedRecord({
    id: opts.packetId ?? (typeof c.id === 'number' ? c.id : ctx.nextAnonymousId()),
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
    ...(typeof c.latencyMs === 'number' ? { latencyMs: c.latencyMs } : {}),
    ...(typeof c.pairId === 'number' ? { pairId: c.pairId } : {}),
    ...(typeof c.error === 'string' ? { error: c.error } : {}),
    ...(plain ? { plain } : {}),
    ...(wire ? { wire } : {}),
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
  const epb = parseEpb(block.body, block.littleEndian);
  if (typeof epb === 'string') return epb;
  const idb = interfaceOf(ctx, epb.interfaceId);
  if (typeof idb === 'string') return idb;
  const opts = readPacketOptions(block, epb.optionsAt, false);
  if (typeof opts === 'string') return opts;
  if (!opts.summary || opts.summary.length < 44 || opts.packetId === undefined) {
    // Not written by otbridge: decode it fully (rare, and only for foreign captures).
    const r = decodeRecordBlock(block, ctx);
    if (typeof r === 'string') return r;
    return { id: r.id, time: r.time, part: ctx.part, offset: block.offset, session: r.session, code: r.code, bits: r.dir === 's2c' ? EntryBits.S2C : 0 };
  }
  const s = opts.summary;
  const data = block.body.subarray(epb.dataAt, epb.dataAt + epb.capturedLength);
  const p2p = epbP2p(opts.epbDir, data);
  return {
    id: opts.packetId,
    time: tsToMs(epb.timestamp, idb.unitsPerSecond),
    part: ctx.part,
    offset: block.offset,
    session: (s[4]! | (s[5]! << 8) | (s[6]! << 16) | (s[7]! << 24)) >>> 0,
    code: s[2]! | (s[3]! << 8),
    bits: p2p === 's2c' ? EntryBits.S2C : 0,
  };
}

/** Direction from epb_flags; only when absent are the Exported PDU tags read for it. */
function epbP2p(epbDir: number | undefined, data: Uint8Array): Dir {
  if (epbDir === EpbDirection.INBOUND) return 'c2s';
  if (epbDir === EpbDirection.OUTBOUND) return 's2c';
  const exp = decodeExportedPdu(data);
  return dirOf(undefined, typeof exp === 'string' ? undefined : exp.header.p2pDir);
}
