/**
 * What travels with each packet besides its PDU, in the Enhanced Packet
 * Block's options:
 *
 * - epb_packetid (5): the record id.
 * - epb_flags (2): the direction — c2s inbound, s2c outbound (the server's
 *   point of view: what the client sends comes in).
 * - opt_comment (1): the record's summary as JSON, for people, tshark
 *   (`frame.comment`) and the Lua dissector (up2.session, up2.dir, …).
 * - a custom binary option (2989, otbridge PEN), kind 1: the same summary in
 *   a fixed binary layout, which is what otbridge's reader decodes — no
 *   JSON.parse per record when reading or indexing millions of them.
 * - a custom binary option, kind 2: the body as JSON, only for dialects whose
 *   body cannot be derived from the stored plaintext.
 *
 * Summary layout (little-endian whatever the section's byte order: custom
 * data is opaque to rewriters, which cannot swap it):
 *   0 u8 kind = 1        1 u8 PDU kind (0 none, 1 plain, 2 wire)   2 u16 code
 *   4 u32 session        8 u32 seq        12 u32 ref
 *  16 u32 wireSize      20 u32 bodySize
 *  24 u8 present bits (1 seq, 2 ref, 4 latencyMs, 8 pairId)   25..27 zero
 *  28 f64 latencyMs     36 f64 pairId
 *  44 strings, each u16 length + UTF-8: dialect, type, flags (space-separated), error, faults (newline-separated)
 */
import { type Dir, type MessageRecord } from '../../src-shared/records';
import { EpbDirection } from './pcapng/constants';
import { type PduKind } from './pdu/types';

export const MetaKind = { SUMMARY: 1, BODY_JSON: 2 } as const;

/** Longest error or fault text kept (the rest is cut, marked with "…"). */
export const MAX_META_TEXT = 8192;

const PDU_KINDS: readonly PduKind[] = ['none', 'plain', 'wire'];

const utf8e = new TextEncoder();
const utf8d = new TextDecoder('utf-8');

export const dirToEpb = (dir: Dir): number => (dir === 'c2s' ? EpbDirection.INBOUND : EpbDirection.OUTBOUND);

export function clip(text: string, max = MAX_META_TEXT): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function encodeSummary(r: MessageRecord, pduKind: PduKind): Uint8Array {
  const strings = [r.dialect, r.type, r.flags.join(' '), r.error ? clip(r.error) : '', r.faults ? clip(r.faults.join('\n')) : ''].map((s) =>
    utf8e.encode(s),
  );
  let size = 44;
  for (const s of strings) size += 2 + s.length;
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  out[0] = MetaKind.SUMMARY;
  out[1] = PDU_KINDS.indexOf(pduKind);
  dv.setUint16(2, r.code & 0xffff, true);
  dv.setUint32(4, r.session >>> 0, true);
  dv.setUint32(8, (r.seq ?? 0) >>> 0, true);
  dv.setUint32(12, (r.ref ?? 0) >>> 0, true);
  dv.setUint32(16, Math.min(r.wireSize, 0xffffffff) >>> 0, true);
  dv.setUint32(20, Math.min(r.bodySize, 0xffffffff) >>> 0, true);
  out[24] = (r.seq != null ? 1 : 0) | (r.ref != null ? 2 : 0) | (r.latencyMs !== undefined ? 4 : 0) | (r.pairId !== undefined ? 8 : 0);
  dv.setFloat64(28, r.latencyMs ?? 0, true);
  dv.setFloat64(36, r.pairId ?? 0, true);
  let at = 44;
  for (const s of strings) {
    dv.setUint16(at, s.length, true);
    out.set(s, at + 2);
    at += 2 + s.length;
  }
  return out;
}

export interface DecodedSummary {
  readonly pduKind: PduKind;
  readonly code: number;
  readonly session: number;
  readonly seq: number | null;
  readonly ref: number | null;
  readonly wireSize: number;
  readonly bodySize: number;
  readonly latencyMs: number | undefined;
  readonly pairId: number | undefined;
  readonly dialect: string;
  readonly type: string;
  readonly flags: readonly string[];
  readonly error: string | undefined;
  readonly faults: readonly string[] | undefined;
}

// Flag lists repeat endlessly; share one frozen array per distinct text.
const flagLists = new Map<string, readonly string[]>();
function flagList(text: string): readonly string[] {
  let f = flagLists.get(text);
  if (!f) {
    f = Object.freeze(text === '' ? [] : text.split(' '));
    if (flagLists.size < 4096) flagLists.set(text, f);
  }
  return f;
}

