/**
 * TFS → Canary against a real MariaDB (one private server for this file,
 * see test-support/mariadb.ts): a TFS database with a few thousand generated
 * rows, the awkward ones included, migrated into Canary-shaped databases.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMariaDb, type MariaDb } from '../../../test-support/mariadb';
import { createCanaryMariaDb, loadTfsMariaDb, makeTfsFixture, seedNameClash, type TfsFixture } from '../../../test-support/migrate-fixtures';
import { migrate, profile, tableDigests } from '../../../test-support/migrate-harness';
import { AuditLog } from '../../audit/log';
import { runAndKill, runCli } from './cli-process';
import { MysqlDatabase } from './adapters/mysql';
import { readRejects } from './rejects';
import { verifyMigration } from './verify';

let db: MariaDb;
let fx: TfsFixture;
let dir: string;
let setupError: unknown;
const open = (name: string) => MysqlDatabase.open(db.url(name));

// A failed set-up (no mariadbd on this machine) must fail every test with its message — how to install
// MariaDB — rather than leave them reported as skipped.
beforeAll(async () => {
  try {
    db = await startMariaDb();
    fx = makeTfsFixture({ players: 300 });
    dir = mkdtempSync(join(tmpdir(), 'otbridge-mariadb-migrate-'));
    await loadTfsMariaDb(db, 'tfs', fx);
  } catch (e) {
    setupError = e;
  }
});
beforeEach(() => {
  if (setupError) throw setupError;
});

afterAll(async () => {
  await db?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// Several databases and child processes per test on a shared 2-core machine: generous limits, bounded all the same.
describe('TFS 1.4 → Canary on MariaDB', { timeout: 60_000 }, () => {
  it('migrates a TFS database into Canary: verification passes, rejects hold exactly the bad rows', async () => {
    await createCanaryMariaDb(db, 'canary');
    await seedNameClash(db, 'canary', fx);
    const source = await open('tfs');
    const target = await open('canary');
    const { summary } = await migrate(source, target, dir, 'full', { audit: AuditLog.open(join(dir, 'audit.ndjson')) }, fx);
    expect(summary.status).toBe('completed');
    expect(summary.unknownTables).toEqual(['znote_accounts']);

    const rejects = readRejects(summary.rejectsFile);
    expect(rejects.map((r) => `${r.table} ${r.kind} ${JSON.stringify(r.key)}`).sort()).toEqual(fx.bad.map((b) => `${b.table} ${b.kind} ${JSON.stringify(b.key)}`).sort());
    for (const b of fx.bad) expect(rejects.find((r) => r.table === b.table && JSON.stringify(r.key) === JSON.stringify(b.key))!.reasons.join('; ')).toMatch(b.reason);

    const report = await verifyMigration({ profile, source, target, run: { type: 'full', select: [], options: {}, now: fx.now }, rejectsPath: summary.rejectsFile });
    // The only difference: the player (and account) the target already had.
    expect(report.tables.filter((t) => !t.ok).map((t) => [t.source, t.extra, t.missing, t.different])).toEqual([
      ['accounts', ['{"id":900000}'], [], []],
      ['players', ['{"id":900000}'], [], []],
    ]);

    // Canary's guild trigger added three ranks per new guild; the run removed them, the source's ranks are the ones left.
    expect(await db.query('SELECT id, guild_id, name FROM guild_ranks ORDER BY id', [], 'canary')).toEqual(fx.tables.guild_ranks!.map((r) => ({ id: r.id, guild_id: r.guild_id, name: r.name })));
    expect(await db.query("SELECT value FROM server_config WHERE config = 'db_version'", [], 'canary')).toEqual([{ value: '58' }]);
    const [p2] = await db.query<{ n: number; name: string }[]>('SELECT LENGTH(conditions) n, name FROM players WHERE id = 2', [], 'canary');
    expect(p2).toEqual({ n: 65_535, name: 'Ærøskøbing' });
    const [big] = await db.query<{ experience: string }[]>('SELECT CAST(experience AS CHAR) experience FROM players WHERE id = 3', [], 'canary');
    expect(big!.experience).toBe(String(2n ** 62n + 12345n));
    await source.close();
    await target.close();
  });

  it('a run killed with SIGKILL mid-table resumes with --resume and ends equal to a clean run, without duplicates', async () => {
    await createCanaryMariaDb(db, 'canary_clean');
    await seedNameClash(db, 'canary_clean', fx);
    await createCanaryMariaDb(db, 'canary_kill');
    await seedNameClash(db, 'canary_kill', fx);
    const source = await open('tfs');
    const clean = await open('canary_clean');
    await migrate(source, clean, dir, 'clean', { batchSize: 25 }, fx);

    const args = [
      'migrate', 'data', '--profile', 'tfs-canary', '--from', db.url('tfs'), '--to', db.url('canary_kill'), '--batch-size', '25',
      '--checkpoint', join(dir, 'kill.checkpoint.json'), '--rejects', join(dir, 'kill.rejects.ndjson'),
      '--audit-log', join(dir, 'kill-audit.ndjson'), '--now', String(fx.now), '--json',
    ];
    const killedAt = await runAndKill(args, (e) => e.event === 'progress' && e.table === 'player_items' && Number(e.tableRowsDone) >= 300);
    expect(killedAt).toMatchObject({ table: 'player_items' });
    const cp = JSON.parse(readFileSync(join(dir, 'kill.checkpoint.json'), 'utf8')) as { run: { status: string; tables: Record<string, { status: string }> } };
    expect(cp.run.status).toBe('running');
    expect(cp.run.tables.player_items!.status).toBe('running');

    const code = await runCli([...args, '--resume']);
    expect(code).toBe(3); // completed, with the known rejects
    const target = await open('canary_kill');
    expect(await tableDigests(target)).toEqual(await tableDigests(clean));
    expect(readRejects(join(dir, 'kill.rejects.ndjson'))).toHaveLength(fx.bad.length);
    // The audit log tells the story: a start that never ended, then the resumed run.
    const kinds = (await AuditLog.open(join(dir, 'kill-audit.ndjson')).read()).map((e) => `${e.kind}:${(e.outcome as { status: string }).status}`);
    expect(kinds).toEqual(['migrate.data.start:running', 'migrate.data.start:running', 'migrate.data.end:completed']);
    for (const d of [source, clean, target]) await d.close();
  }, 120_000);

  it('incremental: after changes in the source only the new and changed rows move', async () => {
    await loadTfsMariaDb(db, 'tfs_inc', fx);
    await createCanaryMariaDb(db, 'canary_inc');
    const source = await open('tfs_inc');
    const target = await open('canary_inc');
    expect((await migrate(source, target, dir, 'inc', {}, fx)).summary.status).toBe('completed');

    await db.query('UPDATE players SET level = 777, lastlogout = ? WHERE id = 12', [fx.now + 50], 'tfs_inc');
    await db.query("INSERT INTO accounts (id, name, password, email) VALUES (500, 'acc500', 'p', 'a500@example.org')", [], 'tfs_inc');
    await db.query("INSERT INTO players (id, name, account_id) VALUES (600, 'Fresh', 500)", [], 'tfs_inc');
    await db.query("INSERT INTO guilds (id, name, ownerid, creationdata) VALUES (6, 'Newcomers', 600, 1)", [], 'tfs_inc');
    await db.query("INSERT INTO guild_ranks (id, guild_id, name, level) VALUES (16, 6, 'Boss', 3)", [], 'tfs_inc');

    const { summary } = await migrate(source, target, dir, 'inc', { type: 'incremental' }, fx);
    expect(summary.status).toBe('completed');
    const read = Object.fromEntries(summary.tables.map((t) => [t.source, t.read]));
    const newest = Math.max(...fx.tables.players!.map((p) => Number(p.lastlogout)));
    const boundary = fx.tables.players!.filter((p) => Number(p.lastlogout) === newest).length;
    expect(read).toMatchObject({ accounts: 1, players: 2 + boundary, guilds: 1, guild_ranks: 1, market_offers: 0 });
    expect(await db.query('SELECT level FROM players WHERE id = 12', [], 'canary_inc')).toEqual([{ level: 777 }]);
    expect(await db.query('SELECT id, name FROM guild_ranks WHERE guild_id = 6', [], 'canary_inc')).toEqual([{ id: 16, name: 'Boss' }]);
    const report = await verifyMigration({ profile, source, target, run: { type: 'incremental', select: [], options: {}, now: fx.now }, rejectsPath: summary.rejectsFile });
    expect(report.tables.filter((t) => !t.ok)).toEqual([]);
    await source.close();
    await target.close();
  });

  it('selective: one guild, its ranks, members, their accounts and belongings — nothing else', async () => {
    await createCanaryMariaDb(db, 'canary_guild');
    const source = await open('tfs');
    const target = await open('canary_guild');
    const { summary } = await migrate(source, target, dir, 'guild', { select: ['guild=2'] }, fx);
    expect(summary).toMatchObject({ status: 'completed', rejected: 0 });
    const members = fx.tables.guild_membership!.filter((m) => m.guild_id === 2).map((m) => m.player_id);
    expect((await db.query<{ id: number }[]>('SELECT id FROM players ORDER BY id', [], 'canary_guild')).map((r) => r.id)).toEqual(members);
    expect(await db.query('SELECT id FROM guilds', [], 'canary_guild')).toEqual([{ id: 2 }]);
    expect((await db.query<{ id: number }[]>('SELECT id FROM guild_ranks ORDER BY id', [], 'canary_guild')).map((r) => r.id)).toEqual([4, 5, 6]);
    expect(await db.query('SELECT COUNT(*) n FROM houses', [], 'canary_guild')).toEqual([{ n: 0 }]);
    const report = await verifyMigration({ profile, source, target, run: { type: 'selective', select: ['guild=2'], options: {}, now: fx.now } });
    expect(report).toMatchObject({ ok: true, scope: 'selected' });
    await source.close();
    await target.close();
  });

  it('survives the target connection being killed mid-run: reconnects and retries the batch', async () => {
    await createCanaryMariaDb(db, 'canary_lost');
    const source = await open('tfs');
    const target = await open('canary_lost');
    let killed = 0;
    const { DataMigration } = await import('./runner');
    const m = new DataMigration({
      profile, source, target, sourceLabel: 'tfs', targetLabel: 'lost', now: fx.now, batchSize: 50, retryBaseMs: 10,
      checkpointPath: join(dir, 'lost.json'), rejectsPath: join(dir, 'lost.ndjson'), select: ['tables=accounts,players'],
    });
    m.on('progress', (e) => {
      if (e.table === 'players' && killed === 0) {
        killed = -1;
        void db.query<{ ID: number }[]>("SELECT ID FROM information_schema.PROCESSLIST WHERE DB = 'canary_lost'").then(async (rows) => {
          for (const r of rows) await db.query(`KILL CONNECTION ${Number(r.ID)}`).catch(() => {});
          killed = rows.length;
        });
      }
    });
    const summary = await m.run();
    expect(killed).toBeGreaterThan(0);
    expect(summary.status).toBe('completed');
    expect(await db.query('SELECT COUNT(*) n FROM players', [], 'canary_lost')).toEqual([{ n: 298 }]);
    await source.close();
    await target.close();
  });
});
