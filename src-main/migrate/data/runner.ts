/**
 * Runs a data migration: plan, then table by table read → transform →
 * validate → batch → write → checkpoint, emitting events as it goes. Plain
 * Node with no terminal or UI in it: the CLI and the console both drive this.
 *
 * Guarantees, and how:
 * - nothing is dropped silently: every row is written, or rejected with its
 *   reasons in the rejects file (validation failures, duplicate keys in the
 *   source, rows the target refuses, unreadable lines);
 * - a killed run resumes where it stopped: the checkpoint records the last
 *   committed batch's position, and writes are idempotent (upserts, or
 *   whole-group replaces), so redoing one batch changes nothing;
 * - transient failures (lost connection, deadlock, lock wait, batch timeout)
 *   are retried 3 times with backoff, from the last committed position.
 */
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type AuditLog } from '../../audit/log';
import { CheckpointWriter, loadCheckpoint, type CheckpointData, type RunState, type RunType, type TableProgress } from './checkpoint';
import { type MigrationEvents, type ProgressEvent, type RunSummary, type TableSummary } from './events';
import { compareValues, decode, makePlan, type Plan, type TablePlan } from './plan';
import { resolveOptions, type Profile } from './profile';
import { RejectsFile, rejectRecord } from './rejects';
import { parseSelection } from './selection';
import { readBatches, type ReadPlan } from './read-batches';
import { readInThread, readerEntry } from './read-thread';
import { type TransformContext } from './transforms';
import { SqliteDatabase } from './adapters/sqlite';
import { isTransient, type Source, type Target } from './adapters/types';
import { type Row, type Value } from './values';

export interface MigrationOptions {
  readonly profile: Profile;
  readonly source: Source;
  readonly target: Target;
  /** How source and target are named in the checkpoint and the audit log (passwords removed). */
  readonly sourceLabel: string;
  readonly targetLabel: string;
  readonly type?: RunType;
  readonly dryRun?: boolean;
  readonly select?: readonly string[];
  /** Profile options (name → value as text), e.g. emptyEmail=placeholder. */
  readonly options?: Readonly<Record<string, string>>;
  readonly batchSize?: number;
  readonly retries?: number;
  readonly retryBaseMs?: number;
  readonly batchTimeoutMs?: number;
  readonly checkpointPath: string;
  readonly rejectsPath: string;
  /** Continue the unfinished run in the checkpoint. */
  readonly resume?: boolean;
  /** Discard an unfinished run in the checkpoint and start anew. */
  readonly restart?: boolean;
  readonly audit?: AuditLog;
  readonly actor?: string;
  /** Unix seconds to use as "now" (tests); default: the clock at start. */
  readonly now?: number;
  /**
   * Where a SQLite source is read: 'thread' reads and maps in a reader
   * thread while this one writes (read-thread.ts); 'inline' takes turns on
   * this thread; 'auto' (default) uses the thread for SQLite file sources of
   * at least THREAD_MIN_ROWS rows, on a machine with more than one core.
   * Other sources always read inline.
   */
  readonly reader?: 'auto' | 'thread' | 'inline';
}

export class MigrationError extends Error {}
class Cancelled extends Error {}

const DEFAULTS = { batchSize: 1000, retries: 3, retryBaseMs: 250, batchTimeoutMs: 30_000 };
/** How long a run may hold the event loop between batches (see letOthersRun). */
const YIELD_EVERY_MS = 20;
/** Smaller tables read inline: starting a reader thread costs more than it saves on a few batches. */
const THREAD_MIN_ROWS = 20_000;
/** Batches a reader thread may read ahead of the writer: enough to keep both busy, few enough to keep memory flat. */
const READ_AHEAD = 2;

export class DataMigration extends EventEmitter<MigrationEvents> {
  private cancelled = false;
  private pauseGate: { promise: Promise<void>; open: () => void } | undefined;
  private readonly rejects: RejectsFile;
  private readonly rate: { t: number; n: number }[] = [];
  private rowsDone = 0;
  private rowsTotal = 0;
  private rejectedTotal = 0;
  private yieldedAt = performance.now();
  private readonly warnings: string[] = [];
  private batchSize: number = DEFAULTS.batchSize;
  private ctx: TransformContext = { now: 0, options: {} };
  private threadRefused = false;

