/**
 * Records from either kind of capture file — pcapng or its NDJSON export —
 * for tools that accept both (the replay tool): the first bytes decide.
 */
import { open } from 'node:fs/promises';
import { CaptureReader, type CaptureItem, type ItemQuery } from './reader';
import { importNdjson, type ImportOptions } from './ndjson';
import { CaptureWriter, type CaptureWriterOptions } from './writer';
import { CaptureError } from './errors';
import { type MessageRecord } from '../../src-shared/records';
import { type SessionMeta } from './session-meta';

export type CaptureFileKind = 'pcapng' | 'ndjson' | 'unknown';

export async function sniffCaptureFile(path: string): Promise<CaptureFileKind> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch {
    throw new CaptureError('NOT_FOUND', `${path}: no such file`);
  }
  try {
    const b = new Uint8Array(4);
    const { bytesRead } = await fh.read(b, 0, 4, 0);
    if (bytesRead === 4 && b[0] === 0x0a && b[1] === 0x0d && b[2] === 0x0d && b[3] === 0x0a) return 'pcapng';
    let i = 0;
    while (i < bytesRead && (b[i] === 0x20 || b[i] === 0x0a || b[i] === 0x0d || b[i] === 0x09 || b[i] === 0xef || b[i] === 0xbb || b[i] === 0xbf)) i++;
    return i < bytesRead && b[i] === 0x7b ? 'ndjson' : 'unknown';
  } finally {
    await fh.close();
  }
}

export type AnyItem = { readonly kind: 'record'; readonly record: MessageRecord } | { readonly kind: 'session'; readonly meta: SessionMeta };

/** Every record and session block of a pcapng capture or an NDJSON export, in order. */
export async function* readCaptureItems(path: string, q: ItemQuery = {}, ndjson: ImportOptions = {}): AsyncGenerator<AnyItem, void, undefined> {
  const kind = await sniffCaptureFile(path);
  if (kind === 'pcapng') {
    const reader = await CaptureReader.open(path, { persistIndex: false });
    try {
      yield* reader.items(q) as AsyncGenerator<CaptureItem, void, undefined>;
    } finally {
      await reader.close();
    }
    return;
  }
  if (kind === 'unknown') throw new CaptureError('NOT_PCAPNG', `${path}: neither a pcapng capture nor an NDJSON export`);
  let count = 0;
  for await (const item of importNdjson(path, ndjson)) {
    if (item.kind === 'record') {
      const r = item.record;
      if (q.session !== undefined && r.session !== q.session) continue;
      if (q.dir !== undefined && r.dir !== q.dir) continue;
      if (q.fromId !== undefined && r.id < q.fromId) continue;
      if (q.toId !== undefined && r.id > q.toId) continue;
      yield item;
      if (++count >= (q.limit ?? Infinity)) return;
    } else if (!q.records && (q.session === undefined || item.meta.session === q.session)) {
      yield item;
    }
  }
}

/** Writes an NDJSON export back into a pcapng capture. */
export async function ndjsonToCapture(
  input: string,
  output: string,
  options: Readonly<Partial<CaptureWriterOptions>> = {},
  ndjson: ImportOptions = {},
): Promise<{ records: number; sessions: number }> {
  const writer = await CaptureWriter.open(output, options);
  let records = 0;
  let sessions = 0;
  try {
    for await (const item of importNdjson(input, ndjson)) {
      if (item.kind === 'session') {
        writer.writeSession(item.meta);
        sessions++;
      } else if (writer.writeRecord(item.record)) records++;
    }
  } finally {
    await writer.close();
  }
  return { records, sessions };
}
