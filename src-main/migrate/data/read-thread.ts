/**
 * Reads a SQLite source table in a thread of its own: while the main thread
 * writes (and checkpoints) one batch, the reader thread reads and maps the
 * next, at most `ahead` batches in front. better-sqlite3 is synchronous, so
 * inline the two halves take turns on one thread; here they overlap.
 *
 * The batches are the same ones the inline path makes (read-batches.ts runs
 * in the thread); only the rows travel packed (packed-rows.ts). Leaving the
 * loop early (pause-then-cancel, a failed write, a retry) terminates the
 * thread; what it had read ahead was never committed, and the checkpoint
 * says where to read again.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { unpackRows } from './packed-rows';
import { type ReadBatch, type ReadPlan } from './read-batches';
import { MORE, type ReaderMessage, type ReaderStart } from './read-thread-protocol';
import { type TransformContext } from './transforms';

export class ReaderThreadError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** How to start the thread: a built file, or (from the sources) a script that loads the TypeScript. */
type Entry = { readonly url: URL } | { readonly script: string };

let entry: Entry | null | undefined;

/**
 * Where the reader thread's program is: the bundle's own file next to the
 * built CLI and Electron main (electron.vite.config.ts builds it as an
 * entry; shared code may sit one folder down, in chunks/), or the
 * TypeScript source under vitest and tsx. A thread does not inherit tsx's
 * loader (Node 20 ignores --import in a Worker's execArgv for its main
 * module), so the source is loaded by a small script that registers tsx in
 * the thread first. Undefined when neither is there: the run reads inline.
 */
export function readerEntry(): Entry | undefined {
  if (entry !== undefined) return entry ?? undefined;
  entry = null;
  for (const rel of ['./migrate-reader.js', '../migrate-reader.js']) {
    const url = new URL(rel, import.meta.url);
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return (entry = { url });
  }
  const ts = new URL('./read-thread-main.ts', import.meta.url);
  if (ts.protocol === 'file:' && existsSync(fileURLToPath(ts))) {
    try {
      // The ESM build of tsx's API (the package's "import" condition; require.resolve finds the CommonJS one).
      const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
      entry = { script: `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(ts.href)}); });` };
    } catch {
      // No tsx (an installed build without its bundle file): read inline.
    }
  }
  return entry ?? undefined;
}

export interface ReaderThreadOptions {
  readonly sourcePath: string;
  readonly read: ReadPlan;
  readonly ctx: TransformContext;
  /** Batches read ahead of the writer (2–3 keep both threads busy; each is one batch of rows in memory). */
  readonly ahead: number;
}

export async function* readInThread(o: ReaderThreadOptions): AsyncGenerator<ReadBatch, void, undefined> {
  const where = readerEntry();
  if (!where) throw new ReaderThreadError('the reader thread program is not available');
  const { predicate, ...read } = o.read;
  if (predicate) throw new ReaderThreadError('a row predicate cannot cross to a reader thread (NDJSON sources read inline)');
  const start: ReaderStart = { kind: 'otbridge-migrate-reader', sourcePath: o.sourcePath, read, ctx: o.ctx, ahead: Math.max(1, o.ahead) };
  const worker = 'url' in where ? new Worker(where.url, { workerData: start }) : new Worker(where.script, { eval: true, workerData: start });
  const inbox: (ReaderMessage | { type: 'gone'; error?: Error; exitCode?: number })[] = [];
  let wake: (() => void) | undefined;
  const arrive = (m: (typeof inbox)[number]) => {
    inbox.push(m);
    wake?.();
  };
  worker.on('message', (m: ReaderMessage) => arrive(m));
  worker.on('error', (error) => arrive({ type: 'gone', error }));
  worker.on('exit', (exitCode) => arrive({ type: 'gone', exitCode }));
  try {
    for (;;) {
      while (!inbox.length) await new Promise<void>((r) => (wake = r));
      wake = undefined;
      const m = inbox.shift()!;
      switch (m.type) {
        case 'batch': {
          // Ask for the next one first: the thread reads it while this one is written.
          worker.postMessage(MORE);
          const { rows, type: _, ...rest } = m;
          yield { ...rest, rows: unpackRows(rows) };
          break;
        }
        case 'end':
          return;
        case 'error':
          throw new ReaderThreadError(m.message, m.code);
        case 'gone':
          throw new ReaderThreadError(`the reader thread ended unexpectedly: ${m.error?.message ?? `exit code ${m.exitCode}`}`);
      }
    }
  } finally {
    await worker.terminate();
  }
}
