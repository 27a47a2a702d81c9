/**
 * The reader thread's program: open the SQLite source, read, check and map
 * batches (read-batches.ts, the same code the inline path runs), and post
 * each one packed, staying at most `ahead` batches in front of the writer so
 * memory stays flat however large the table.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { SqliteDatabase } from './adapters/sqlite';
import { compileTable } from './mapper';
import { packRows, transferablesOf } from './packed-rows';
import { readBatches } from './read-batches';
import { MORE, type ReaderMessage, type ReaderStart } from './read-thread-protocol';

export async function runReader(port: MessagePort, start: ReaderStart): Promise<void> {
  let credit = start.ahead;
  let wake: (() => void) | undefined;
  const onMessage = (m: unknown) => {
    if (m !== MORE) return;
    credit++;
    wake?.();
  };
  port.on('message', onMessage);
  const post = (m: ReaderMessage, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
  let source: SqliteDatabase | undefined;
  try {
    source = SqliteDatabase.open(start.sourcePath, { readonly: true });
    const mapper = compileTable(start.read.spec, start.ctx, start.read.select);
    const width = mapper.targetColumns.length;
    for await (const b of readBatches(source, start.read, mapper)) {
      while (credit <= 0) await new Promise<void>((r) => (wake = r));
      wake = undefined;
      credit--;
      const rows = packRows(b.rows, width);
      const { rows: _, ...rest } = b;
      post({ type: 'batch', ...rest, rows }, transferablesOf(rows));
    }
    post({ type: 'end' });
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    post({ type: 'error', message: (e as Error).message ?? String(e), ...(typeof code === 'string' ? { code } : {}) });
  } finally {
    await source?.close();
    // Nothing more to wait for: let the thread end (the writer may also terminate it).
    port.off('message', onMessage);
  }
}

const start = workerData as ReaderStart | undefined;
if (parentPort && start?.kind === 'otbridge-migrate-reader') void runReader(parentPort, start);
