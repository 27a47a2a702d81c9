/**
 * NDJSON: one JSON object per line, for scripts, diffs and the replay tool.
 *
 *   {"kind":"capture","format":"otbridge-capture","version":1,"bytes":"base64",…}   first line
 *   {"kind":"session","session":1,"client":{…},…}                                 session metadata, where it was learnt
 *   {"kind":"message","id":1,"session":1,"dir":"c2s",…,"body":{…}}               one per record
 *
 * A message line is the MessageRecord: its summary fields, `body` (the parsed
 * JSON for UP/2.0), and bytes in the encoding the first line names (base64 by
 * default, or hex): `plain` only when the body does not reproduce the
 * plaintext exactly (not JSON, or formatted differently), `wire` only when the
 * frame could not be decrypted. `bytes: "all"` keeps both always.
 */
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { type Dir, type MessageRecord } from '../../src-shared/records';
import { bytesEqual, fromBase64, fromHex, toBase64, toHex, utf8Encode } from '../../src-shared/protocol';
import { type CaptureReader, type ItemQuery } from './reader';
import { type CapturedRecord } from './captured-record';
import { type SessionMeta } from './session-meta';
import { CaptureError } from './errors';

export const NDJSON_FORMAT = 'otbridge-capture';
export const NDJSON_VERSION = 1;

export type BytesEncoding = 'base64' | 'hex';

export interface ExportOptions extends Pick<ItemQuery, 'session' | 'dir' | 'fromId' | 'toId' | 'limit'> {
  /** auto: bytes only where the body does not reproduce them; all: always; none: never (default auto). */
  readonly bytes?: 'auto' | 'all' | 'none';
  readonly encoding?: BytesEncoding;
}

export interface ExportResult {
  readonly records: number;
  readonly sessions: number;
}

type Sink = NodeJS.WritableStream;

/** Writes a capture as NDJSON to `out`, honouring back-pressure; does not end `out`. */
export async function exportNdjson(reader: CaptureReader, out: Sink, opts: ExportOptions = {}): Promise<ExportResult> {
  const encoding = opts.encoding ?? 'base64';
  const mode = opts.bytes ?? 'auto';
  let buf = `${JSON.stringify({ kind: 'capture', format: NDJSON_FORMAT, version: NDJSON_VERSION, bytes: encoding, capture: reader.captureId ?? null, app: reader.application ?? null })}\n`;
  let records = 0;
  let sessions = 0;
  const flush = async (): Promise<void> => {
    if (!out.write(buf)) await once(out, 'drain');
    buf = '';
  };
  const { session, dir, fromId, toId, limit } = opts;
  for await (const item of reader.items({ session, dir, fromId, toId, limit })) {
    if (item.kind === 'session') {
      buf += `${JSON.stringify({ kind: 'session', ...item.meta })}\n`;
      sessions++;
    } else {
      buf += `${JSON.stringify(messageLine(item.record, mode, encoding))}\n`;
      records++;
    }
    if (buf.length >= 65536) await flush();
  }
  if (buf) await flush();
  return { records, sessions };
}

/** The NDJSON object of one record. */
export function messageLine(r: MessageRecord, mode: 'auto' | 'all' | 'none' = 'auto', encoding: BytesEncoding = 'base64'): Record<string, unknown> {
  const summary = 'summary' in r && typeof (r as CapturedRecord).summary === 'function' ? (r as CapturedRecord).summary() : stripBytes(r);
  const line: Record<string, unknown> = { kind: 'message', ...summary };
  const body = r.body;
  if (body !== undefined) line.body = body;
  const enc = encoding === 'hex' ? toHex : toBase64;
  if (mode !== 'none') {
    if (r.plain && (mode === 'all' || body === undefined || !bytesEqual(utf8Encode(JSON.stringify(body)), r.plain))) line.plain = enc(r.plain);
    if (r.wire && (mode === 'all' || !r.plain)) line.wire = enc(r.wire);
  }
  return line;
}

function stripBytes(r: MessageRecord): Record<string, unknown> {
  const { body: _b, plain: _p, wire: _w, ...summary } = r;
  return summary;
}

// ---- import ------------------------------------------------------------------

export type NdjsonItem = { readonly kind: 'record'; readonly record: MessageRecord } | { readonly kind: 'session'; readonly meta: SessionMeta };

export interface ImportOptions {
  /** Longest line accepted (default 64 MiB: a 16 MiB frame in base64, with room). */
  readonly maxLineBytes?: number;
  /** Called for lines that are skipped (unknown kinds, blank lines are silent). */
  readonly onWarning?: (message: string) => void;
  /** Name used in error messages. */
  readonly name?: string;
}

/**
 * Reads NDJSON (a path, or chunks) back into records and session metadata.
 * A malformed line stops the import with an error naming the line and the
 * field; lines of unknown kinds are skipped with a warning.
 */
