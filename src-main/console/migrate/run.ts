/**
 * One data migration started from the console: the engine's DataMigration
 * with the wizard's view of it — a state, each table's status, the latest
 * progress pushed at most ten times a second (the engine reports every
 * batch: tens a second on a fast target), and at the end the engine's
 * summary with the verification of the target.
 *
 * Everything durable is the engine's: the checkpoint, the rejects file and
 * the audit entries are written exactly as the CLI writes them, so a run
 * killed with the console resumes from either.
 */
import { randomUUID } from 'node:crypto';
import { ServiceError, type EventChannel, type EventOf } from '../../../src-shared/ipc/contract';
import {
  type MigrationDone,
  type MigrationProgress,
  type MigrationRunInfo,
  type MigrationRunState,
  type MigrationRunType,
  type MigrationSummary,
  type MigrationTableStatus,
  type PlannedTable,
  type VerificationResult,
} from '../../../src-shared/ipc/migrate';
import { type AuditLog } from '../../audit/index';
import { DataMigration, loadCheckpoint, verifyMigration, type OpenedEndpoint, type Profile, type RunSummary, type VerificationReport } from '../../migrate/data/index';
import { rejectsFileOf, type RunFiles } from './checkpoint-files';

export interface RunSetup {
  readonly profile: Profile;
  readonly source: OpenedEndpoint;
  readonly target: OpenedEndpoint;
  readonly files: RunFiles;
  readonly type: MigrationRunType;
  readonly dryRun: boolean;
  readonly select: readonly string[];
  readonly options: Readonly<Record<string, string>>;
  readonly batchSize: number;
  readonly resume: boolean;
  readonly restart: boolean;
  readonly verify: boolean;
  /** For a resumed run: the tables as the checkpoint left them. */
  readonly previous?: readonly { table: string; status: MigrationTableStatus['status']; read: number; written: number; rejected: number }[];
  readonly previousRunId?: string;
}

