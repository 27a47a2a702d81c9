/**
 * Encodes a record's Enhanced Packet Block straight into the writer's batch
 * buffer: sizes first, then one pass of writes — no per-record buffers for
 * options, strings or the PDU. This is the proxy's hot path: building each
 * option in its own small buffer cost ~50 µs per record, mostly in the
 * garbage collector (measured with 200 000 records); writing in place
 * removes those allocations.
 *
 * The block is the one packet-meta.ts describes: Exported PDU tags and the
 * PDU as packet data; opt_comment, epb_flags, epb_packetid and otbridge's
 * summary option (and a body-JSON option for dialects that need one).
 */
import { type MessageRecord } from '../../src-shared/records';
import { Flag, HEADER_SIZE } from '../../src-shared/protocol';
import { BlockType, EpbOpt, Opt, OTBRIDGE_PEN } from './pcapng/constants';
import { clip, dirToEpb, MetaKind, MAX_META_TEXT, planSummaryComment, summaryComment, writeSummaryComment, type CommentBytes } from './packet-meta';
import { type PduKind } from './pdu/types';

const PDU_KIND_CODE: Record<PduKind, number> = { none: 0, plain: 1, wire: 2 };
const pad4 = (n: number): number => (n + 3) & ~3;

// dialect, type and flag strings repeat endlessly: encode each once.
const encoded = new Map<string, Buffer>();
function cached(text: string): Buffer {
  let b = encoded.get(text);
  if (!b) {
    b = Buffer.from(text, 'utf8');
    if (encoded.size > 8192) encoded.clear();
    encoded.set(text, b);
  }
  return b;
}

// Flag lists are shared frozen arrays (one per combination): their text is looked up by the array, without a join per record.
const flagText = new Map<readonly string[], Buffer>();
function flagBytes(flags: readonly string[]): Buffer {
  let b = flagText.get(flags);
  if (!b) {
    b = cached(flags.join(' ').slice(0, 1024));
    if (Object.isFrozen(flags) && flagText.size < 1024) flagText.set(flags, b);
  }
  return b;
}

/** The PDU: bytes built by the dialect, or a UP/2.0 plaintext frame written in place from the header fields and `plain`. */
export type PduSource =
  | { readonly kind: PduKind; readonly bytes: Uint8Array }
  | { readonly kind: 'plain'; readonly up2: { readonly type: number; readonly flags: number; readonly seq: number; readonly ref: number }; readonly plain: Uint8Array };

export interface RecordBlockPlan {
  readonly size: number;
  readonly record: MessageRecord;
  readonly tags: Uint8Array;
  readonly pdu: PduSource;
  readonly pduLength: number;
  /** The comment as bytes to write in place, or (rare records) as text. */
  readonly commentBytes: CommentBytes | null;
  readonly comment: string;
  readonly commentLength: number;
  readonly dialect: Buffer;
  readonly type: Buffer;
  readonly flags: Buffer;
  readonly error: string;
  readonly errorLength: number;
  readonly faults: string;
  readonly faultsLength: number;
  readonly summaryLength: number;
  readonly bodyJson: Buffer | undefined;
  readonly micros: number;
}

