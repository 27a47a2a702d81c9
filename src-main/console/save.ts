/**
 * Saves a source's messages to a file: the live proxy's recent records (what
 * it still holds in memory) or a capture opened in the console, as a pcapng
 * capture (Wireshark opens it) or an NDJSON export.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MessageRecord } from '../../src-shared/records';
import { CaptureReader, CaptureWriter, exportNdjson, sessionMetaFromProxy, type SessionMeta } from '../capture';
import type { ProxyRun } from '../proxy/setup';
import type { CaptureSource } from './sources';

export type SaveSource = { kind: 'live'; run: ProxyRun } | { kind: 'capture'; source: CaptureSource };

async function writeCapture(path: string, metas: readonly SessionMeta[], records: AsyncIterable<MessageRecord> | Iterable<MessageRecord>): Promise<number> {
  const writer = await CaptureWriter.open(path, { overwrite: true, rotateBytes: 0 });
  for (const m of metas) writer.writeSession(m);
  let n = 0;
  for await (const r of records) {
    if (!writer.writeRecord(r)) {
      // The writer's buffer is full: let it reach the disk, then try once more.
      await writer.flush();
      if (!writer.writeRecord(r)) throw new Error(`record ${r.id} could not be written`);
    }
    if (++n % 2000 === 0) await writer.flush();
  }
  await writer.close();
  return n;
}

function* liveRecords(run: ProxyRun): Generator<MessageRecord> {
  const store = run.proxy.records;
  for (let id = store.oldestId; id <= store.newestId; id++) {
    const r = store.get(id);
    if (r) yield r;
  }
}

export async function saveSource(src: SaveSource, path: string, format: 'pcapng' | 'ndjson'): Promise<{ path: string; records: number; sessions: number }> {
  const metas =
    src.kind === 'live'
      ? src.run.proxy.sessionInfos().map((i) => sessionMetaFromProxy(i))
      : src.source.sessionMetas;
  const records = src.kind === 'live' ? liveRecords(src.run) : src.source.records();
  if (format === 'pcapng') return { path, records: await writeCapture(path, metas, records), sessions: metas.length };
  // NDJSON: through a temporary capture, so both formats come from the same writer and reader.
  const dir = mkdtempSync(join(tmpdir(), 'otbridge-save-'));
  try {
    const tmp = join(dir, 'save.pcapng');
    await writeCapture(tmp, metas, records);
    const reader = await CaptureReader.open(tmp, { persistIndex: false });
    const out = createWriteStream(path);
    const r = await exportNdjson(reader, out);
    out.end();
    await once(out, 'finish');
    await reader.close();
    return { path, records: r.records, sessions: r.sessions };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