export async function* importNdjson(input: string | AsyncIterable<string | Uint8Array>, opts: ImportOptions = {}): AsyncGenerator<NdjsonItem, void, undefined> {
  const name = opts.name ?? (typeof input === 'string' ? input : 'ndjson');
  const source = typeof input === 'string' ? createReadStream(input) : input;
  let encoding: BytesEncoding = 'base64';
  let lineNo = 0;
  for await (const line of lines(source, opts.maxLineBytes ?? 64 * 1024 * 1024, name)) {
    lineNo++;
    if (line.trim() === '') continue;
    const at = `${name}:${lineNo}`;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      throw new CaptureError(lineNo === 1 ? 'NOT_NDJSON' : 'BAD_NDJSON', `${at}: not JSON (${(e as Error).message})`);
    }
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new CaptureError('BAD_NDJSON', `${at}: a line must be a JSON object`);
    const o = v as Record<string, unknown>;
    switch (o.kind) {
      case 'capture':
        if (o.format !== NDJSON_FORMAT) throw new CaptureError('NOT_NDJSON', `${at}: format ${JSON.stringify(o.format)} is not ${NDJSON_FORMAT}`);
        if (typeof o.version !== 'number' || o.version > NDJSON_VERSION) throw new CaptureError('NOT_NDJSON', `${at}: version ${JSON.stringify(o.version)} is newer than this reader (${NDJSON_VERSION})`);
        if (o.bytes === 'hex' || o.bytes === 'base64') encoding = o.bytes;
        else if (o.bytes !== undefined) throw new CaptureError('BAD_NDJSON', `${at}: bytes encoding ${JSON.stringify(o.bytes)} is neither base64 nor hex`);
        break;
      case 'session': {
        const { kind: _k, ...meta } = o;
        if (!isUint(meta.session)) throw new CaptureError('BAD_NDJSON', `${at}: session line needs a non-negative integer "session"`);
        yield { kind: 'session', meta: meta as SessionMeta };
        break;
      }
      case 'message':
        yield { kind: 'record', record: parseMessage(o, at, encoding) };
        break;
      default:
        opts.onWarning?.(`${at}: skipped a line of kind ${JSON.stringify(o.kind)}`);
    }
  }
}

const isUint = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

function parseMessage(o: Record<string, unknown>, at: string, encoding: BytesEncoding): MessageRecord {
  const bad = (field: string, want: string): never => {
    throw new CaptureError('BAD_NDJSON', `${at}: "${field}" must be ${want}, got ${JSON.stringify(o[field])?.slice(0, 60) ?? 'nothing'}`);
  };
  const uint = (f: string): number => (isUint(o[f]) ? (o[f] as number) : bad(f, 'a non-negative integer'));
  const str = (f: string): string => (typeof o[f] === 'string' ? (o[f] as string) : bad(f, 'a string'));
  const nullableUint = (f: string): number | null => (o[f] === null || o[f] === undefined ? null : uint(f));
  const strings = (f: string): string[] =>
    Array.isArray(o[f]) && (o[f] as unknown[]).every((x) => typeof x === 'string') ? (o[f] as string[]) : bad(f, 'an array of strings');
  const bytes = (f: string): Uint8Array | undefined => {
    if (o[f] === undefined) return undefined;
    if (typeof o[f] !== 'string') return bad(f, `${encoding} text`);
    try {
      return encoding === 'hex' ? fromHex(o[f] as string) : fromBase64(o[f] as string);
    } catch (e) {
      return bad(f, `${encoding} text (${(e as Error).message})`);
    }
  };
  const dir = o.dir === 'c2s' || o.dir === 's2c' ? (o.dir as Dir) : bad('dir', '"c2s" or "s2c"');
  const time = typeof o.time === 'number' && Number.isFinite(o.time) ? o.time : bad('time', 'a number (ms since the epoch)');
  const code = uint('code');
  if (code > 0xffff) bad('code', 'at most 65535');
  const record: { -readonly [K in keyof MessageRecord]: MessageRecord[K] } = {
    id: uint('id'),
    session: uint('session'),
    dir,
    time,
    dialect: str('dialect'),
    type: str('type'),
    code,
    seq: nullableUint('seq'),
    ref: nullableUint('ref'),
    flags: strings('flags'),
    wireSize: uint('wireSize'),
    bodySize: uint('bodySize'),
  };
  if (o.latencyMs !== undefined) record.latencyMs = typeof o.latencyMs === 'number' && Number.isFinite(o.latencyMs) ? o.latencyMs : bad('latencyMs', 'a number');
  if (o.pairId !== undefined) record.pairId = uint('pairId');
  if (o.error !== undefined) record.error = str('error');
  if (o.faults !== undefined) record.faults = strings('faults');
  if (o.body !== undefined) record.body = o.body;
  const plain = bytes('plain');
  const wire = bytes('wire');
  // The body stands for the plaintext when the export left the bytes out (they were identical).
  if (plain) record.plain = plain;
  else if (o.body !== undefined && record.dialect === 'up2') record.plain = utf8Encode(JSON.stringify(o.body));
  if (wire) record.wire = wire;
  return record;
}

/** Splits chunks into lines without ever holding more than `max` bytes of one line. */
async function* lines(source: AsyncIterable<string | Uint8Array>, max: number, name: string): AsyncGenerator<string, void, undefined> {
  const decoder = new TextDecoder('utf-8', { fatal: false });
  let pending = '';
  for await (const chunk of source) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      const line = pending + text.slice(start, nl);
      pending = '';
      start = nl + 1;
      yield line.endsWith('\r') ? line.slice(0, -1) : line;
    }
    pending += text.slice(start);
    if (pending.length > max) throw new CaptureError('BAD_NDJSON', `${name}: a line is longer than ${max} bytes`);
  }
  pending += decoder.decode();
  if (pending) yield pending;
}