  constructor(readonly opts: MigrationOptions) {
    super();
    // A dry run must not overwrite the rejects of the last real run: verification reads them.
    this.rejects = new RejectsFile(opts.dryRun ? opts.rejectsPath.replace(/(\.ndjson)?$/, '.dry-run.ndjson') : opts.rejectsPath);
  }

  /** Stops before the next batch until resume(); the current batch finishes and is checkpointed. */
  pause(): void {
    if (this.pauseGate) return;
    let open!: () => void;
    const promise = new Promise<void>((r) => (open = r));
    this.pauseGate = { promise, open };
  }

  resume(): void {
    this.pauseGate?.open();
    this.pauseGate = undefined;
  }

  get paused(): boolean {
    return this.pauseGate !== undefined;
  }

  /** Ends the run after the current batch; the checkpoint lets `--resume` continue it. */
  cancel(): void {
    this.cancelled = true;
    this.resume();
  }

  async run(): Promise<RunSummary> {
    const o = this.opts;
    const started = performance.now();
    const data = loadCheckpoint(o.checkpointPath);
    const state = this.startState(data);
    this.batchSize = state.batchSize;
    const dry = state.dryRun;
    const options = resolveOptions(o.profile, state.options);
    this.ctx = { now: state.now, options };
    const selection = state.type === 'selective' || state.select.length ? parseSelection(o.profile, state.select) : undefined;
    const plan = await makePlan({
      profile: o.profile,
      source: o.source,
      target: o.target,
      type: state.type,
      ...(selection ? { selection } : {}),
      watermarks: data.watermarks,
      now: state.now,
      options,
    });
    if (plan.errors.length) {
      const error = `cannot migrate:\n  ${plan.errors.join('\n  ')}`;
      await this.audit('migrate.data.end', state, { status: 'failed', stage: 'plan', errors: plan.errors });
      throw new MigrationError(error);
    }
    this.emit('plan', {
      tables: plan.tables.map((t) => ({ source: t.spec.source, target: t.spec.target, estimate: t.estimate, targetRowsBefore: t.targetRowsBefore })),
      warnings: plan.warnings,
    });
    for (const w of plan.warnings) this.warn(w);
    this.rowsTotal = plan.tables.reduce((s, t) => s + t.estimate, 0);
    for (const t of plan.tables) state.tables[t.spec.source] ??= { status: 'pending', read: 0, written: 0, rejected: 0 };

    const resuming = o.resume === true;
    if (resuming) {
      await o.target.restore(state.targetMarker);
      this.rejects.open(state.rejectsBytes);
      for (const p of Object.values(state.tables)) {
        this.rowsDone += p.read;
        this.rejectedTotal += p.rejected;
      }
    } else {
      this.rejects.open();
      if (!dry) await o.target.begin([...new Set(plan.tables.map((t) => t.spec.target))], state.type === 'incremental');
    }
    const checkpoint = new CheckpointWriter(o.checkpointPath);
    const save = async () => {
      if (dry) return;
      state.rejectsBytes = this.rejects.size();
      state.targetMarker = await o.target.marker();
      checkpoint.save(data);
    };
    data.run = state;
    await save();
    await this.audit('migrate.data.start', state, { status: 'running', resumed: resuming, tables: plan.tables.map((t) => t.spec.source) });

    const summaries: TableSummary[] = [];
    try {
      for (const [i, table] of plan.tables.entries()) {
        const progress = state.tables[table.spec.source]!;
        if (progress.status === 'done') {
          summaries.push({ source: table.spec.source, target: table.spec.target, read: progress.read, written: progress.written, rejected: progress.rejected, seconds: 0 });
          continue;
        }
        summaries.push(await this.migrateTable(table, i, plan, progress, save, dry));
      }
      if (!dry) await this.finalize();
      state.status = 'completed';
      if (!dry) for (const t of plan.tables) this.commitWatermark(data, t, state.tables[t.spec.source]!);
    } catch (e) {
      state.status = e instanceof Cancelled ? 'cancelled' : 'failed';
      if (!(e instanceof Cancelled)) state.error = (e as Error).message;
    } finally {
      await save().catch(() => {});
      checkpoint.close();
      this.rejects.close();
    }
    const summary = this.summary(state, plan, summaries, (performance.now() - started) / 1000);
    await this.audit('migrate.data.end', state, {
      status: summary.status,
      read: summary.read,
      written: summary.written,
      rejected: summary.rejected,
      seconds: Math.round(summary.seconds * 10) / 10,
      tables: summary.tables,
      ...(summary.error ? { error: summary.error } : {}),
    });
    this.emit('done', summary);
    return summary;
  }

