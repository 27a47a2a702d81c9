/** Recordings on disk ↔ captures on disk (pcapng, or its NDJSON export when reading). */
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { CaptureWriter, type CaptureWriterOptions } from '../capture/writer';
import { readCaptureItems } from '../capture/open-any';
import { registerPduCodec } from '../capture/pdu/index';
import { type SessionMeta } from '../capture/session-meta';
import { type MessageRecord } from '../../src-shared/records';
import { otgamePduCodec } from '../proxy/dialects/otgame/pdu';
import { formatRecording, parseRecording, type RecordingProblem } from './format';
import { recordingToRecords, recordsToRecording, type ImportOptions } from './records';

export interface ImportFileResult {
  readonly records: number;
  readonly problems: RecordingProblem[];
}

/** Reads an OTClient recording and writes it as an otgame capture. */
export async function importRecordingFile(
  input: string,
  output: string,
  opts: ImportOptions & { readonly writer?: Readonly<Partial<CaptureWriterOptions>> } = {},
): Promise<ImportFileResult> {
  registerPduCodec(otgamePduCodec);
  const parsed = parseRecording(await readFile(input, 'utf8'));
  const { session, records } = recordingToRecords(parsed.entries, { source: basename(input), ...opts });
  const writer = await CaptureWriter.open(output, opts.writer ?? {});
  try {
    writer.writeSession(session);
    for (const r of records) writer.writeRecord(r);
  } finally {
    await writer.close();
  }
  return { records: records.length, problems: parsed.problems };
}

export interface ExportFileResult {
  readonly session: number;
  readonly lines: number;
  readonly skipped: { readonly id: number; readonly reason: string }[];
  /** Sessions of the capture with otgame records (the one exported included). */
  readonly sessions: number[];
}

/**
 * Writes one session of a capture (pcapng or NDJSON) as an OTClient
 * recording. Without `session`: the first session with otgame game
 * records. `output` '-' returns the text instead of writing a file.
 */
export async function exportRecordingFile(
  input: string,
  output: string,
  opts: { readonly session?: number; readonly version?: number } = {},
): Promise<ExportFileResult & { readonly text: string }> {
  registerPduCodec(otgamePduCodec);
  const bySession = new Map<number, MessageRecord[]>();
  const metas = new Map<number, SessionMeta>();
  for await (const item of readCaptureItems(input)) {
    if (item.kind === 'session') metas.set(item.meta.session, { ...metas.get(item.meta.session), ...item.meta });
    else if (item.record.dialect === 'otgame' && !item.record.flags.includes('LOGIN')) {
      const list = bySession.get(item.record.session) ?? [];
      list.push(item.record);
      bySession.set(item.record.session, list);
    }
  }
  const sessions = [...bySession.keys()].sort((a, b) => a - b);
  const session = opts.session ?? sessions[0];
  if (session === undefined) throw new Error(`${input}: no otgame game-session records to export`);
  const records = bySession.get(session);
  if (!records) throw new Error(`${input}: session ${session} has no otgame game records (sessions with some: ${sessions.join(', ') || 'none'})`);
  const start = metas.get(session)?.start;
  const result = recordsToRecording(records, { ...(typeof start === 'number' ? { start } : {}), ...(opts.version ? { version: opts.version } : {}) });
  const text = formatRecording(result.entries);
  if (output !== '-') await writeFile(output, text);
  return { session, lines: result.entries.length, skipped: result.skipped, sessions, text };
}
