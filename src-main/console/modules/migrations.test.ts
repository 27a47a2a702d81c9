/**
 * The console's migration service through the services facade, as the
 * wizard drives it: real SQLite files (a generated TFS 1.4 data set, empty
 * Canary targets) in a temp folder, a real audit log, events as a UI gets them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConsoleServices, type UiConnection } from '../services';
import { migrationsModule } from './migrations';
import { type EventChannel } from '../../../src-shared/ipc/contract';
import type * as M from '../../../src-shared/ipc/migrate';
import { AuditLog } from '../../audit/log';
import { type CliIo } from '../../cli/command';
import { runDataCommand } from '../../migrate/data/cli';
import { waitFor } from '../../../test-support/up-harness';
import { makeWorkspace, type Workspace } from '../../../test-support/migrate-harness';

let ws: Workspace;
beforeAll(() => {
  ws = makeWorkspace();
});
afterAll(() => ws.remove());

interface Console {
  readonly services: ConsoleServices;
  readonly ui: UiConnection;
  readonly events: { channel: EventChannel; payload: unknown; at: number }[];
  /** Called with each event as it is sent (synchronously, inside the engine's batch for progress without throttling). */
  onEvent?: (channel: EventChannel, payload: unknown) => void;
  readonly auditPath: string;
  readonly workDir: string;
  call<T>(channel: string, params?: unknown): Promise<T>;
  of<T>(channel: EventChannel, runId?: string): T[];
  close(): Promise<void>;
}

let consoles = 0;
async function openConsole(o: { workDir?: string; auditPath?: string; progressIntervalMs?: number } = {}): Promise<Console> {
  const n = ++consoles;
  const workDir = o.workDir ?? join(ws.dir, `work-${n}`);
  const auditPath = o.auditPath ?? join(ws.dir, `audit-${n}.ndjson`);
  const services = new ConsoleServices({ shell: 'cli', demo: false }, [migrationsModule({ workDir, auditPath, ...(o.progressIntervalMs !== undefined ? { progressIntervalMs: o.progressIntervalMs } : {}) })]);
  await services.start();
  const events: Console['events'] = [];
  const c: { onEvent?: Console['onEvent'] } = {};
  const ui = services.connect((channel, payload) => {
    events.push({ channel, payload, at: Date.now() });
    c.onEvent?.(channel, payload);
  });
  return Object.assign(c, {
    services,
    ui,
    events,
    auditPath,
    workDir,
    call: <T>(channel: string, params?: unknown) => ui.handle(channel, params) as Promise<T>,
    of: <T>(channel: EventChannel, runId?: string) =>
      events.filter((e) => e.channel === channel && (runId === undefined || (e.payload as { runId?: string }).runId === runId)).map((e) => e.payload as T),
    close: async () => {
      ui.close();
      await services.close();
    },
  });
}

const sqlite = (path: string): M.MigrationEndpoint => ({ kind: 'sqlite', path });
const count = (path: string, table: string): number => {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
  } finally {
    db.close();
  }
};
const done = (c: Console, runId: string): Promise<M.MigrationDone> =>
  waitFor(() => c.of('migrate.done', runId).length > 0, 60_000, `migrate.done of ${runId}`).then(() => c.of<M.MigrationDone>('migrate.done', runId)[0]!);

/** Rows the fixture must reject on a target without the seeded name clash. */
const badWithoutClash = () => ws.fx.bad.filter((b) => b.kind !== 'refused');