  private startState(data: CheckpointData): RunState {
    const o = this.opts;
    const prev = data.run;
    const unfinished = prev && prev.status !== 'completed' && !prev.dryRun;
    if (o.resume) {
      if (!prev || !unfinished) throw new MigrationError(`nothing to resume in ${o.checkpointPath}: no unfinished run`);
      if (prev.profile !== o.profile.name || prev.source !== o.sourceLabel || prev.target !== o.targetLabel)
        throw new MigrationError(
          `the unfinished run in ${o.checkpointPath} is ${prev.profile} from ${prev.source} to ${prev.target}, not this one; use another --checkpoint`,
        );
      return { ...prev, status: 'running', batchSize: o.batchSize ?? prev.batchSize };
    }
    if (o.select?.length && o.type && o.type !== 'selective') throw new MigrationError(`--select makes a selective run; it does not combine with a ${o.type} run`);
    if (unfinished && !o.restart && !o.dryRun)
      throw new MigrationError(
        `${o.checkpointPath} holds an unfinished run (${prev.type}, started ${prev.startedAt}, ${prev.status}): continue it with --resume, or start over with --restart`,
      );
    return {
      id: randomUUID(),
      type: o.type ?? (o.select?.length ? 'selective' : 'full'),
      dryRun: o.dryRun ?? false,
      profile: o.profile.name,
      source: o.sourceLabel,
      target: o.targetLabel,
      startedAt: new Date().toISOString(),
      now: o.now ?? Math.floor(Date.now() / 1000),
      options: { ...(o.options ?? {}) },
      select: [...(o.select ?? [])],
      batchSize: o.batchSize ?? DEFAULTS.batchSize,
      status: 'running',
      tables: {},
      rejectsBytes: 0,
      targetMarker: null,
    };
  }