/** Sizes everything; throws RangeError for a record that cannot be written (bad id). */
export function planRecordBlock(record: MessageRecord, tags: Uint8Array, pdu: PduSource, micros: number, bodyJson: Buffer | undefined): RecordBlockPlan {
  if (!Number.isSafeInteger(record.id) || record.id < 0) throw new RangeError(`id must be a non-negative integer, got ${record.id}`);
  const pduLength = 'up2' in pdu ? HEADER_SIZE + pdu.plain.length : pdu.bytes.length;
  let commentBytes = planSummaryComment(record, pdu.kind);
  if (commentBytes && commentBytes.length > 0xffff) commentBytes = null; // an absurdly long type name: the text path below cuts it
  let comment = commentBytes ? '' : summaryComment(record, pdu.kind);
  let commentLength = commentBytes ? commentBytes.length : Buffer.byteLength(comment);
  if (commentLength > 0xffff && !commentBytes) {
    // Only a flood of faults or an absurd type name can make it this long: the comment then says how many faults there
    // were and cuts the type name where the binary summary below does; the binary summary keeps the faults' text.
    const faults = record.faults?.length ? { faults: [`${record.faults.length} faults`] } : {};
    comment = summaryComment({ ...record, type: record.type.slice(0, 256), ...faults }, pdu.kind);
    commentLength = Buffer.byteLength(comment);
  }
  const dialect = cached(record.dialect.slice(0, 64));
  const type = cached(record.type.slice(0, 256));
  const flags = flagBytes(record.flags);
  const error = record.error ? clip(record.error, MAX_META_TEXT) : '';
  const faults = record.faults?.length ? clip(record.faults.join('\n'), MAX_META_TEXT) : '';
  const errorLength = Buffer.byteLength(error);
  const faultsLength = Buffer.byteLength(faults);
  const summaryLength = 44 + 10 + dialect.length + type.length + flags.length + errorLength + faultsLength;
  const json = bodyJson && bodyJson.length + 5 <= 0xffff ? bodyJson : undefined;
  const data = tags.length + pduLength;
  const options =
    4 + pad4(commentLength) + // opt_comment
    4 + 4 + // epb_flags
    4 + 8 + // epb_packetid
    4 + pad4(4 + summaryLength) + // summary
    (json ? 4 + pad4(5 + json.length) : 0) +
    4; // end of options
  const size = 12 + 20 + pad4(data) + options;
  return { size, record, tags, pdu, pduLength, commentBytes, comment, commentLength, dialect, type, flags, error, errorLength, faults, faultsLength, summaryLength, bodyJson: json, micros };
}

