/**
 * Where a console run keeps its checkpoint and rejects, and what a
 * checkpoint holds. The files are the engine's own (the CLI reads and
 * writes the same), so a run the console started resumes from the CLI with
 * `--checkpoint`, and the other way round.
 *
 * Default names carry the profile, the target and a hash of profile, source
 * and target: the same pair always finds its checkpoint again (resume,
 * incremental runs), and two different pairs never share one (an incremental
 * run must not start from another database's watermarks).
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ServiceError } from '../../../src-shared/ipc/contract';
import { type CheckpointInfo, type CheckpointRun } from '../../../src-shared/ipc/migrate';
import { loadCheckpoint, type CheckpointData, type RunState } from '../../migrate/data/index';
import { userPath } from './paths';

export interface RunFiles {
  readonly checkpoint: string;
  readonly rejects: string;
}

/** The last path segment (file) or database name of a label, as a file-name-safe slug. */
function slug(text: string): string {
  const last = text.replace(/[?#].*$/, '').split(/[/\\]/).filter(Boolean).pop() ?? text;
  return last.replace(/\.(db|sqlite3?)$/i, '').replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 40) || 'target';
}

export function runFiles(workDir: string, profileName: string, sourceLabel: string, targetLabel: string, given: { checkpoint?: unknown; rejects?: unknown } = {}): RunFiles {
  const hash = createHash('sha256').update(`${profileName}\n${sourceLabel}\n${targetLabel}`).digest('hex').slice(0, 10);
  const stem = join(workDir, `${slug(profileName)}-${slug(targetLabel)}-${hash}`);
  const checkpoint = given.checkpoint !== undefined ? userPath(given.checkpoint, 'checkpoint') : `${stem}.checkpoint.json`;
  const rejects =
    given.rejects !== undefined
      ? userPath(given.rejects, 'rejects')
      : given.checkpoint !== undefined
        ? checkpoint.replace(/(\.checkpoint)?\.json$/i, '') + '.rejects.ndjson'
        : `${stem}.rejects.ndjson`;
  if (checkpoint === rejects) throw new ServiceError('BAD_PATH', 'the checkpoint and the rejects file must be two different files');
  return { checkpoint, rejects };
}

/** The rejects file a run writes: a dry run keeps the real run's file (verification reads it) and writes beside it. */
export function rejectsFileOf(rejects: string, dryRun: boolean): string {
  return dryRun ? rejects.replace(/(\.ndjson)?$/, '.dry-run.ndjson') : rejects;
}

/**
 * Refuses files a run must not overwrite: the databases themselves, folders,
 * and existing files that are not a checkpoint or a rejects file (a typo in
 * a path must not turn someone's config.lua into a rejects file).
 */
export function guardRunFiles(files: RunFiles, dryRun: boolean, databases: readonly (string | null)[]): void {
  const rejects = rejectsFileOf(files.rejects, dryRun);
  for (const [path, what] of [[files.checkpoint, 'checkpoint'], [rejects, 'rejects file']] as const) {
    if (databases.includes(path)) throw new ServiceError('BAD_PATH', `the ${what} ${path} is the source or the target itself`);
    if (!existsSync(path)) continue;
    const st = statSync(path);
    if (!st.isFile()) throw new ServiceError('BAD_PATH', `the ${what} ${path} is not a regular file`);
    const head = firstBytes(path, 64);
    if (what === 'rejects file' && head.length && !head.startsWith('{"table":')) {
      throw new ServiceError('BAD_PATH', `${path} exists and is not a rejects file (a run would empty it): choose another rejects file`);
    }
    if (what === 'checkpoint' && head.length && !head.trimStart().startsWith('{')) {
      throw new ServiceError('BAD_PATH', `${path} exists and is not a checkpoint (a run would overwrite it): choose another checkpoint file`);
    }
  }
}

function firstBytes(path: string, n: number): string {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(n);
    return b.subarray(0, readSync(fd, b, 0, n, 0)).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

export function describeRun(run: RunState): CheckpointRun {
  const tables = Object.entries(run.tables).map(([table, t]) => ({ table, status: t.status, read: t.read, written: t.written, rejected: t.rejected }));
  return {
    runId: run.id,
    profile: run.profile,
    source: run.source,
    target: run.target,
    type: run.type,
    dryRun: run.dryRun,
    status: run.status,
    startedAt: run.startedAt,
    select: [...run.select],
    options: { ...run.options },
    batchSize: run.batchSize,
    error: run.error ?? null,
    tables,
    read: tables.reduce((s, t) => s + t.read, 0),
    written: tables.reduce((s, t) => s + t.written, 0),
    rejected: tables.reduce((s, t) => s + t.rejected, 0),
  };
}

/** Why the engine would refuse to resume this checkpoint's run for these labels, or null. */
export function resumeProblem(data: CheckpointData, profile: string, source: string, target: string): string | null {
  const run = data.run;
  if (!run || run.status === 'completed' || run.dryRun) return 'the checkpoint holds no unfinished run';
  if (run.profile !== profile || run.source !== source || run.target !== target)
    return `the unfinished run in this checkpoint is ${run.profile} from ${run.source} to ${run.target}, not this one: choose another checkpoint, or resume it with the same profile, source and target`;
  return null;
}

export function checkpointInfo(files: RunFiles, profile: string, source: string, target: string): CheckpointInfo {
  const base = { path: files.checkpoint, rejects: files.rejects, exists: existsSync(files.checkpoint) };
  let data: CheckpointData;
  try {
    data = loadCheckpoint(files.checkpoint);
  } catch (e) {
    return { ...base, lastRun: null, unfinished: false, resumeProblem: null, watermarks: [], error: (e as Error).message };
  }
  const run = data.run;
  const unfinished = !!run && run.status !== 'completed' && !run.dryRun;
  return {
    ...base,
    lastRun: run ? describeRun(run) : null,
    unfinished,
    resumeProblem: unfinished ? resumeProblem(data, profile, source, target) : null,
    watermarks: Object.entries(data.watermarks)
      .filter(([, w]) => Object.keys(w).length > 0)
      .map(([t]) => t)
      .sort(),
    error: null,
  };
}