  private async migrateTable(
    t: TablePlan,
    index: number,
    plan: Plan,
    progress: TableProgress,
    save: () => Promise<void>,
    dry: boolean,
  ): Promise<TableSummary> {
    const o = this.opts;
    const started = performance.now();
    const batchSize = this.batchSize;
    const retries = o.retries ?? DEFAULTS.retries;
    const { spec, mapper } = t;
    progress.status = 'running';
    const threadPath = this.threadSource(t);
    this.emit('table-start', { source: spec.source, target: spec.target, estimate: t.estimate, resumedAt: progress.read, reader: threadPath ? 'thread' : 'inline' });

    const keyCols = spec.key;
    const groupIndex = spec.group ? mapper.targetColumns.indexOf(spec.group) : -1;
    let failures = 0;
    for (;;) {
      // Everything after the last committed batch is (re)read from here.
      const read: ReadPlan = {
        spec,
        select: t.select,
        order: t.order,
        ...(t.groupColumn ? { groupColumn: t.groupColumn } : {}),
        where: t.where,
        ...(t.predicate ? { predicate: t.predicate } : {}),
        ...(t.watermarkColumns ? { watermarkColumns: t.watermarkColumns } : {}),
        batchSize,
        ...(progress.after ? { after: progress.after } : {}),
        ...(progress.line ? { line: progress.line } : {}),
        ...(progress.watermark ? { watermark: progress.watermark } : {}),
      };
      try {
        for await (const batch of threadPath ? readInThread({ sourcePath: threadPath, read, ctx: this.ctx, ahead: READ_AHEAD }) : readBatches(o.source, read, mapper)) {
          const pending = batch.rows;
          const rejects = batch.rejects;
          if (!dry && pending.length) {
            const groups = groupIndex >= 0 ? distinct(pending.map((r) => r[groupIndex]!)) : undefined;
            const trigger = spec.triggerRows?.map((tr) => ({ ...tr, parents: pending.map((r) => r[mapper.keyIndexes[0]!]!) }));
            const result = await this.withRetries(`${spec.target} batch`, retries, () =>
              o.target.write(
                {
                  table: spec.target,
                  columns: mapper.targetColumns,
                  key: keyCols,
                  mode: spec.write ?? 'upsert',
                  ...(spec.group ? { group: spec.group } : {}),
                  ...(groups ? { groups } : {}),
                  rows: pending,
                  ...(trigger ? { triggerRows: trigger } : {}),
                },
                o.batchTimeoutMs ?? DEFAULTS.batchTimeoutMs,
              ),
            );
            for (const r of result.rejected) {
              const values = pending[r.index]!;
              const row: Row = {};
              mapper.targetColumns.forEach((c, i) => (row[c] = values[i]!));
              rejects.push(rejectRecord(spec.source, 'refused', keyCols, row, [r.reason]));
            }
            progress.written += pending.length - result.rejected.length;
          } else if (dry) progress.written += pending.length;
          this.rejects.write(rejects);
          for (const r of rejects) this.emit('reject', { table: r.table, key: r.key, reasons: r.reasons });
          progress.rejected += rejects.length;
          this.rejectedTotal += rejects.length;
          progress.read += batch.read;
          this.rowsDone += batch.read;
          progress.after = batch.after;
          if (batch.line !== undefined) progress.line = batch.line;
          if (batch.watermark) progress.watermark = batch.watermark;
          await save();
          this.progress(spec.source, index, plan, progress, t.estimate);
          await this.letOthersRun();
          failures = 0;
          if (this.pauseGate) await this.pauseGate.promise;
          if (this.cancelled) throw new Cancelled();
        }
        break;
      } catch (e) {
        if (e instanceof Cancelled || !isTransient(e) || ++failures > retries) throw e;
        this.warn(`${spec.source}: ${(e as Error).message}; reading again from the last checkpoint (attempt ${failures}/${retries})`);
        await sleep((o.retryBaseMs ?? DEFAULTS.retryBaseMs) * 4 ** (failures - 1));
      }
    }
    progress.status = 'done';
    await save();
    const summary: TableSummary = {
      source: spec.source,
      target: spec.target,
      read: progress.read,
      written: progress.written,
      rejected: progress.rejected,
      seconds: (performance.now() - started) / 1000,
    };
    this.emit('table-end', summary);
    return summary;
  }

  /** The SQLite file a reader thread reads this table from, or undefined to read inline (see MigrationOptions.reader). */
  private threadSource(t: TablePlan): string | undefined {
    const source = this.opts.source;
    const mode = this.opts.reader ?? 'auto';
    // On a single core the two halves could only take turns, as inline, plus the cost of packing batches between threads.
    if (mode === 'inline' || (mode === 'auto' && (t.estimate < THREAD_MIN_ROWS || availableParallelism() < 2))) return undefined;
    const path = source instanceof SqliteDatabase && source.path !== ':memory:' && existsSync(source.path) ? source.path : undefined;
    const why = !path ? 'the source is not a SQLite file' : t.predicate ? 'the table has a row predicate' : !readerEntry() ? 'the reader thread program is missing' : undefined;
    if (!why) return path;
    if (mode === 'thread' && !this.threadRefused) {
      this.threadRefused = true;
      this.warn(`reading inline, not in a reader thread: ${why}`);
    }
    return undefined;
  }

  /**
   * SQLite (better-sqlite3) reads and writes synchronously, so without this
   * a run would hold the event loop until it ended: no timers (the console's
   * progress throttle), no sockets (the demo proxy in the same process), no
   * pause or cancel request could get in. Between batches, about every
   * YIELD_EVERY_MS, the run steps aside for one turn of the loop.
   */
  private async letOthersRun(): Promise<void> {
    const now = performance.now();
    if (now - this.yieldedAt < YIELD_EVERY_MS) return;
    await new Promise<void>((r) => setImmediate(r));
    this.yieldedAt = performance.now();
  }