/** Writes the planned block at `at` (the buffer need not be zeroed). */
export function writeRecordBlock(p: RecordBlockPlan, buf: Buffer, at: number): void {
  const r = p.record;
  const end = at + p.size;
  buf.writeUInt32LE(BlockType.EPB, at);
  buf.writeUInt32LE(p.size, at + 4);
  buf.writeUInt32LE(0, at + 8);
  buf.writeUInt32LE(Math.floor(p.micros / 0x1_0000_0000), at + 12);
  buf.writeUInt32LE(p.micros % 0x1_0000_0000, at + 16);
  const data = p.tags.length + p.pduLength;
  buf.writeUInt32LE(data, at + 20);
  buf.writeUInt32LE(data, at + 24);
  let o = at + 28;
  buf.set(p.tags, o);
  o += p.tags.length;
  if ('up2' in p.pdu) {
    const h = p.pdu.up2;
    buf[o] = 0x55;
    buf[o + 1] = 0x50;
    buf[o + 2] = 2;
    buf[o + 3] = h.type & 0xff;
    buf[o + 4] = h.flags & ~(Flag.ENCRYPTED | Flag.COMPRESSED | Flag.RESERVED_MASK) & 0xff;
    buf[o + 5] = 0;
    buf.writeUInt32BE(h.seq >>> 0, o + 6);
    buf.writeUInt32BE(h.ref >>> 0, o + 10);
    buf.writeUInt32BE(p.pdu.plain.length, o + 14);
    buf.set(p.pdu.plain, o + HEADER_SIZE);
  } else {
    buf.set(p.pdu.bytes, o);
  }
  o = zeroPad(buf, o + p.pduLength, 28 + data, at);
  // opt_comment
  buf.writeUInt16LE(Opt.COMMENT, o);
  buf.writeUInt16LE(p.commentLength, o + 2);
  if (p.commentBytes) writeSummaryComment(p.commentBytes, buf, o + 4);
  else buf.write(p.comment, o + 4, 'utf8');
  o = zeroPad(buf, o + 4 + p.commentLength, 4 + p.commentLength, o);
  // epb_flags: the direction
  buf.writeUInt16LE(EpbOpt.FLAGS, o);
  buf.writeUInt16LE(4, o + 2);
  buf.writeUInt32LE(dirToEpb(r.dir), o + 4);
  o += 8;
  // epb_packetid: the record id
  buf.writeUInt16LE(EpbOpt.PACKETID, o);
  buf.writeUInt16LE(8, o + 2);
  buf.writeUInt32LE(r.id % 0x1_0000_0000, o + 4);
  buf.writeUInt32LE(Math.floor(r.id / 0x1_0000_0000), o + 8);
  o += 12;
  // the binary summary (layout in packet-meta.ts)
  const optStart = o;
  buf.writeUInt16LE(Opt.CUSTOM_BIN, o);
  buf.writeUInt16LE(4 + p.summaryLength, o + 2);
  buf.writeUInt32LE(OTBRIDGE_PEN, o + 4);
  const s = o + 8;
  buf[s] = MetaKind.SUMMARY;
  buf[s + 1] = PDU_KIND_CODE[p.pdu.kind];
  buf.writeUInt16LE(r.code & 0xffff, s + 2);
  buf.writeUInt32LE(r.session >>> 0, s + 4);
  buf.writeUInt32LE((r.seq ?? 0) >>> 0, s + 8);
  buf.writeUInt32LE((r.ref ?? 0) >>> 0, s + 12);
  buf.writeUInt32LE(Math.min(r.wireSize, 0xffffffff) >>> 0, s + 16);
  buf.writeUInt32LE(Math.min(r.bodySize, 0xffffffff) >>> 0, s + 20);
  buf[s + 24] = (r.seq != null ? 1 : 0) | (r.ref != null ? 2 : 0) | (r.latencyMs !== undefined ? 4 : 0) | (r.pairId !== undefined ? 8 : 0);
  buf[s + 25] = buf[s + 26] = buf[s + 27] = 0;
  buf.writeDoubleLE(r.latencyMs ?? 0, s + 28);
  buf.writeDoubleLE(r.pairId ?? 0, s + 36);
  let w = s + 44;
  for (const b of [p.dialect, p.type, p.flags]) {
    buf.writeUInt16LE(b.length, w);
    buf.set(b, w + 2);
    w += 2 + b.length;
  }
  buf.writeUInt16LE(p.errorLength, w);
  buf.write(p.error, w + 2, 'utf8');
  w += 2 + p.errorLength;
  buf.writeUInt16LE(p.faultsLength, w);
  buf.write(p.faults, w + 2, 'utf8');
  w += 2 + p.faultsLength;
  o = zeroPad(buf, w, 8 + p.summaryLength, optStart);
  if (p.bodyJson) {
    const jStart = o;
    buf.writeUInt16LE(Opt.CUSTOM_BIN, o);
    buf.writeUInt16LE(5 + p.bodyJson.length, o + 2);
    buf.writeUInt32LE(OTBRIDGE_PEN, o + 4);
    buf[o + 8] = MetaKind.BODY_JSON;
    buf.set(p.bodyJson, o + 9);
    o = zeroPad(buf, o + 9 + p.bodyJson.length, 9 + p.bodyJson.length, jStart);
  }
  buf.writeUInt32LE(0, o); // end of options
  o += 4;
  buf.writeUInt32LE(p.size, o);
  if (o + 4 !== end) throw new Error(`record block size mismatch: planned ${p.size}, wrote ${o + 4 - at}`);
}

/** Zeroes the padding after `used` bytes of a field that started at `start`; returns the padded end. */
function zeroPad(buf: Buffer, pos: number, used: number, start: number): number {
  const endPadded = start + pad4(used);
  if (endPadded > pos) buf.fill(0, pos, endPadded);
  return endPadded;
}
