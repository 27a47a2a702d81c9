/**
 * OTClient recordings ↔ otgame message records.
 *
 * Import: each line becomes a record of dialect 'otgame' (named and
 * decoded like live traffic; no wire bytes, since OTClient records the
 * decrypted message). Export: the decoded messages of one session become
 * lines again, so g_game.playRecord can replay what the proxy saw.
 *
 * One wrinkle, from ProtocolGame::onRecv: on its first received message
 * OTClient skips a u16 size (before 14.05) or a u8 padding count (14.05+)
 * that later messages do not have, and its recorder keeps that prefix on
 * the first `<` line. Import strips it into the FIRST_RECV_U16 / FIRST_RECV_U8
 * flag and export puts it back, so import → export gives the same bytes and
 * exports of live captures play back.
 */
import { type Dir, type MessageRecord } from '../../src-shared/records';
import { nameMessages } from '../proxy/dialects/otgame/messages';
import { VERSION } from '../proxy/dialects/otgame/framing';
import { type SessionMeta } from '../capture/session-meta';
import { type RecordingEntry } from './format';

export const FIRST_RECV_U16 = 'FIRST_RECV_U16';
export const FIRST_RECV_U8 = 'FIRST_RECV_U8';

export interface ImportOptions {
  /** Session number for the records (default 1). */
  readonly session?: number;
  /** Epoch ms of the recording's start (ms 0); default 0. */
  readonly start?: number;
  /** First record id (default 1). */
  readonly firstId?: number;
  /** Protocol version, for the field decoders (default: the current layouts). */
  readonly version?: number;
  /** Name of the file, kept in the session metadata. */
  readonly source?: string;
}

const dirOf = (mark: '<' | '>'): Dir => (mark === '<' ? 's2c' : 'c2s');

/** Strips the first-receive prefix: a u16 equal to the rest's length (classic), or a padding count 0–7 before 0x1F (14.05). */
function firstRecvPrefix(b: Uint8Array, version: number): { flag: string; size: number } | null {
  if (b.length >= 3 && (b[0]! | (b[1]! << 8)) === b.length - 2 && (version === 0 || version < VERSION.BLOCKS)) return { flag: FIRST_RECV_U16, size: 2 };
  // The padding count's value is kept in the flag (FIRST_RECV_U8:3) so export writes the same byte back.
  if (b.length >= 2 && b[0]! <= 7 && b[1] === 0x1f && (version === 0 || version >= VERSION.BLOCKS)) return { flag: `${FIRST_RECV_U8}:${b[0]}`, size: 1 };
  return null;
}

const u8Prefix = (flags: readonly string[]): number | undefined => {
  const f = flags.find((x) => x.startsWith(`${FIRST_RECV_U8}:`));
  return f === undefined ? undefined : Number(f.slice(FIRST_RECV_U8.length + 1)) & 0xff;
};

export function recordingToRecords(entries: readonly RecordingEntry[], opts: ImportOptions = {}): { session: SessionMeta; records: MessageRecord[] } {
  const session = opts.session ?? 1;
  const start = opts.start ?? 0;
  const version = opts.version ?? 0;
  let id = opts.firstId ?? 1;
  let firstRecv = true;
  const records: MessageRecord[] = [];
  for (const e of entries) {
    const dir = dirOf(e.mark);
    const flags = ['GAME', 'RECORDING'];
    let plain = e.bytes;
    if (dir === 's2c' && firstRecv) {
      firstRecv = false;
      const p = firstRecvPrefix(plain, version);
      if (p) {
        flags.push(p.flag);
        plain = plain.subarray(p.size);
      }
    }
    const named = nameMessages('game', dir, plain, { version });
    flags.push(...named.flags);
    records.push({
      id: id++,
      session,
      dir,
      time: start + e.ms,
      dialect: 'otgame',
      type: named.type,
      code: named.code,
      seq: null,
      ref: null,
      flags,
      wireSize: 0,
      bodySize: plain.length,
      body: { ...named.body, recordingLine: e.line },
      plain,
    });
  }
  const meta: SessionMeta = {
    session,
    dialect: 'otgame',
    mode: 'recording',
    start,
    ...(records.length ? { end: records.at(-1)!.time } : {}),
    source: opts.source ?? 'OTClient packet recording',
    ...(version ? { protocolVersion: version } : {}),
  };
  return { session: meta, records };
}

export interface ExportOptions {
  /** Epoch ms that becomes ms 0 (default: the session metadata's start, else the first record's time). */
  readonly start?: number;
  /** Protocol version, to choose the first-receive prefix of live captures (default: from the records' BLOCKS flag). */
  readonly version?: number;
}

export interface ExportResult {
  readonly entries: Pick<RecordingEntry, 'mark' | 'ms' | 'bytes'>[];
  /** Records left out, with why (no decoded bytes, the login packet, another dialect). */
  readonly skipped: { readonly id: number; readonly reason: string }[];
}

/** The recording lines of one session's records (in their order). */
export function recordsToRecording(records: readonly MessageRecord[], opts: ExportOptions = {}): ExportResult {
  const entries: { mark: '<' | '>'; ms: number; bytes: Uint8Array }[] = [];
  const skipped: { id: number; reason: string }[] = [];
  const start = opts.start ?? records[0]?.time ?? 0;
  let firstRecv = true;
  for (const r of records) {
    if (r.dialect !== 'otgame') {
      skipped.push({ id: r.id, reason: `dialect ${r.dialect}` });
      continue;
    }
    if (r.flags.includes('LOGIN')) {
      skipped.push({ id: r.id, reason: 'login service (OTClient records the game connection)' });
      continue;
    }
    // OTClient's recorder leaves out its first sent message (the login packet, with the password).
    if (r.type === 'GAME_LOGIN') {
      skipped.push({ id: r.id, reason: 'login packet (OTClient never records it)' });
      continue;
    }
    if (!r.plain || r.plain.length === 0) {
      skipped.push({ id: r.id, reason: r.error ? `not decoded: ${r.error}` : 'no decoded bytes (passthrough)' });
      continue;
    }
    let bytes = r.plain;
    if (r.dir === 's2c' && firstRecv) {
      firstRecv = false;
      const pad = u8Prefix(r.flags);
      const imported = r.flags.includes('RECORDING');
      if (pad !== undefined) bytes = Uint8Array.from([pad, ...bytes]);
      else if (r.flags.includes(FIRST_RECV_U16)) bytes = Uint8Array.from([bytes.length & 0xff, bytes.length >> 8, ...bytes]);
      else if (!imported) {
        // A live capture: give the player the prefix its first receive skips.
        const blocks = opts.version ? opts.version >= VERSION.BLOCKS : r.flags.includes('BLOCKS');
        bytes = blocks ? Uint8Array.from([0, ...bytes]) : Uint8Array.from([bytes.length & 0xff, bytes.length >> 8, ...bytes]);
      }
    }
    entries.push({ mark: r.dir === 's2c' ? '<' : '>', ms: r.time - start, bytes });
  }
  return { entries, skipped };
}
