/**
 * The checkpoint file: where a run stands (so a killed run resumes at its
 * last committed batch) and the incremental watermarks of past runs.
 *
 * It is written after each batch has committed in the target. If the
 * process dies between the commit and the checkpoint, the resumed run writes
 * that batch once more — harmless, because every write is an upsert or a
 * whole-group replace.
 *
 * CheckpointWriter rewrites the file in place with one write() from offset 0,
 * padded with spaces to at least the previous length (JSON allows trailing
 * whitespace), so there is never a moment when the file is empty or cut
 * short, even under SIGKILL — a single small write() to a regular file is
 * not interrupted half-way. Against power loss nothing short of fsync helps,
 * and a stale checkpoint is safe anyway (see above). One syscall per batch
 * instead of open/write/close/rename: on this machine's disk the rename alone
 * was ~5 % of a SQLite → SQLite run (bench:migrate).
 */
import { closeSync, existsSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';

export type RunType = 'full' | 'incremental' | 'selective';
export type RunStatus = 'running' | 'completed' | 'cancelled' | 'failed';

export interface TableProgress {
  status: 'pending' | 'running' | 'done';
  /** JSON-encoded order values of the last row of the last committed batch. */
  after?: unknown[];
  /** NDJSON sources: the last line of the last committed batch. */
  line?: number;
  read: number;
  written: number;
  rejected: number;
  /** Incremental column → JSON-encoded highest value seen. */
  watermark?: Record<string, unknown>;
}

export interface RunState {
  id: string;
  type: RunType;
  dryRun: boolean;
  profile: string;
  source: string;
  target: string;
  startedAt: string;
  /** Unix seconds fixed for the whole run (transforms that depend on time use it). */
  now: number;
  options: Record<string, string>;
  select: string[];
  batchSize: number;
  status: RunStatus;
  error?: string;
  tables: Record<string, TableProgress>;
  /** Size of the rejects file at the last checkpoint: a resumed run cuts it back to this. */
  rejectsBytes: number;
  /** The target's own resume state (NDJSON file sizes), or null. */
  targetMarker: unknown;
}

/** Incremental column → JSON-encoded highest value of the last completed run that moved the table. */
export type Watermark = Record<string, unknown>;

export interface CheckpointData {
  version: 1;
  /** Source table → highest incremental value of the last completed run that moved it. */
  watermarks: Record<string, Watermark>;
  run?: RunState;
}

export function loadCheckpoint(path: string): CheckpointData {
  if (!existsSync(path)) return { version: 1, watermarks: {} };
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`checkpoint ${path} is not valid JSON (${(e as Error).message}); move it away to start over`);
  }
  const d = data as Partial<CheckpointData>;
  if (d?.version !== 1 || typeof d.watermarks !== 'object') throw new Error(`checkpoint ${path} is not an otbridge checkpoint (version 1)`);
  return d as CheckpointData;
}

/** Writes a whole new checkpoint file atomically (temporary file, then rename). */
export function saveCheckpoint(path: string, data: CheckpointData): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(data, null, 1)}\n`);
  renameSync(tmp, path);
}

/** Keeps the checkpoint file open for a run and rewrites it in place after each batch. */
export class CheckpointWriter {
  private fd: number | undefined;
  private length = 0;

  constructor(readonly path: string) {}

  save(data: CheckpointData): void {
    if (this.fd === undefined) {
      saveCheckpoint(this.path, data);
      this.fd = openSync(this.path, 'r+');
      this.length = readFileSync(this.path).length;
      return;
    }
    let text = `${JSON.stringify(data)}\n`;
    const bytes = Buffer.byteLength(text);
    if (bytes < this.length) text += ' '.repeat(this.length - bytes);
    else this.length = bytes;
    writeSync(this.fd, text, 0);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