export interface RunDeps {
  readonly emit: <C extends EventChannel>(channel: C, payload: EventOf<C>) => void;
  readonly audit?: AuditLog;
  readonly actor?: string;
  /** Least time between two progress events (default 100 ms: ten a second). */
  readonly progressIntervalMs?: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class ConsoleRun {
  readonly id = randomUUID();
  readonly startedAt = Date.now();
  private state: MigrationRunState = 'starting';
  private finishedAt: number | null = null;
  private engineRunId: string | null;
  private tables: Mutable<MigrationTableStatus>[] = [];
  /** The engine's pre-flight: tables, estimates, rows already in the target. */
  plan: { readonly tables: readonly PlannedTable[]; readonly warnings: readonly string[] } = { tables: [], warnings: [] };
  private warnings: string[] = [];
  private summary: MigrationSummary | null = null;
  private verification: VerificationResult | null = null;
  private verificationError: string | null = null;
  private error: string | null = null;
  private readonly progress: Mutable<Omit<MigrationProgress, 'runId' | 'state' | 'elapsedSeconds'>> = {
    table: '',
    tableIndex: 0,
    tableCount: 0,
    rowsDone: 0,
    rowsTotal: 0,
    tableRowsDone: 0,
    tableRowsTotal: 0,
    rowsPerSecond: 0,
    etaSeconds: null,
    rejected: 0,
  };
  private readonly engine: DataMigration;
  private planned = false;
  private lastSent = 0;
  private timer: NodeJS.Timeout | null = null;
  private closed: Promise<void> | null = null;
  /** Settles when the run has ended and its endpoints are closed (never rejects). */
  finished: Promise<void> = Promise.resolve();

  constructor(
    readonly setup: RunSetup,
    private readonly deps: RunDeps,
  ) {
    this.engineRunId = setup.previousRunId ?? null;
    this.engine = new DataMigration({
      profile: setup.profile,
      source: setup.source.db,
      target: setup.target.db,
      sourceLabel: setup.source.label,
      targetLabel: setup.target.label,
      type: setup.type,
      dryRun: setup.dryRun,
      select: setup.select,
      options: setup.options,
      batchSize: setup.batchSize,
      checkpointPath: setup.files.checkpoint,
      rejectsPath: setup.files.rejects,
      resume: setup.resume,
      restart: setup.restart,
      ...(deps.audit ? { audit: deps.audit } : {}),
      ...(deps.actor ? { actor: deps.actor } : {}),
    });
    this.listen();
  }

  /** The rejects file this run writes. */
  get rejectsFile(): string {
    return rejectsFileOf(this.setup.files.rejects, this.setup.dryRun);
  }

  get active(): boolean {
    return this.finishedAt === null;
  }

  private listen(): void {
    const m = this.engine;
    m.on('plan', (p) => {
      const before = new Map((this.setup.previous ?? []).map((t) => [t.table, t]));
      this.tables = p.tables.map((t) => {
        const prev = before.get(t.source);
        return { source: t.source, target: t.target, status: prev?.status === 'done' ? 'done' : 'pending', estimate: t.estimate, read: prev?.read ?? 0, written: prev?.written ?? 0, rejected: prev?.rejected ?? 0, seconds: 0 };
      });
      this.plan = { tables: p.tables.map((t) => ({ ...t })), warnings: [...p.warnings] };
      this.progress.tableCount = p.tables.length;
      this.progress.rowsTotal = p.tables.reduce((s, t) => s + t.estimate, 0);
      this.progress.rowsDone = this.tables.reduce((s, t) => s + t.read, 0);
      this.progress.rejected = this.tables.reduce((s, t) => s + t.rejected, 0);
      this.planned = true;
      if (this.state === 'starting') this.state = 'running';
    });
    m.on('table-start', (t) => {
      const row = this.table(t.source);
      if (row) Object.assign(row, { status: 'running', read: t.resumedAt });
      this.progress.table = t.source;
      this.progress.tableIndex = this.tables.findIndex((x) => x.source === t.source);
      this.progress.tableRowsDone = t.resumedAt;
      this.progress.tableRowsTotal = Math.max(t.estimate, t.resumedAt);
      // The engine saved the checkpoint before its first table: its run id is there now.
      if (this.engineRunId === null && !this.setup.dryRun) {
        try {
          this.engineRunId = loadCheckpoint(this.setup.files.checkpoint).run?.id ?? null;
        } catch {
          // read again from the summary at the end
        }
      }
      if (row) this.deps.emit('migrate.table', { runId: this.id, table: { ...row } });
    });
    m.on('progress', (e) => {
      Object.assign(this.progress, e);
      const row = this.table(e.table);
      if (row) {
        row.read = e.tableRowsDone;
        row.rejected = this.rejectedIn(e);
      }
      this.scheduleProgress();
    });
    m.on('table-end', (t) => {
      const row = this.table(t.source);
      if (!row) return;
      Object.assign(row, { status: 'done', read: t.read, written: t.written, rejected: t.rejected, seconds: t.seconds });
      this.deps.emit('migrate.table', { runId: this.id, table: { ...row } });
    });
    m.on('warning', (w) => {
      this.warnings.push(w.message);
      this.deps.emit('migrate.warning', { runId: this.id, message: w.message });
    });
  }

  /** A table's rejects so far: the run's total minus every other table's. */
  private rejectedIn(e: { table: string; rejected: number }): number {
    return e.rejected - this.tables.reduce((s, t) => (t.source === e.table ? s : s + t.rejected), 0);
  }

  private table(source: string): Mutable<MigrationTableStatus> | undefined {
    return this.tables.find((t) => t.source === source);
  }

  /**
   * Starts the engine. Resolves once the run is past its pre-flight (the
   * plan), rejects with the reason when it cannot start (plan errors, a
   * checkpoint that does not fit).
   */
  async start(): Promise<void> {
    let planned!: () => void;
    const plan = new Promise<void>((resolve) => (planned = resolve));
    this.engine.once('plan', () => planned());
    this.finished = this.engine.run().then(
      (s) => this.ended(s),
      (e: unknown) => this.failed(e),
    );
    await Promise.race([plan, this.finished]);
    if (!this.planned) throw new ServiceError('CANNOT_START', this.error ?? 'the run ended before it started');
  }

  private async ended(s: RunSummary): Promise<void> {
    this.summary = { ...s, tables: s.tables.map((t) => ({ ...t })), warnings: [...s.warnings], unknownTables: [...s.unknownTables] };
    this.engineRunId = s.runId;
    if (s.error) this.error = s.error;
    if (s.status === 'completed' && !s.dryRun && this.setup.verify) {
      this.changeState('verifying');
      try {
        this.verification = toShared(await this.verify());
      } catch (e) {
        this.verificationError = (e as Error).message;
      }
    }
    await this.close();
    this.finish(s.status === 'completed' ? 'completed' : s.status === 'cancelled' ? 'cancelled' : 'failed');
  }

  private async failed(e: unknown): Promise<void> {
    this.error = (e as Error).message ?? String(e);
    await this.close();
    // Before the plan, start() reports the failure to its caller: no events for a run nobody saw.
    if (this.planned) this.finish('failed');
    else this.finishedAt = Date.now();
  }

  private verify(): Promise<VerificationReport> {
    const run = loadCheckpoint(this.setup.files.checkpoint).run;
    if (!run) throw new Error('the checkpoint holds no run to verify');
    return verifyMigration({ profile: this.setup.profile, source: this.setup.source.db, target: this.setup.target.db, run, rejectsPath: this.setup.files.rejects });
  }

  private finish(state: MigrationDone['state']): void {
    this.finishedAt = Date.now();
    this.changeState(state);
    const done: MigrationDone = {
      runId: this.id,
      state,
      summary: this.summary,
      verification: this.verification,
      verificationError: this.verificationError,
      error: this.error,
    };
    this.deps.emit('migrate.done', done);
  }

  /** Closes both endpoints once. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      await this.setup.source.db.close().catch(() => {});
      await this.setup.target.db.close().catch(() => {});
    })();
    return this.closed;
  }

  pause(): MigrationRunInfo {
    if (this.state !== 'running' && this.state !== 'starting') throw new ServiceError('CONFLICT', `run ${this.id} is ${this.state}: only a running run pauses`);
    this.engine.pause();
    this.changeState('paused');
    return this.info();
  }

  resume(): MigrationRunInfo {
    if (this.state !== 'paused') throw new ServiceError('CONFLICT', `run ${this.id} is ${this.state}, not paused${this.finishedAt ? ': start it again with resume: true to continue from its checkpoint' : ''}`);
    this.engine.resume();
    this.changeState('running');
    return this.info();
  }

  cancel(): MigrationRunInfo {
    if (this.state === 'starting' || this.state === 'running' || this.state === 'paused') {
      this.engine.cancel();
      this.changeState('cancelling');
    } else if (this.state !== 'cancelling') {
      throw new ServiceError('CONFLICT', `run ${this.id} is ${this.state}: nothing to cancel`);
    }
    return this.info();
  }

  private changeState(state: MigrationRunState): void {
    this.state = state;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.sendProgress();
  }

  private scheduleProgress(): void {
    const interval = this.deps.progressIntervalMs ?? 100;
    const wait = this.lastSent + interval - Date.now();
    if (wait <= 0) this.sendProgress();
    else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.sendProgress();
      }, wait);
      this.timer.unref();
    }
  }

  private sendProgress(): void {
    // A progress sent now makes a pending one redundant (and it would follow too closely).
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.lastSent = Date.now();
    this.deps.emit('migrate.progress', this.progressNow());
  }

  private progressNow(): MigrationProgress {
    return { runId: this.id, state: this.state, ...this.progress, elapsedSeconds: ((this.finishedAt ?? Date.now()) - this.startedAt) / 1000 };
  }

  info(): MigrationRunInfo {
    return {
      runId: this.id,
      engineRunId: this.engineRunId,
      profile: this.setup.profile.name,
      source: this.setup.source.label,
      target: this.setup.target.label,
      type: this.setup.type,
      dryRun: this.setup.dryRun,
      resumed: this.setup.resume,
      state: this.state,
      startedAt: this.startedAt,
      finishedAt: this.finishedAt,
      checkpoint: this.setup.files.checkpoint,
      rejects: this.rejectsFile,
      tables: this.tables.map((t) => ({ ...t })),
      progress: this.progressNow(),
      warnings: [...this.warnings],
      summary: this.summary,
      verification: this.verification,
      verificationError: this.verificationError,
      error: this.error,
    };
  }
}

export function toShared(r: VerificationReport): VerificationResult {
  return { ok: r.ok, scope: r.scope, tables: r.tables.map((t) => ({ ...t, missing: [...t.missing], extra: [...t.extra], different: [...t.different] })) };
}
