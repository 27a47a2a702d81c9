/**
 * Reads an Enhanced Packet Block where it lies — in the read window — into
 * a reused set of offsets: its interface, timestamp, the Exported PDU tags
 * (decoded once per distinct set, then found again by their bytes), and
 * the options otbridge reads. Nothing is copied or allocated per packet;
 * callers take what they need from the window (and copy bytes they keep).
 *
 * Every offset is checked against the block body before it is used; a
 * malformed packet gives a problem text, never a throw.
 */
import { EpbDirection, EpbOpt, LINKTYPE_WIRESHARK_UPPER_PDU, Opt, OTBRIDGE_PEN, READ_PENS } from './pcapng/constants';
import { type IdbInfo } from './pcapng/parse';
import { decodeExportedPdu, P2P_DIR_RECV, type DecodedExportedPdu } from './exported-pdu';
import { BytesCache } from './intern';
import { MetaKind } from './packet-meta';

/** The interfaces a packet may refer to (the current section's). */
export interface InterfaceTable {
  readonly interfaces: readonly (IdbInfo | undefined)[];
}

/** Where the parts of one packet are in the window; overwritten by each readPacket(). */
export class PacketFields {
  iface!: IdbInfo;
  /** Timestamp in the interface's units. */
  timestamp = 0;
  /** Packet data (Exported PDU tags, then the PDU): [dataAt, dataEnd). */
  dataAt = 0;
  dataEnd = 0;
  /** The PDU: [pduAt, dataEnd). */
  pduAt = 0;
  tags!: DecodedExportedPdu;
  /** epb_packetid, or -1 when absent. */
  packetId = -1;
  /** epb_flags direction bits (0 when absent: unknown). */
  epbDir = 0;
  /** otbridge's binary summary (from its kind byte), or -1. */
  summaryAt = -1;
  summaryLength = 0;
  /** The body as JSON (after its kind byte), or -1. */
  bodyJsonAt = -1;
  bodyJsonLength = 0;
  /** opt_comment, or -1. */
  commentAt = -1;
  commentLength = 0;
}

