/**
 * The checkpoint file: where a run stands (so a killed run resumes at its
 * last committed batch) and the incremental watermarks of past runs.
 *
 * It is written after each batch has committed in the target, by writing a
 * temporary file and renaming it over the old one, so a reader sees either
 * the previous or the new state, never half of one. If the process dies
 * between the commit and the rename, the resumed run writes that batch once
 * more — harmless, because every write is an upsert or a whole-group replace.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

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

export function saveCheckpoint(path: string, data: CheckpointData): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, JSON.stringify(data, null, 1));
  renameSync(tmp, path);
}