/** Short ASCII strings (dialect, type names) decode faster without TextDecoder. */
function text(b: Uint8Array, at: number, len: number): string {
  if (len <= 32) {
    let s = '';
    for (let i = at; i < at + len; i++) {
      const c = b[i]!;
      if (c >= 0x80) return utf8d.decode(b.subarray(at, at + len));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return utf8d.decode(b.subarray(at, at + len));
}

const u16le = (b: Uint8Array, at: number): number => b[at]! | (b[at + 1]! << 8);
const u32le = (b: Uint8Array, at: number): number => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);
function f64le(b: Uint8Array, at: number): number {
  for (let i = 0; i < 8; i++) f64Bytes[i] = b[at + i]!;
  return f64[0]!;
}

/** Decodes a kind-1 summary; a malformed one comes back as a problem text. */
export function decodeSummary(b: Uint8Array): DecodedSummary | string {
  if (b.length < 44 || b[0] !== MetaKind.SUMMARY) return 'packet summary option is too short or of an unknown kind';
  const pduKind = PDU_KINDS[b[1]!];
  if (!pduKind) return `packet summary has unknown PDU kind ${b[1]}`;
  // Five length-prefixed strings: dialect, type, flags, error, faults.
  let at = 44;
  const starts = [0, 0, 0, 0, 0];
  const lens = [0, 0, 0, 0, 0];
  for (let i = 0; i < 5; i++) {
    if (at + 2 > b.length) return 'packet summary strings run past the option';
    const len = u16le(b, at);
    if (at + 2 + len > b.length) return 'packet summary strings run past the option';
    starts[i] = at + 2;
    lens[i] = len;
    at += 2 + len;
  }
  const present = b[24]!;
  return {
    pduKind,
    code: u16le(b, 2),
    session: u32le(b, 4),
    seq: present & 1 ? u32le(b, 8) : null,
    ref: present & 2 ? u32le(b, 12) : null,
    wireSize: u32le(b, 16),
    bodySize: u32le(b, 20),
    latencyMs: present & 4 ? f64le(b, 28) : undefined,
    pairId: present & 8 ? f64le(b, 36) : undefined,
    dialect: text(b, starts[0]!, lens[0]!),
    type: text(b, starts[1]!, lens[1]!),
    flags: flagList(text(b, starts[2]!, lens[2]!)),
    error: lens[3] ? text(b, starts[3]!, lens[3]!) : undefined,
    faults: lens[4] ? text(b, starts[4]!, lens[4]!).split('\n') : undefined,
  };
}

/** The body as JSON behind kind byte 2; undefined when it would not fit in an option. */
export function encodeBodyJson(body: unknown): Uint8Array | undefined {
  const json = utf8e.encode(JSON.stringify(body));
  if (json.length + 5 > 0xffff) return undefined;
  const out = new Uint8Array(1 + json.length);
  out[0] = MetaKind.BODY_JSON;
  out.set(json, 1);
  return out;
}

/**
 * The human-readable comment: the summary as one JSON object (the Lua
 * dissector reads session and dir from it). Built as text rather than with
 * JSON.stringify of an object: it is written for every record, and this is
 * about twice as fast; only the free-text fields need escaping.
 */
export function summaryComment(r: MessageRecord, pduKind: PduKind): string {
  let c = `{"id":${r.id},"session":${r.session},"dir":"${r.dir === 's2c' ? 's2c' : 'c2s'}","type":${JSON.stringify(r.type)},"seq":${num(r.seq)},"ref":${num(r.ref)},"flags":${JSON.stringify(r.flags)},"wireSize":${num(r.wireSize)},"bodySize":${num(r.bodySize)}`;
  if (r.latencyMs !== undefined) c += `,"latencyMs":${num(r.latencyMs)}`;
  if (r.pairId !== undefined) c += `,"pairId":${num(r.pairId)}`;
  if (r.error) c += `,"error":${JSON.stringify(clip(r.error, 1024))}`;
  if (r.faults?.length) c += `,"faults":${JSON.stringify(r.faults.map((f) => clip(f, 256)))}`;
  if (pduKind !== 'plain') c += `,"pdu":"${pduKind}"`;
  return `${c}}`;
}

/** A number as JSON writes it (null for null, NaN and infinities). */
const num = (n: number | null | undefined): string => (typeof n === 'number' && Number.isFinite(n) ? String(n) : 'null');

/**
 * The same comment as summaryComment, sized and then written as bytes
 * straight into the block (the writer's hot path): no string per record.
 * Records with an error or faults, and ids or sessions that are not plain
 * integers, are rare and go through summaryComment instead (`null`).
 */
export interface CommentBytes {
  readonly length: number;
  readonly record: MessageRecord;
  readonly type: Uint8Array;
  readonly flags: Uint8Array;
  /** The latency as JSON writes it (the one number that is usually a fraction). */
  readonly latency: string | undefined;
  readonly pdu: PduKind;
}

const ascii = (s: string): Uint8Array => utf8e.encode(s);
const P = {
  id: ascii('{"id":'),
  session: ascii(',"session":'),
  c2s: ascii(',"dir":"c2s","type":'),
  s2c: ascii(',"dir":"s2c","type":'),
  seq: ascii(',"seq":'),
  ref: ascii(',"ref":'),
  flags: ascii(',"flags":'),
  wireSize: ascii(',"wireSize":'),
  bodySize: ascii(',"bodySize":'),
  latencyMs: ascii(',"latencyMs":'),
  pairId: ascii(',"pairId":'),
  wire: ascii(',"pdu":"wire"}'),
  none: ascii(',"pdu":"none"}'),
  plain: ascii('}'),
  null: ascii('null'),
};

// Type names and flag lists repeat endlessly: their JSON is encoded once (flag lists by their shared array).
const typeJson = new Map<string, Uint8Array>();
const flagsJson = new Map<readonly string[], Uint8Array>();
function jsonOfType(type: string): Uint8Array {
  let b = typeJson.get(type);
  if (!b) {
    b = utf8e.encode(JSON.stringify(type));
    if (typeJson.size < 4096) typeJson.set(type, b);
  }
  return b;
}
function jsonOfFlags(flags: readonly string[]): Uint8Array {
  let b = flagsJson.get(flags);
  if (!b) {
    b = utf8e.encode(JSON.stringify(flags));
    if (Object.isFrozen(flags) && flagsJson.size < 1024) flagsJson.set(flags, b);
  }
  return b;
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
function digits(n: number): number {
  let d = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    d++;
  }
  return d;
}
/** Length of num(n) without building it when n is a count. */
const numLength = (n: number | null | undefined): number => (isCount(n) ? digits(n) : num(n).length);

export function planSummaryComment(r: MessageRecord, pduKind: PduKind): CommentBytes | null {
  if (r.error || r.faults?.length || !isCount(r.id) || !isCount(r.session)) return null;
  const type = jsonOfType(r.type);
  const flags = jsonOfFlags(r.flags);
  const latency = r.latencyMs !== undefined ? num(r.latencyMs) : undefined;
  let length =
    P.id.length + digits(r.id) + P.session.length + digits(r.session) + P.c2s.length + type.length +
    P.seq.length + numLength(r.seq) + P.ref.length + numLength(r.ref) + P.flags.length + flags.length +
    P.wireSize.length + numLength(r.wireSize) + P.bodySize.length + numLength(r.bodySize) + P[pduKind].length;
  if (latency !== undefined) length += P.latencyMs.length + latency.length;
  if (r.pairId !== undefined) length += P.pairId.length + numLength(r.pairId);
  return { length, record: r, type, flags, latency, pdu: pduKind };
}

/** Writes a planned comment at `at`; returns where it ends. */
export function writeSummaryComment(c: CommentBytes, buf: Uint8Array, at: number): number {
  const r = c.record;
  let o = put(buf, at, P.id);
  o = putNum(buf, o, r.id);
  o = put(buf, o, P.session);
  o = putNum(buf, o, r.session);
  o = put(buf, o, r.dir === 's2c' ? P.s2c : P.c2s);
  o = put(buf, o, c.type);
  o = put(buf, o, P.seq);
  o = putNum(buf, o, r.seq);
  o = put(buf, o, P.ref);
  o = putNum(buf, o, r.ref);
  o = put(buf, o, P.flags);
  o = put(buf, o, c.flags);
  o = put(buf, o, P.wireSize);
  o = putNum(buf, o, r.wireSize);
  o = put(buf, o, P.bodySize);
  o = putNum(buf, o, r.bodySize);
  if (c.latency !== undefined) {
    o = put(buf, o, P.latencyMs);
    for (let i = 0; i < c.latency.length; i++) buf[o++] = c.latency.charCodeAt(i);
  }
  if (r.pairId !== undefined) {
    o = put(buf, o, P.pairId);
    o = putNum(buf, o, r.pairId);
  }
  return put(buf, o, P[c.pdu]);
}

function put(buf: Uint8Array, at: number, bytes: Uint8Array): number {
  // Most pieces are a few bytes: a loop beats set()'s call overhead.
  if (bytes.length < 24) {
    for (let i = 0; i < bytes.length; i++) buf[at + i] = bytes[i]!;
  } else buf.set(bytes, at);
  return at + bytes.length;
}

/** A number as num() writes it: digits for counts, the text otherwise (ASCII either way). */
function putNum(buf: Uint8Array, at: number, n: number | null | undefined): number {
  if (!isCount(n)) {
    const s = num(n);
    for (let i = 0; i < s.length; i++) buf[at + i] = s.charCodeAt(i);
    return at + s.length;
  }
  const end = at + digits(n);
  let o = end;
  do {
    buf[--o] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  } while (n > 0);
  return end;
}
