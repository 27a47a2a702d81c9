/**
 * The console's data migration service, behind the Migrations wizard:
 * profiles, connection tests, the pre-flight plan, runs in the background
 * with pause / resume / cancel and throttled progress, the rejects browser
 * and verification. The engine (src-main/migrate) does the work and writes
 * the checkpoint, the rejects and the audit entries exactly as the CLI does.
 */
import { mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { ServiceError } from '../../../src-shared/ipc/contract';
import {
  type ConnectionTest,
  type MigrationPlan,
  type MigrationRunInfo,
  type MigrationStarted,
  type MigrationVerification,
  type RejectsPage,
} from '../../../src-shared/ipc/migrate';
import { currentActor, defaultAuditPath, openAuditLog, type AuditLog } from '../../audit/index';
import { loadCheckpoint, makePlan, verifyMigration, type CheckpointData, type OpenedEndpoint } from '../../migrate/data/index';
import { checkpointInfo, describeRun, guardRunFiles, rejectsFileOf, resumeProblem } from '../migrate/checkpoint-files';
import { EndpointError, checkEndpoint, dbVersion, endpointServiceError, openChecked, type CheckedEndpoint } from '../migrate/endpoints';
import { userPath } from '../migrate/paths';
import { builtinProfiles, describeProfile, loadConsoleProfile } from '../migrate/profiles';
import { RejectsPages, checkQuery } from '../migrate/rejects-pages';
import { checkRequest, type CheckedRequest } from '../migrate/request';
import { ConsoleRun, toShared } from '../migrate/run';
import type { ConsoleServices, ServiceModule } from '../services';

export interface MigrationsModuleOptions {
  /** Audit log (default: $OTBRIDGE_AUDIT_LOG or ~/.otbridge/audit.ndjson); null: runs are not audited. */
  readonly auditPath?: string | null;
  /** Where default checkpoints and rejects go (default: $OTBRIDGE_MIGRATIONS_DIR or ~/.otbridge/migrations). */
  readonly workDir?: string;
  /** Finished runs kept for migrate.status and migrate.rejects (default 20). */
  readonly keepRuns?: number;
  /** Least ms between two progress events of a run (default 100). */
  readonly progressIntervalMs?: number;
  /** How long closing the console waits for running migrations to stop after their batch (default 30 s). */
  readonly closeTimeoutMs?: number;
}

export function defaultMigrationsDir(): string {
  return process.env.OTBRIDGE_MIGRATIONS_DIR || join(process.env.OTBRIDGE_HOME || join(homedir(), '.otbridge'), 'migrations');
}

/** What migrate.verify needs of a run after its endpoints are closed. */
interface RunOrigin {
  readonly req: CheckedRequest;
}

export function migrationsModule(opts: MigrationsModuleOptions = {}): ServiceModule {
  const runs = new Map<string, ConsoleRun>();
  const origins = new Map<string, RunOrigin>();
  const pages = new RejectsPages();
  const workDir = opts.workDir ?? defaultMigrationsDir();
  let services: ConsoleServices | null = null;
  let audit: AuditLog | undefined;

  const auditLog = (): AuditLog | undefined => {
    if (opts.auditPath === null) return undefined;
    audit ??= openAuditLog(opts.auditPath ?? defaultAuditPath());
    return audit;
  };

  const find = (runId: unknown): ConsoleRun => {
    const run = typeof runId === 'string' ? runs.get(runId) : undefined;
    if (!run) throw new ServiceError('NOT_FOUND', `no migration run ${JSON.stringify(runId)} in this console`);
    return run;
  };

  const forget = (): void => {
    const done = [...runs.values()].filter((r) => !r.active);
    for (const r of done.slice(0, Math.max(0, done.length - (opts.keepRuns ?? 20)))) {
      runs.delete(r.id);
      origins.delete(r.id);
    }
  };

  const open = async (c: CheckedEndpoint, role: 'source' | 'target', mode: 'inspect' | 'run'): Promise<OpenedEndpoint> => {
    try {
      return await openChecked(c, role, mode);
    } catch (e) {
      throw endpointServiceError(e, c);
    }
  };

  /** Both endpoints of a request, the source first; the source is closed again if the target fails. */
  const openBoth = async (req: CheckedRequest, mode: 'inspect' | 'run'): Promise<[OpenedEndpoint, OpenedEndpoint]> => {
    const src = await open(req.source, 'source', mode);
    try {
      return [src, await open(req.target, 'target', mode)];
    } catch (e) {
      await src.db.close().catch(() => {});
      throw e;
    }
  };

  const closeBoth = async (a: OpenedEndpoint, b: OpenedEndpoint): Promise<void> => {
    await a.db.close().catch(() => {});
    await b.db.close().catch(() => {});
  };

  const readCheckpoint = (path: string): CheckpointData => {
    try {
      return loadCheckpoint(path);
    } catch (e) {
      throw new ServiceError('BAD_CHECKPOINT', (e as Error).message);
    }
  };

  const testConnection = async (p: { endpoint?: unknown; role?: unknown } | undefined): Promise<ConnectionTest> => {
    const role = p?.role;
    if (role !== 'source' && role !== 'target') throw new ServiceError('BAD_REQUEST', 'role must be source or target');
    let c: CheckedEndpoint;
    try {
      c = checkEndpoint(p?.endpoint, role);
    } catch (e) {
      if (e instanceof EndpointError) return { ok: false, label: null, problem: e.problem, reason: e.message };
      throw e;
    }
    const notes: string[] = [];
    if (c.kind === 'ndjson' && role === 'target' && !existsDir(c.path!)) {
      return { ok: true, kind: c.kind, label: c.label, tables: [], dbVersion: null, notes: [`${c.path} does not exist yet: a run creates it`] };
    }
    let opened: OpenedEndpoint;
    try {
      opened = await openChecked(c, role, 'inspect');
    } catch (e) {
      const err = e instanceof EndpointError ? e : new EndpointError('ERROR', (e as Error).message);
      return { ok: false, label: c.label, problem: err.problem, reason: err.message };
    }
    try {
      const tables = await opened.db.tables();
      if (!tables.length) notes.push(role === 'target' ? "no tables: import the target's schema first (Canary's schema.sql)" : 'no tables: nothing to migrate from here');
      return { ok: true, kind: c.kind, label: c.label, tables, dbVersion: await dbVersion(opened.db), notes };
    } catch (e) {
      return { ok: false, label: c.label, problem: 'ERROR', reason: `${c.label}: ${(e as Error).message}` };
    } finally {
      await opened.db.close().catch(() => {});
    }
  };

  const plan = async (p: unknown): Promise<MigrationPlan> => {
    const req = checkRequest(p, workDir);
    const checkpoint = checkpointInfo(req.files, req.profile.name, req.source.label, req.target.label);
    const [src, tgt] = await openBoth(req, 'inspect');
    try {
      const errors: string[] = [];
      if (checkpoint.error) errors.push(checkpoint.error);
      const watermarks = req.type === 'incremental' && !checkpoint.error ? loadCheckpoint(req.files.checkpoint).watermarks : {};
      const made = await makePlan({
        profile: req.profile,
        source: src.db,
        target: tgt.db,
        type: req.type,
        ...(req.selection ? { selection: req.selection } : {}),
        watermarks,
        now: Math.floor(Date.now() / 1000),
        options: req.resolvedOptions,
      });
      const tables = made.tables.map((t) => ({ source: t.spec.source, target: t.spec.target, estimate: t.estimate, targetRowsBefore: t.targetRowsBefore }));
      return {
        profile: req.profile.name,
        source: src.label,
        target: tgt.label,
        type: req.type,
        tables,
        rowsTotal: tables.reduce((s, t) => s + t.estimate, 0),
        errors: [...errors, ...made.errors],
        warnings: [...made.warnings],
        unknownTables: [...made.unknownTables],
        checkpoint,
      };
    } catch (e) {
      throw e instanceof ServiceError ? e : new ServiceError('PLAN_FAILED', (e as Error).message);
    } finally {
      await closeBoth(src, tgt);
    }
  };

  const start = async (p: unknown): Promise<MigrationStarted> => {
    const req = checkRequest(p, workDir);
    const s = p as { dryRun?: unknown; batchSize?: unknown; resume?: unknown; restart?: unknown; verify?: unknown };
    if (typeof s.dryRun !== 'boolean') throw new ServiceError('BAD_REQUEST', 'dryRun: true (read and check everything, write nothing) or false');
    for (const k of ['resume', 'restart', 'verify'] as const) if (s[k] !== undefined && typeof s[k] !== 'boolean') throw new ServiceError('BAD_REQUEST', `${k} must be true or false`);
    const resume = s.resume === true;
    const restart = s.restart === true;
    if (resume && restart) throw new ServiceError('BAD_REQUEST', 'resume and restart exclude each other');
    if (resume && s.dryRun) throw new ServiceError('BAD_REQUEST', 'a dry run is not resumed: it writes no checkpoint');
    const batchSize = s.batchSize ?? 1000;
    if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) throw new ServiceError('BAD_REQUEST', `batchSize must be a whole number in 1…100000, got ${JSON.stringify(batchSize)}`);

    const { files } = req;
    const dryRun = resume ? false : s.dryRun;
    const rejects = rejectsFileOf(files.rejects, dryRun);
    guardRunFiles(files, dryRun, [req.source.path, req.target.path]);
    for (const r of runs.values()) {
      if (!r.active) continue;
      const o = origins.get(r.id)!.req;
      const sameFiles = o.files.checkpoint === files.checkpoint || r.rejectsFile === rejects;
      const sameTarget = !dryRun && !r.setup.dryRun && o.target.identity === req.target.identity;
      if (sameFiles || sameTarget) throw new ServiceError('BUSY', `run ${r.id} is ${sameFiles ? 'using the same checkpoint or rejects file' : `writing to ${req.target.label}`}: wait for it, or cancel it`);
    }
    const data = readCheckpoint(files.checkpoint);
    const prev = data.run;
    if (resume) {
      const problem = resumeProblem(data, req.profile.name, req.source.label, req.target.label);
      if (problem) throw new ServiceError('NOTHING_TO_RESUME', `${files.checkpoint}: ${problem}`);
    } else if (prev && prev.status !== 'completed' && !prev.dryRun && !restart && !s.dryRun) {
      throw new ServiceError(
        'UNFINISHED_RUN',
        `${files.checkpoint} holds an unfinished run (${prev.type}, started ${prev.startedAt}, ${prev.status}): continue it (resume: true) or discard it and start over (restart: true)`,
      );
    }
    try {
      mkdirSync(dirname(files.checkpoint), { recursive: true });
      mkdirSync(dirname(files.rejects), { recursive: true });
    } catch (e) {
      throw new ServiceError('BAD_PATH', `cannot create the folder for the checkpoint and rejects: ${(e as Error).message}`);
    }

    const [src, tgt] = await openBoth(req, 'run');
    pages.forget(rejects);
    const run = new ConsoleRun(
      {
        profile: req.profile,
        source: src,
        target: tgt,
        files,
        // A resumed run goes on as it began: the checkpoint's type, selection and options.
        type: resume ? prev!.type : req.type,
        dryRun,
        select: resume ? prev!.select : req.select,
        options: resume ? prev!.options : req.options,
        batchSize,
        resume,
        restart,
        verify: s.verify !== false,
        ...(resume ? { previous: describeRun(prev!).tables, previousRunId: prev!.id } : {}),
      },
      {
        emit: (channel, payload) => services?.emit(channel, payload),
        ...(auditLog() ? { audit: auditLog()!, actor: currentActor() } : {}),
        ...(opts.progressIntervalMs !== undefined ? { progressIntervalMs: opts.progressIntervalMs } : {}),
      },
    );
    runs.set(run.id, run);
    origins.set(run.id, { req });
    try {
      await run.start();
    } catch (e) {
      runs.delete(run.id);
      origins.delete(run.id);
      await run.close();
      throw e;
    }
    void run.finished.then(forget);
    return { runId: run.id, checkpoint: files.checkpoint, rejects: run.rejectsFile, resumed: resume, tables: run.plan.tables, warnings: run.plan.warnings };
  };

  const rejectsPage = async (p: unknown): Promise<RejectsPage> => {
    if (!p || typeof p !== 'object') throw new ServiceError('BAD_REQUEST', 'expected {runId or file, offset, limit}');
    const r = p as { runId?: unknown; file?: unknown };
    const q = checkQuery(p as Record<string, unknown>);
    if (r.runId !== undefined) {
      const run = find(r.runId);
      return pages.page(run.rejectsFile, q, run.active);
    }
    if (r.file === undefined) throw new ServiceError('BAD_REQUEST', 'runId (a run of this console) or file (a rejects file)');
    const file = userPath(r.file, 'rejects file');
    if (!existsFile(file)) throw new ServiceError('NOT_FOUND', `no rejects file ${file}`);
    return pages.page(file, q, [...runs.values()].some((x) => x.active && x.rejectsFile === file));
  };

  const verify = async (p: unknown): Promise<MigrationVerification> => {
    let req: CheckedRequest;
    if (p && typeof p === 'object' && 'runId' in p) {
      const run = find((p as { runId: unknown }).runId);
      if (run.active) throw new ServiceError('BUSY', `run ${run.id} is still going: its verification comes with migrate.done`);
      if (run.setup.dryRun) throw new ServiceError('BAD_REQUEST', 'a dry run wrote nothing to verify');
      req = origins.get(run.id)!.req;
    } else req = checkRequest(p, workDir);
    const last = readCheckpoint(req.files.checkpoint).run;
    const [src, tgt] = await openBoth(req, 'inspect');
    try {
      const report = await verifyMigration({
        profile: req.profile,
        source: src.db,
        target: tgt.db,
        run: last ?? { type: 'full', select: [], options: {}, now: Math.floor(Date.now() / 1000) },
        rejectsPath: req.files.rejects,
      });
      return { ...toShared(report), checkpoint: req.files.checkpoint, rejects: req.files.rejects, assumed: !last };
    } catch (e) {
      throw e instanceof ServiceError ? e : new ServiceError('CANNOT_VERIFY', (e as Error).message);
    } finally {
      await closeBoth(src, tgt);
    }
  };

  const list = (): MigrationRunInfo[] => [...runs.values()].map((r) => r.info());

  return {
    name: 'migrations',
    handlers: {
      'migrate.profiles': () => builtinProfiles(),
      'migrate.profile': (p) => {
        const { profile, path } = loadConsoleProfile(userPath(p?.path, 'profile file'));
        return describeProfile(profile, path);
      },
      'migrate.testConnection': (p) => testConnection(p),
      'migrate.plan': (p) => plan(p),
      'migrate.start': (p) => start(p),
      'migrate.pause': (p) => find(p?.runId).pause(),
      'migrate.resume': (p) => find(p?.runId).resume(),
      'migrate.cancel': (p) => find(p?.runId).cancel(),
      'migrate.status': (p) => find(p?.runId).info(),
      'migrate.runs': () => list(),
      'migrate.rejects': (p) => rejectsPage(p),
      'migrate.verify': (p) => verify(p),
    },
    start(s) {
      services = s;
    },
    async close() {
      // Each running migration stops after its batch, checkpointed: the next console (or the CLI) resumes it.
      const active = [...runs.values()].filter((r) => r.active);
      for (const r of active) {
        try {
          r.cancel();
        } catch {
          // already ending
        }
      }
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, opts.closeTimeoutMs ?? 30_000)));
      await Promise.race([Promise.all(active.map((r) => r.finished)), timeout]);
      clearTimeout(timer);
      services = null;
    },
  };
}

function existsDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function existsFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