describe('profiles and connection tests', () => {
  it('lists the built-in profile with its tables, options and selectors; reads a profile file or lists its problems', async () => {
    const c = await openConsole();
    try {
      const [p] = await c.call<M.MigrationProfileInfo[]>('migrate.profiles');
      expect(p).toMatchObject({ name: 'tfs-canary', builtin: true, path: null, source: { name: 'TFS 1.4' }, target: { name: 'Canary 3.6' } });
      expect(p!.tables[0]).toMatchObject({ source: 'accounts', target: 'accounts', key: ['id'], write: 'upsert', incremental: 'key' });
      expect(p!.tables[0]!.dropped.map((d) => d.column)).toEqual(['premium_ends_at', 'secret']);
      expect(p!.tables.find((t) => t.source === 'player_items')).toMatchObject({ write: 'replace', group: 'player_id' });
      expect(p!.options.find((o) => o.name === 'emptyEmail')).toMatchObject({ default: 'reject', values: ['reject', 'placeholder'] });
      expect(p!.selectors.map((s) => s.name)).toEqual(expect.arrayContaining(['guild', 'player', 'account']));
      expect(p!.ignored.map((i) => i.table)).toContain('players_online');
      expect(p!.finalize[0]).toMatchObject({ table: 'server_config', key: 'db_version', value: '58' });

      const good = join(ws.dir, 'custom.json');
      writeFileSync(good, JSON.stringify({ name: 'znote', source: { name: 'TFS' }, target: { name: 'Canary' }, tables: [{ source: 'znote_accounts', target: 'znote_accounts', key: ['id'], columns: { id: 'int', points: 'int' } }] }));
      expect(await c.call('migrate.profile', { path: good })).toMatchObject({ name: 'znote', builtin: false, path: good, tables: [{ columns: ['id', 'points'] }] });
      const bad = join(ws.dir, 'bad-profile.json');
      writeFileSync(bad, JSON.stringify({ name: 'x', source: { name: 'a' }, target: { name: 'b' }, tables: [{ source: 'a', target: 'b', key: ['nope'], columns: { id: 'integer' } }] }));
      await expect(c.call('migrate.profile', { path: bad })).rejects.toMatchObject({ code: 'BAD_PROFILE', message: expect.stringMatching(/"integer" is not a type[\s\S]*key: nope is not one of its columns/) });
      writeFileSync(join(ws.dir, 'not-json.json'), '{"name": ');
      await expect(c.call('migrate.profile', { path: join(ws.dir, 'not-json.json') })).rejects.toMatchObject({ code: 'BAD_PROFILE', message: expect.stringMatching(/not valid JSON/) });
      await expect(c.call('migrate.profile', { path: 'custom.json' })).rejects.toMatchObject({ code: 'BAD_PATH', message: expect.stringMatching(/relative/) });
      await expect(c.call('migrate.profile', { path: join(ws.dir, 'missing.json') })).rejects.toMatchObject({ code: 'BAD_PROFILE', message: expect.stringMatching(/no such file/) });
    } finally {
      await c.close();
    }
  });

  it('testConnection opens a source or target without changing it, and says plainly why one is unusable', async () => {
    const c = await openConsole();
    try {
      const target = ws.newTarget('conn', { clash: false });
      const src = await c.call<M.ConnectionTest>('migrate.testConnection', { endpoint: sqlite(ws.sourcePath), role: 'source' });
      expect(src).toMatchObject({ ok: true, kind: 'sqlite', label: `sqlite:${ws.sourcePath}`, dbVersion: '29' });
      expect(src.ok && src.tables).toEqual(expect.arrayContaining(['accounts', 'players', 'znote_accounts']));
      const before = readFileSync(target);
      expect(await c.call('migrate.testConnection', { endpoint: sqlite(target), role: 'target' })).toMatchObject({ ok: true, dbVersion: '58' });
      expect(readFileSync(target).equals(before)).toBe(true);
      expect(existsSync(`${target}-wal`)).toBe(false);

      const test = (endpoint: unknown, role = 'source') => c.call<M.ConnectionTest>('migrate.testConnection', { endpoint, role });
      expect(await test(sqlite('tfs.db'))).toMatchObject({ ok: false, problem: 'BAD_PATH', reason: expect.stringMatching(/relative.*full path/) });
      expect(await test(sqlite(join(ws.dir, 'none.db')), 'target')).toMatchObject({ ok: false, problem: 'NOT_FOUND', reason: expect.stringMatching(/schema/) });
      writeFileSync(join(ws.dir, 'config.lua'), 'serverName = "x"\n');
      expect(await test(sqlite(join(ws.dir, 'config.lua')))).toMatchObject({ ok: false, problem: 'NOT_SQLITE', reason: expect.stringMatching(/not a SQLite database/) });
      writeFileSync(join(ws.dir, 'empty.db'), '');
      expect(await test(sqlite(join(ws.dir, 'empty.db')))).toMatchObject({ ok: false, problem: 'NOT_SQLITE', reason: expect.stringMatching(/empty/) });
      expect(await test(sqlite(ws.dir))).toMatchObject({ ok: false, problem: 'NOT_SQLITE', reason: expect.stringMatching(/folder/) });
      expect(await test(sqlite(`${ws.sourcePath}\0x`))).toMatchObject({ ok: false, problem: 'BAD_PATH' });
      expect(await test(sqlite('/'.repeat(5000)))).toMatchObject({ ok: false, problem: 'BAD_PATH', reason: expect.stringMatching(/too long/) });
      expect(await test({ kind: 'postgres', url: 'x' })).toMatchObject({ ok: false, problem: 'BAD_PATH', reason: expect.stringMatching(/sqlite, mysql or ndjson/) });
      expect(await test(null)).toMatchObject({ ok: false, problem: 'BAD_PATH' });
      expect(await test({ kind: 'mysql', url: 'http://x/db' })).toMatchObject({ ok: false, problem: 'BAD_URL' });
      expect(await test({ kind: 'mysql', url: 'mysql://root@127.0.0.1:3306/' })).toMatchObject({ ok: false, problem: 'BAD_URL', reason: expect.stringMatching(/no database name/) });
      expect(await test({ kind: 'mysql', url: 'mysql://root:s3cret@127.0.0.1:99999/db' })).toMatchObject({ ok: false, problem: 'BAD_URL' });
      const port = await closedPort();
      const refused = await test({ kind: 'mysql', url: `mysql://root:s3cret@127.0.0.1:${port}/tfs` });
      expect(refused).toMatchObject({ ok: false, problem: 'REFUSED', label: `mysql://root:***@127.0.0.1:${port}/tfs`, reason: expect.stringMatching(/nothing accepts connections at 127\.0\.0\.1:\d+/) });
      expect(JSON.stringify(refused)).not.toContain('s3cret');
      expect(await test({ kind: 'ndjson', path: join(ws.dir, 'nd-out') }, 'target')).toMatchObject({ ok: true, tables: [], notes: [expect.stringMatching(/a run creates it/)] });
      expect(existsSync(join(ws.dir, 'nd-out'))).toBe(false);
      expect(await test({ kind: 'ndjson', path: ws.sourcePath })).toMatchObject({ ok: false, problem: 'BAD_PATH', reason: expect.stringMatching(/is a file/) });
      await expect(c.call('migrate.testConnection', { endpoint: sqlite(ws.sourcePath) })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    } finally {
      await c.close();
    }
  });
});

describe('plan', () => {
  it('counts what a run would read per table, names unknown tables and the checkpoint, writes nothing', async () => {
    const c = await openConsole();
    try {
      const target = ws.newTarget('plan', { clash: false });
      const plan = await c.call<M.MigrationPlan>('migrate.plan', { profile: 'tfs-canary', source: sqlite(ws.sourcePath), target: sqlite(target) });
      expect(plan).toMatchObject({ profile: 'tfs-canary', type: 'full', errors: [], unknownTables: ['znote_accounts'] });
      expect(plan.tables.find((t) => t.source === 'players')).toEqual({ source: 'players', target: 'players', estimate: ws.fx.tables.players!.length, targetRowsBefore: 0 });
      expect(plan.rowsTotal).toBe(plan.tables.reduce((s, t) => s + t.estimate, 0));
      expect(plan.warnings.join('\n')).toMatch(/NOT migrated: znote_accounts/);
      expect(plan.checkpoint).toMatchObject({ exists: false, lastRun: null, unfinished: false, error: null });
      expect(plan.checkpoint.path.startsWith(c.workDir)).toBe(true);
      expect(plan.checkpoint.path).toMatch(/tfs-canary-plan-[0-9a-f]{10}\.checkpoint\.json$/);
      expect(plan.checkpoint.rejects).toMatch(/\.rejects\.ndjson$/);
      expect(existsSync(c.workDir)).toBe(false);

      const sel = await c.call<M.MigrationPlan>('migrate.plan', { profile: 'tfs-canary', source: sqlite(ws.sourcePath), target: sqlite(target), select: ['guild=1'] });
      expect(sel.type).toBe('selective');
      expect(sel.tables.find((t) => t.source === 'guilds')?.estimate).toBe(1);
      expect(sel.tables.find((t) => t.source === 'guild_membership')?.estimate).toBe(6);

      // A target without Canary's schema: the plan says what is missing instead of starting.
      const bare = join(ws.dir, 'bare.db');
      new Database(bare).exec('CREATE TABLE t (x)').close();
      const missing = await c.call<M.MigrationPlan>('migrate.plan', { profile: 'tfs-canary', source: sqlite(ws.sourcePath), target: sqlite(bare) });
      expect(missing.errors.join('\n')).toMatch(/the target has no table accounts/);
    } finally {
      await c.close();
    }
  });

  it('refuses requests that cannot be right, with the reason', async () => {
    const c = await openConsole();
    try {
      const target = ws.newTarget('plan-bad', { clash: false });
      const plan = (over: object) => c.call('migrate.plan', { profile: 'tfs-canary', source: sqlite(ws.sourcePath), target: sqlite(target), ...over });
      await expect(plan({ target: sqlite(ws.sourcePath) })).rejects.toMatchObject({ code: 'SAME_DATABASE' });
      await expect(plan({ select: ['guild=1; DROP TABLE players'] })).rejects.toMatchObject({ code: 'BAD_SELECTION', message: expect.stringMatching(/is not an id/) });
      await expect(plan({ select: ['tables=nope'] })).rejects.toMatchObject({ code: 'BAD_SELECTION', message: expect.stringMatching(/^select tables=nope: nope is not a table/) });
      await expect(plan({ type: 'selective' })).rejects.toMatchObject({ code: 'BAD_SELECTION' });
      await expect(plan({ type: 'full', select: ['tables=players'] })).rejects.toMatchObject({ code: 'BAD_SELECTION' });
      await expect(plan({ type: 'sideways' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      await expect(plan({ options: { emptyEmail: 'maybe' } })).rejects.toMatchObject({ code: 'BAD_OPTION', message: expect.stringMatching(/not one of reject, placeholder/) });
      await expect(plan({ options: { nope: 'x' } })).rejects.toMatchObject({ code: 'BAD_OPTION' });
      await expect(plan({ options: { emptyEmail: 1 } })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      await expect(plan({ profile: 'tfs-otx' })).rejects.toMatchObject({ code: 'BAD_PROFILE', message: expect.stringMatching(/built in: tfs-canary/) });
      await expect(plan({ profile: '/nonexistent/profile.json' })).rejects.toMatchObject({ code: 'BAD_PROFILE' });
      await expect(plan({ checkpoint: 'cp.json' })).rejects.toMatchObject({ code: 'BAD_PATH' });
      await expect(plan({ select: 'tables=players' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      await expect(c.call('migrate.plan', null)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      const notCp = join(ws.dir, 'garbage.checkpoint.json');
      writeFileSync(notCp, '{"version": 9}');
      const p = await c.call<M.MigrationPlan>('migrate.plan', { profile: 'tfs-canary', source: sqlite(ws.sourcePath), target: sqlite(target), checkpoint: notCp });
      expect(p.checkpoint.error).toMatch(/not an otbridge checkpoint/);
      expect(p.errors[0]).toMatch(/not an otbridge checkpoint/);
    } finally {
      await c.close();
    }
  });
});

describe('a run from the wizard', () => {
  it('dry run first, then the run: throttled progress, tables, done with the summary and the verification; audited; rejects browsable', async () => {
    const c = await openConsole();
    try {
      const target = ws.newTarget('wizard', { clash: false });
      const request = { profile: 'tfs-canary', source: sqlite(ws.sourcePath), target: sqlite(target) };

      const dry = await c.call<M.MigrationStarted>('migrate.start', { ...request, dryRun: true });
      expect(dry.rejects).toMatch(/\.rejects\.dry-run\.ndjson$/);
      const dryDone = await done(c, dry.runId);
      expect(dryDone).toMatchObject({ state: 'completed', verification: null, summary: { dryRun: true, rejected: badWithoutClash().length, rejectsFile: dry.rejects } });
      expect(count(target, 'players')).toBe(0);
      expect(existsSync(dryDone.summary!.checkpointFile)).toBe(false);

      const started = await c.call<M.MigrationStarted>('migrate.start', { ...request, dryRun: false, batchSize: 5 });
      expect(started).toMatchObject({ resumed: false, checkpoint: dry.checkpoint });
      expect(started.tables.find((t) => t.source === 'players')).toMatchObject({ estimate: ws.fx.tables.players!.length, targetRowsBefore: 0 });
      expect(started.warnings.join('\n')).toMatch(/znote_accounts/);
      const end = await done(c, started.runId);
      expect(end.state).toBe('completed');
      expect(end.summary!.rejectsFile).toBe(started.rejects);
      expect(end.summary).toMatchObject({ status: 'completed', dryRun: false, rejected: badWithoutClash().length, unknownTables: ['znote_accounts'] });
      expect(end.verification).toMatchObject({ ok: true, scope: 'all' });
      expect(end.verification!.tables.find((t) => t.target === 'players')).toMatchObject({ ok: true, targetRows: ws.fx.tables.players!.length - 2, rejected: 2 });
      expect(count(target, 'players')).toBe(ws.fx.tables.players!.length - 2);

      // Progress: at most ten a second while running; the last one says completed with every row read.
      const progress = c.events.filter((e) => e.channel === 'migrate.progress' && (e.payload as M.MigrationProgress).runId === started.runId);
      const running = progress.filter((e) => (e.payload as M.MigrationProgress).state === 'running');
      expect(running.length).toBeGreaterThan(1);
      for (let i = 1; i < running.length; i++) expect(running[i]!.at - running[i - 1]!.at).toBeGreaterThanOrEqual(95);
      const last = progress.at(-1)!.payload as M.MigrationProgress;
      expect(last).toMatchObject({ state: 'completed', rowsDone: end.summary!.read, rejected: end.summary!.rejected });
      expect(progress.map((e) => (e.payload as M.MigrationProgress).state)).toContain('verifying');
      const mid = running.map((e) => e.payload as M.MigrationProgress).find((p) => p.rowsPerSecond > 0)!;
      expect(mid.etaSeconds).not.toBeNull();
      expect(mid.rowsTotal).toBeGreaterThan(0);

      const tables = c.of<{ table: M.MigrationTableStatus }>('migrate.table', started.runId);
      expect(tables.find((t) => t.table.source === 'players' && t.table.status === 'done')?.table).toMatchObject({ read: 300, written: 298, rejected: 2 });
      expect(c.of<{ message: string }>('migrate.warning', started.runId).map((w) => w.message).join('\n')).toMatch(/db_version set to 58/);

      const info = await c.call<M.MigrationRunInfo>('migrate.status', { runId: started.runId });
      expect(info).toMatchObject({ state: 'completed', engineRunId: end.summary!.runId, profile: 'tfs-canary', source: `sqlite:${ws.sourcePath}`, dryRun: false });
      expect(info.tables.every((t) => t.status === 'done')).toBe(true);
      expect((await c.call<M.MigrationRunInfo[]>('migrate.runs')).map((r) => r.runId)).toEqual([dry.runId, started.runId]);

      // Audited like the CLI: start and end of both runs, chained.
      const log = AuditLog.open(c.auditPath);
      const entries = await log.read({ kind: 'migrate.data' });
      expect(entries.map((e) => [e.kind, (e.params as { dryRun: boolean }).dryRun])).toEqual([
        ['migrate.data.start', true],
        ['migrate.data.end', true],
        ['migrate.data.start', false],
        ['migrate.data.end', false],
      ]);
      expect(entries[3]).toMatchObject({ params: { runId: end.summary!.runId, checkpoint: started.checkpoint }, outcome: { status: 'completed', rejected: badWithoutClash().length } });
      expect((await log.verify()).ok).toBe(true);

      // The rejects browser.
      const page = await c.call<M.RejectsPage>('migrate.rejects', { runId: started.runId, offset: 0, limit: 100 });
      expect(page).toMatchObject({ file: started.rejects, total: badWithoutClash().length, growing: false });
      expect(page.rows.map((r) => `${r.table} ${r.kind} ${JSON.stringify(r.key)}`).sort()).toEqual(badWithoutClash().map((b) => `${b.table} ${b.kind} ${JSON.stringify(b.key)}`).sort());
      expect(page.rows.map((r) => r.line)).toEqual(page.rows.map((_, i) => i + 1));
      expect(page.byTable).toMatchObject({ players: 2, accounts: 3 });
      const players = await c.call<M.RejectsPage>('migrate.rejects', { runId: started.runId, offset: 1, limit: 5, table: 'players' });
      expect(players.total).toBe(2);
      expect(players.rows).toHaveLength(1);
      expect(players.rows[0]!.reasons.join(' ')).toMatch(ws.fx.bad.find((b) => b.table === 'players' && JSON.stringify(b.key) === JSON.stringify(players.rows[0]!.key))!.reason);
      const dup = await c.call<M.RejectsPage>('migrate.rejects', { runId: started.runId, offset: 0, limit: 5, kind: 'duplicate' });
      expect(dup.rows.map((r) => r.key)).toEqual([{ house_id: 1, listid: 256 }]);
      const byFile = await c.call<M.RejectsPage>('migrate.rejects', { file: dry.rejects, offset: 0, limit: 1 });
      expect(byFile).toMatchObject({ total: badWithoutClash().length, growing: false });

      // Verify again on demand: same answer.
      expect(await c.call('migrate.verify', { runId: started.runId })).toMatchObject({ ok: true, assumed: false, checkpoint: started.checkpoint });
      expect(await c.call('migrate.verify', request)).toMatchObject({ ok: true });
      await expect(c.call('migrate.verify', { runId: dry.runId })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    } finally {
      await c.close();
    }
  });

  it('pause holds the run between batches; cancel leaves a checkpoint a new console resumes; the target ends verified', async () => {
    const workDir = join(ws.dir, 'shared-work');
    const auditPath = join(ws.dir, 'shared-audit.ndjson');
    const target = ws.newTarget('pause', { clash: false });
    const request = { profile: 'tfs-canary', source: sqlite(ws.sourcePath), target: sqlite(target) };
    // Unthrottled progress: the test's pause lands inside the batch that reported it.
    const c = await openConsole({ workDir, auditPath, progressIntervalMs: 0 });
    let runId = '';
    try {
      ({ runId } = await c.call<M.MigrationStarted>('migrate.start', { ...request, dryRun: false, batchSize: 10 }));
      expect((await c.call<M.MigrationRunInfo>('migrate.pause', { runId })).state).toBe('paused');
      await waitFor(() => c.of<M.MigrationProgress>('migrate.progress', runId).some((p) => p.state === 'paused'), 5000, 'paused progress');
      // Stopped between batches: nothing moves while paused.
      await new Promise((r) => setTimeout(r, 150));
      const held = (await c.call<M.MigrationRunInfo>('migrate.status', { runId })).progress.rowsDone;
      await new Promise((r) => setTimeout(r, 300));
      expect((await c.call<M.MigrationRunInfo>('migrate.status', { runId })).progress.rowsDone).toBe(held);
      await expect(c.call('migrate.pause', { runId })).rejects.toMatchObject({ code: 'CONFLICT' });
      // Moving again: pause once more at the next batch, then cancel the paused run (a running one could finish first on a fast disk).
      let again = false;
      c.onEvent = (ch, p) => {
        if (ch !== 'migrate.progress' || again || (p as M.MigrationProgress).rowsDone <= held) return;
        again = true;
        void c.ui.handle('migrate.pause', { runId });
      };
      expect((await c.call<M.MigrationRunInfo>('migrate.resume', { runId })).state).toBe('running');
      await waitFor(() => again, 10_000, 'moving again');
      expect((await c.call<M.MigrationRunInfo>('migrate.status', { runId })).state).toBe('paused');
      expect((await c.call<M.MigrationRunInfo>('migrate.cancel', { runId })).state).toBe('cancelling');
      const end = await done(c, runId);
      expect(end).toMatchObject({ state: 'cancelled', verification: null, summary: { status: 'cancelled' } });
      await expect(c.call('migrate.resume', { runId })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/resume: true/) });
      await expect(c.call('migrate.cancel', { runId })).rejects.toMatchObject({ code: 'CONFLICT' });
    } finally {
      await c.close();
    }

    const c2 = await openConsole({ workDir, auditPath });
    try {
      const plan = await c2.call<M.MigrationPlan>('migrate.plan', request);
      expect(plan.checkpoint).toMatchObject({ unfinished: true, resumeProblem: null, lastRun: { status: 'cancelled', type: 'full', batchSize: 10 } });
      expect(plan.checkpoint.lastRun!.read).toBeGreaterThan(0);
      await expect(c2.call('migrate.start', { ...request, dryRun: false })).rejects.toMatchObject({ code: 'UNFINISHED_RUN', message: expect.stringMatching(/resume: true.*restart: true/) });
      const resumed = await c2.call<M.MigrationStarted>('migrate.start', { ...request, dryRun: false, resume: true });
      expect(resumed.resumed).toBe(true);
      const end = await done(c2, resumed.runId);
      expect(end).toMatchObject({ state: 'completed', verification: { ok: true }, summary: { rejected: badWithoutClash().length } });
      expect(count(target, 'players')).toBe(ws.fx.tables.players!.length - 2);
      const ends = (await AuditLog.open(auditPath).read({ kind: 'migrate.data.end' })).map((e) => (e.outcome as { status: string }).status);
      expect(ends).toEqual(['cancelled', 'completed']);
      await expect(c2.call('migrate.start', { ...request, dryRun: false, resume: true })).rejects.toMatchObject({ code: 'NOTHING_TO_RESUME' });
    } finally {
      await c2.close();
    }
  });

  it('a console killed mid-run leaves a checkpoint the CLI resumes with --resume', async () => {
    const workDir = join(ws.dir, 'crash-work');
    const auditPath = join(ws.dir, 'crash-audit.ndjson');
    const target = ws.newTarget('crash', { clash: false });
    const started = await runChildUntilPaused({ source: ws.sourcePath, target, workDir, auditPath });
    const cp = JSON.parse(readFileSync(started.checkpoint, 'utf8')) as { run: { status: string; tables: Record<string, { read: number }> } };
    expect(cp.run.status).toBe('running');
    const rowsBefore = count(target, 'accounts') + count(target, 'players');
    expect(rowsBefore).toBeGreaterThan(0);

    const out: string[] = [];
    const io: CliIo = {
      out: { write: (s: string) => (out.push(s), true) } as unknown as CliIo['out'],
      err: { write: (s: string) => (out.push(s), true) } as unknown as CliIo['err'],
      stopped: new Promise(() => {}),
    };
    const code = await runDataCommand(
      ['--profile', 'tfs-canary', '--from', ws.sourcePath, '--to', `sqlite:${target}`, '--checkpoint', started.checkpoint, '--rejects', started.rejects, '--resume', '--audit-log', auditPath],
      io,
    );
    expect(code, out.join('')).toBe(3);
    expect(count(target, 'players')).toBe(ws.fx.tables.players!.length - 2);
    const c = await openConsole({ workDir, auditPath });
    try {
      expect(await c.call('migrate.verify', { profile: 'tfs-canary', source: sqlite(ws.sourcePath), target: sqlite(target) })).toMatchObject({ ok: true });
      const page = await c.call<M.RejectsPage>('migrate.rejects', { file: started.rejects, offset: 0, limit: 500 });
      expect(page.total).toBe(badWithoutClash().length);
    } finally {
      await c.close();
    }
    const log = AuditLog.open(auditPath);
    expect((await log.read({ kind: 'migrate.data' })).map((e) => e.kind)).toEqual(['migrate.data.start', 'migrate.data.start', 'migrate.data.end']);
    expect((await log.verify()).ok).toBe(true);
  }, 60_000);
});

describe('what the services refuse', () => {
  it('files a run must not touch, a second run on the same target, bad numbers, unknown runs', async () => {
    const c = await openConsole({ progressIntervalMs: 0 });
    pauseAtFirstProgress(c);
    try {
      const target = ws.newTarget('refuse', { clash: false });
      const request = { profile: 'tfs-canary', source: sqlite(ws.sourcePath), target: sqlite(target), dryRun: false };
      await expect(c.call('migrate.start', { ...request, checkpoint: target })).rejects.toMatchObject({ code: 'BAD_PATH', message: expect.stringMatching(/the source or the target itself/) });
      const lua = join(ws.dir, 'keep.lua');
      writeFileSync(lua, 'serverName = "mine"\n');
      await expect(c.call('migrate.start', { ...request, rejects: lua })).rejects.toMatchObject({ code: 'BAD_PATH', message: expect.stringMatching(/not a rejects file/) });
      expect(readFileSync(lua, 'utf8')).toBe('serverName = "mine"\n');
      await expect(c.call('migrate.start', { ...request, checkpoint: lua })).rejects.toMatchObject({ code: 'BAD_PATH', message: expect.stringMatching(/not a checkpoint/) });
      await expect(c.call('migrate.start', { ...request, checkpoint: join(ws.dir, 'a.json'), rejects: join(ws.dir, 'a.json') })).rejects.toMatchObject({ code: 'BAD_PATH' });
      await expect(c.call('migrate.start', { ...request, dryRun: undefined })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/dryRun/) });
      for (const batchSize of [0, 1.5, 100_001, '10', -1]) await expect(c.call('migrate.start', { ...request, batchSize })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      await expect(c.call('migrate.start', { ...request, resume: true, restart: true })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      await expect(c.call('migrate.start', { ...request, resume: true })).rejects.toMatchObject({ code: 'NOTHING_TO_RESUME' });

      const { runId } = await c.call<M.MigrationStarted>('migrate.start', { ...request, batchSize: 5 });
      await waitFor(() => c.of<M.MigrationProgress>('migrate.progress', runId).some((p) => p.state === 'paused'), 10_000, 'paused');
      await expect(c.call('migrate.start', request)).rejects.toMatchObject({ code: 'BUSY' });
      await expect(c.call('migrate.start', { ...request, checkpoint: join(ws.dir, 'other.checkpoint.json') })).rejects.toMatchObject({ code: 'BUSY', message: expect.stringMatching(/writing to/) });
      await expect(c.call('migrate.verify', { runId })).rejects.toMatchObject({ code: 'BUSY' });
      const growing = await c.call<M.RejectsPage>('migrate.rejects', { runId, offset: 0, limit: 10 });
      expect(growing.growing).toBe(true);
      await c.call('migrate.cancel', { runId });
      expect((await done(c, runId)).state).toBe('cancelled');

      for (const ch of ['migrate.pause', 'migrate.resume', 'migrate.cancel', 'migrate.status']) {
        await expect(c.call(ch, { runId: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
        await expect(c.call(ch, {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
      }
      for (const bad of [{ offset: -1, limit: 1 }, { offset: 0, limit: 0 }, { offset: 0, limit: 501 }, { offset: 0, limit: 21, full: true }, { offset: 0.5, limit: 1 }, { offset: 0, limit: 1, kind: 'evil' }]) {
        await expect(c.call('migrate.rejects', { runId, ...bad })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      }
      await expect(c.call('migrate.rejects', { offset: 0, limit: 1 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      await expect(c.call('migrate.rejects', { file: 'rel.ndjson', offset: 0, limit: 1 })).rejects.toMatchObject({ code: 'BAD_PATH' });
      await expect(c.call('migrate.rejects', { file: join(ws.dir, 'none.ndjson'), offset: 0, limit: 1 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await c.close();
    }
  });

  it('closing the console stops a running migration after its batch, resumable', async () => {
    const workDir = join(ws.dir, 'close-work');
    const target = ws.newTarget('close', { clash: false });
    const request = { profile: 'tfs-canary', source: sqlite(ws.sourcePath), target: sqlite(target) };
    const c = await openConsole({ workDir, progressIntervalMs: 0 });
    // Held between two batches, as a run in the middle of a table would be when the console closes.
    pauseAtFirstProgress(c);
    const { runId, checkpoint } = await c.call<M.MigrationStarted>('migrate.start', { ...request, dryRun: false, batchSize: 5 });
    await waitFor(() => c.of<M.MigrationProgress>('migrate.progress', runId).some((p) => p.state === 'paused'), 10_000, 'paused');
    await c.close();
    const cp = JSON.parse(readFileSync(checkpoint, 'utf8')) as { run: { status: string } };
    expect(cp.run.status).toBe('cancelled');
    const c2 = await openConsole({ workDir });
    try {
      expect((await c2.call<M.MigrationPlan>('migrate.plan', request)).checkpoint).toMatchObject({ unfinished: true, resumeProblem: null });
    } finally {
      await c2.close();
    }
  });
});

/** Pauses each run in the batch of its first progress event (the console must not throttle progress). */
function pauseAtFirstProgress(c: Console): void {
  const seen = new Set<string>();
  c.onEvent = (ch, p) => {
    const e = p as M.MigrationProgress;
    if (ch !== 'migrate.progress' || e.state !== 'running' || seen.has(e.runId)) return;
    seen.add(e.runId);
    void c.ui.handle('migrate.pause', { runId: e.runId });
  };
}

/** A free port that nothing listens on (for a refused connection). */
async function closedPort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

/**
 * Runs a console with the migrations module in a child process, starts a
 * run there, pauses it after its first rows, then kills the process with
 * SIGKILL: what a crash leaves behind.
 */
async function runChildUntilPaused(o: { source: string; target: string; workDir: string; auditPath: string }): Promise<M.MigrationStarted> {
  mkdirSync(o.workDir, { recursive: true });
  const root = resolve(import.meta.dirname, '../../..');
  const url = (p: string) => pathToFileURL(join(root, p)).href;
  const script = join(o.workDir, 'child.mts');
  writeFileSync(
    script,
    `import { ConsoleServices } from ${JSON.stringify(url('src-main/console/services.ts'))};
import { migrationsModule } from ${JSON.stringify(url('src-main/console/modules/migrations.ts'))};
const o = ${JSON.stringify(o)};
const services = new ConsoleServices({ shell: 'cli', demo: false }, [migrationsModule({ workDir: o.workDir, auditPath: o.auditPath, progressIntervalMs: 0 })]);
await services.start();
let paused = false;
const ui = services.connect((ch, p) => {
  if (ch === 'migrate.progress' && !paused && p.rowsDone >= 400) {
    paused = true;
    void ui.handle('migrate.pause', { runId: p.runId }).then(() => console.log(JSON.stringify({ paused: true })));
  }
});
const started = await ui.handle('migrate.start', { profile: 'tfs-canary', source: { kind: 'sqlite', path: o.source }, target: { kind: 'sqlite', path: o.target }, dryRun: false, batchSize: 20 });
console.log(JSON.stringify({ started }));
setInterval(() => {}, 1000);
`,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, OTBRIDGE_ACTOR: 'test' } });
  return new Promise((ok, fail) => {
    let started: M.MigrationStarted | undefined;
    let paused = false;
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`the child did not pause within 30 s: ${err}`));
    }, 30_000);
    let buf = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = JSON.parse(buf.slice(0, nl)) as { started?: M.MigrationStarted; paused?: boolean };
        buf = buf.slice(nl + 1);
        if (line.started) started = line.started;
        if (line.paused) paused = true;
        if (started && paused) child.kill('SIGKILL');
      }
    });
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL' && started) ok(started);
      else fail(new Error(`the child ended by itself (${String(signal)}): ${err}`));
    });
  });
}