  private async withRetries<T>(what: string, retries: number, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        if (!isTransient(e) || attempt >= retries) throw e;
        this.warn(`${what}: ${(e as Error).message}; retry ${attempt + 1}/${retries}`);
        await sleep((this.opts.retryBaseMs ?? DEFAULTS.retryBaseMs) * 4 ** attempt);
      }
    }
  }

  private async finalize(): Promise<void> {
    for (const s of this.opts.profile.finalize.setConfig) {
      const previous = await this.withRetries(`${s.table}.${s.key}`, this.opts.retries ?? DEFAULTS.retries, () => this.opts.target.setConfig(s));
      this.warn(`${s.table}.${s.key} set to ${s.value}${previous !== undefined ? ` (was ${previous})` : ''}: ${s.warning}`);
    }
  }

  private commitWatermark(data: CheckpointData, t: TablePlan, p: TableProgress): void {
    if (!t.watermarkColumns || !p.watermark) return;
    const prev = data.watermarks[t.spec.source] ?? {};
    const next: Record<string, unknown> = {};
    for (const c of t.watermarkColumns) {
      const mine = p.watermark[c];
      const old = prev[c];
      // Keep the highest: an incremental run that read nothing new leaves the old mark.
      next[c] = mine === undefined ? old : old === undefined || compareValues(decode(mine), decode(old)) > 0 ? mine : old;
      if (next[c] === undefined) delete next[c];
    }
    data.watermarks[t.spec.source] = next;
  }

  private progress(table: string, index: number, plan: Plan, p: TableProgress, estimate: number): void {
    const now = performance.now();
    this.rate.push({ t: now, n: this.rowsDone });
    while (this.rate.length > 2 && now - this.rate[0]!.t > 5000) this.rate.shift();
    const first = this.rate[0]!;
    const dt = (now - first.t) / 1000;
    const rowsPerSecond = dt > 0 ? (this.rowsDone - first.n) / dt : 0;
    const total = Math.max(this.rowsTotal, this.rowsDone);
    const e: ProgressEvent = {
      table,
      tableIndex: index,
      tableCount: plan.tables.length,
      rowsDone: this.rowsDone,
      rowsTotal: total,
      tableRowsDone: p.read,
      tableRowsTotal: Math.max(estimate, p.read),
      rowsPerSecond,
      etaSeconds: rowsPerSecond > 0 ? (total - this.rowsDone) / rowsPerSecond : null,
      rejected: this.rejectedTotal,
    };
    this.emit('progress', e);
  }

  private warn(message: string): void {
    this.warnings.push(message);
    this.emit('warning', { message });
  }

  private summary(state: RunState, plan: Plan, tables: TableSummary[], seconds: number): RunSummary {
    return {
      runId: state.id,
      status: state.status,
      type: state.type,
      dryRun: state.dryRun,
      tables,
      read: tables.reduce((s, t) => s + t.read, 0),
      written: tables.reduce((s, t) => s + t.written, 0),
      rejected: tables.reduce((s, t) => s + t.rejected, 0),
      seconds,
      rejectsFile: this.rejects.path,
      checkpointFile: this.opts.checkpointPath,
      warnings: this.warnings,
      unknownTables: plan.unknownTables,
      ...(state.error ? { error: state.error } : {}),
    };
  }

  private async audit(kind: string, state: RunState, outcome: unknown): Promise<void> {
    if (!this.opts.audit) return;
    await this.opts.audit.append({
      kind,
      ...(this.opts.actor ? { actor: this.opts.actor } : {}),
      params: {
        runId: state.id,
        profile: state.profile,
        source: state.source,
        target: state.target,
        type: state.type,
        dryRun: state.dryRun,
        select: state.select,
        options: state.options,
        batchSize: state.batchSize,
        checkpoint: this.opts.checkpointPath,
        rejects: this.rejects.path,
      },
      outcome,
    });
  }
}


function distinct(values: Value[]): Value[] {
  const seen = new Set<string>();
  const out: Value[] = [];
  for (const v of values) {
    const k = typeof v === 'bigint' ? `n${v}` : `${typeof v}${String(v)}`;
    const norm = typeof v === 'number' ? `n${v}` : k;
    if (seen.has(norm)) continue;
    seen.add(norm);
    out.push(v);
  }
  return out;
}