const rd32 = (b: Uint8Array, at: number, le: boolean): number =>
  le ? (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0 : ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
const rd16 = (b: Uint8Array, at: number, le: boolean): number => (le ? b[at]! | (b[at + 1]! << 8) : (b[at]! << 8) | b[at + 1]!);

const isOurPen = (pen: number): boolean => pen === OTBRIDGE_PEN || READ_PENS.has(pen);

/**
 * Reads the EPB whose body is w[bodyAt, bodyEnd) into `out`; returns a
 * problem text for a malformed one (and then `out` is not to be used).
 */
export function readPacket(w: Uint8Array, bodyAt: number, bodyEnd: number, le: boolean, ctx: InterfaceTable, out: PacketFields): string | null {
  const optionsAt = readFrame(w, bodyAt, bodyEnd, le, ctx, out);
  if (typeof optionsAt === 'string') return optionsAt;
  // Options first: the summary's session and the direction pick where the tags are cached. A problem with
  // the tags is still the one reported when both are broken, as it comes first in the block.
  const optionsProblem = readOptions(w, optionsAt, bodyEnd, le, out, bodyAt);
  let tags: DecodedExportedPdu | string | undefined;
  // The tags are the same for every packet of a session's direction: that is the hint, and the bytes are compared.
  // When the packet starts with the tags last seen there, they are known without reading them tag by tag.
  const hint = out.summaryAt >= 0 && out.summaryLength >= 8 ? sessionOf(w, out.summaryAt) * 4 + out.epbDir : -1;
  if (hint >= 0) tags = tagsBySession.findPrefix(hint, w, out.dataAt, out.dataEnd - out.dataAt);
  if (tags === undefined) {
    const tagsEnd = exportedPduTagsEnd(w, out.dataAt, out.dataEnd);
    if (tagsEnd < 0) tags = decodeExportedPdu(w.subarray(out.dataAt, out.dataEnd));
    else {
      tags = tagCache.get(w, out.dataAt, tagsEnd - out.dataAt, decodeTags);
      if (hint >= 0 && typeof tags !== 'string') tagsBySession.setPrefix(hint, w, out.dataAt, tagsEnd - out.dataAt, tags);
    }
  }
  if (typeof tags === 'string') return tags;
  out.tags = tags;
  out.pduAt = out.dataAt + tags.pduAt;
  return optionsProblem;
}

/**
 * readPacket() without the Exported PDU tags (`out.tags` and `out.pduAt`
 * are left as they were): what indexing needs from a packet otbridge wrote.
 */
export function readPacketNoTags(w: Uint8Array, bodyAt: number, bodyEnd: number, le: boolean, ctx: InterfaceTable, out: PacketFields): string | null {
  const optionsAt = readFrame(w, bodyAt, bodyEnd, le, ctx, out);
  if (typeof optionsAt === 'string') return optionsAt;
  return readOptions(w, optionsAt, bodyEnd, le, out, bodyAt);
}

/** The fixed part of the body: interface, timestamp, packet data. Returns where the options start, or a problem. */
function readFrame(w: Uint8Array, bodyAt: number, bodyEnd: number, le: boolean, ctx: InterfaceTable, out: PacketFields): number | string {
  const bodyLength = bodyEnd - bodyAt;
  if (bodyLength < 20) return `enhanced packet body is ${bodyLength} bytes, under the 20 required`;
  const capturedLength = rd32(w, bodyAt + 12, le);
  const optionsAt = bodyAt + 20 + ((capturedLength + 3) & ~3);
  if (optionsAt > bodyEnd) return `enhanced packet declares ${capturedLength} captured bytes, past the end of its block`;
  const ifaceId = rd32(w, bodyAt, le);
  const idb = ctx.interfaces[ifaceId];
  if (!idb) return `packet refers to interface ${ifaceId}, which is not described (or was malformed)`;
  if (idb.linkType !== LINKTYPE_WIRESHARK_UPPER_PDU) {
    return `packet on interface ${ifaceId} has link type ${idb.linkType}, not ${LINKTYPE_WIRESHARK_UPPER_PDU} (Wireshark upper PDU): not an otbridge capture`;
  }
  out.iface = idb;
  out.timestamp = rd32(w, bodyAt + 4, le) * 0x1_0000_0000 + rd32(w, bodyAt + 8, le);
  out.dataAt = bodyAt + 20;
  out.dataEnd = bodyAt + 20 + capturedLength;
  return optionsAt;
}

/** The end of the Exported PDU tags (after the end tag), or -1 when they are malformed (the decoder then says why). */
function exportedPduTagsEnd(w: Uint8Array, at: number, end: number): number {
  for (;;) {
    if (at + 4 > end) return -1;
    const tag = (w[at]! << 8) | w[at + 1]!;
    at += 4 + ((w[at + 2]! << 8) | w[at + 3]!);
    if (at > end) return -1;
    if (tag === 0) return at;
  }
}

// The tags of one session and direction are the same for every packet: each distinct set is decoded once,
// and found again by the session and direction (tagsBySession) or else by its bytes (tagCache).
const tagCache = new BytesCache<DecodedExportedPdu | string>();
const tagsBySession = new BytesCache<DecodedExportedPdu>();
const sessionOf = (w: Uint8Array, summaryAt: number): number =>
  (w[summaryAt + 4]! | (w[summaryAt + 5]! << 8) | (w[summaryAt + 6]! << 16) | (w[summaryAt + 7]! << 24)) >>> 0;
const decodeTags = (b: Uint8Array, at: number, len: number): DecodedExportedPdu | string => decodeExportedPdu(b.subarray(at, at + len));

/** The options otbridge reads, in one pass (this runs for every packet). Offsets in messages count from the body's start, `bodyAt`. */
function readOptions(w: Uint8Array, start: number, end: number, le: boolean, out: PacketFields, bodyAt: number): string | null {
  out.packetId = -1;
  out.epbDir = 0;
  out.summaryAt = -1;
  out.bodyJsonAt = -1;
  out.commentAt = -1;
  let at = start;
  while (at + 4 <= end) {
    const code = rd16(w, at, le);
    const length = rd16(w, at + 2, le);
    if (code === Opt.END) break;
    const v = at + 4;
    if (v + length > end) return `option ${code} at +${at - bodyAt} declares ${length} bytes, past the end of its block`;
    if (code === EpbOpt.PACKETID) {
      if (length === 8) out.packetId = le ? rd32(w, v + 4, le) * 0x1_0000_0000 + rd32(w, v, le) : rd32(w, v, le) * 0x1_0000_0000 + rd32(w, v + 4, le);
    } else if (code === EpbOpt.FLAGS) {
      if (length === 4) out.epbDir = rd32(w, v, le) & 3;
    } else if (code === Opt.CUSTOM_BIN || code === Opt.CUSTOM_BIN_NO_COPY) {
      if (length >= 5 && isOurPen(rd32(w, v, le))) {
        const kind = w[v + 4];
        if (kind === MetaKind.SUMMARY) {
          out.summaryAt = v + 4;
          out.summaryLength = length - 4;
        } else if (kind === MetaKind.BODY_JSON) {
          out.bodyJsonAt = v + 5;
          out.bodyJsonLength = length - 5;
        }
      }
    } else if (code === Opt.COMMENT) {
      out.commentAt = v;
      out.commentLength = length;
    }
    at = v + ((length + 3) & ~3);
  }
  return null;
}

/** The direction from epb_flags, or else from the Exported PDU's P2P tag (received = client → server; c2s when neither says). */
export function packetDir(f: PacketFields): 'c2s' | 's2c' {
  return dirOf(f.epbDir, f.tags.header.p2pDir);
}

export function dirOf(epbDir: number, p2pDir: number | undefined): 'c2s' | 's2c' {
  if (epbDir === EpbDirection.OUTBOUND) return 's2c';
  if (epbDir === EpbDirection.INBOUND) return 'c2s';
  return p2pDir === undefined || p2pDir === P2P_DIR_RECV ? 'c2s' : 's2c';
}
