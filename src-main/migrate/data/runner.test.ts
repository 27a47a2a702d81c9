/**
 * The engine end to end on SQLite (fast, no server): the built-in TFS →
 * Canary profile over a generated TFS data set. The same scenarios run
 * against a real MariaDB in test-support/migrate-mariadb.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuditLog } from '../../audit/log';
import { DataMigration, MigrationError, TransientError, readRejects, verifyMigration, type Target, type WriteBatch } from './index';

import { makeWorkspace, migrate, migrationOptions, openSqlite, profile, tableDigests, type Workspace } from '../../../test-support/migrate-harness';

let ws: Workspace;
beforeAll(() => {
  ws = makeWorkspace();
});
afterAll(() => ws.remove());

const run = { type: 'full' as const, select: [], options: {} };

describe('TFS 1.4 → Canary on SQLite', () => {
  it('migrates everything, rejects exactly the bad rows with their reasons, and verifies', async () => {
    const audit = AuditLog.open(join(ws.dir, 'audit.ndjson'));
    const source = openSqlite(ws.sourcePath, true);
    const target = openSqlite(ws.newTarget('full'));
    const { summary } = await migrate(source, target, ws.dir, 'full', { audit, actor: 'tester' }, ws.fx);
    expect(summary.status).toBe('completed');
    expect(summary.unknownTables).toEqual(['znote_accounts']);
    const warnings = summary.warnings;
    expect(warnings.join('\n')).toMatch(/NOT migrated: znote_accounts/);
    expect(warnings.join('\n')).toMatch(/account_storage is not migrated: Canary has no account_storage/);
    expect(warnings.join('\n')).toMatch(/db_version set to 58 \(was 58\)/);
    expect(warnings.join('\n')).not.toMatch(/secret|direction/);

    const rejects = readRejects(summary.rejectsFile);
    const got = rejects.map((r) => `${r.table} ${r.kind} ${JSON.stringify(r.key)}`).sort();
    const want = ws.fx.bad.map((b) => `${b.table} ${b.kind} ${JSON.stringify(b.key)}`).sort();
    expect(got).toEqual(want);
    for (const b of ws.fx.bad) {
      const r = rejects.find((x) => x.table === b.table && JSON.stringify(x.key) === JSON.stringify(b.key))!;
      expect(r.reasons.join('; ')).toMatch(b.reason);
      expect(Object.keys(r.row).length).toBeGreaterThan(1);
    }
    expect(summary.rejected).toBe(ws.fx.bad.length);
    // Every source row was read, except the ignored tables and server_config's db_version (filtered: the run sets its own).
    const ignored = ['players_online', 'account_storage', 'player_storeinboxitems'];
    expect(summary.read).toBe(Object.entries(ws.fx.tables).filter(([t]) => !ignored.includes(t)).reduce((s, [, rows]) => s + rows.length, 0) - 1);

    // The target's own player (the name clash) is the only difference, listed by key.
    const report = await verifyMigration({ profile, source, target, run: { ...run, now: ws.fx.now }, rejectsPath: summary.rejectsFile });
    expect(report.tables.filter((t) => !t.ok).map((t) => [t.source, t.extra, t.missing, t.different])).toEqual([
      ['accounts', ['{"id":900000}'], [], []],
      ['players', ['{"id":900000}'], [], []],
    ]);

    const db = target.db;
    const acc = (id: number) => db.prepare('SELECT * FROM accounts WHERE id = ?').get(id) as Record<string, unknown>;
    expect(acc(3)).toMatchObject({ premdays: 10, lastday: ws.fx.now + 10 * 86400 + 5 });
    expect(acc(4)).toMatchObject({ premdays: 0, lastday: 0 });
    const p = (id: number) => db.prepare('SELECT * FROM players WHERE id = ?').safeIntegers(true).get(id) as Record<string, unknown>;
    expect(p(4).conditions).toEqual(Buffer.alloc(0));
    expect(p(3).experience).toBe(2n ** 62n + 12345n);
    expect(p(4).balance).toBe(9223372036854775807n);
    expect(p(1).name).toBe('Łukasz Żółć');
    const tfs1 = ws.fx.tables.players![0]!;
    for (let i = 1; i <= 8; i++) expect(Number(p(1)[`blessings${i}`])).toBe((Number(tfs1.blessings) >> (i - 1)) & 1);
    expect((db.prepare('SELECT length(attributes) n FROM player_items WHERE player_id = 6 AND sid = 101').get() as { n: number }).n).toBe(65535);
    expect(db.prepare("SELECT value FROM server_config WHERE config = 'db_version'").pluck().get()).toBe('58');
    expect(db.prepare("SELECT value FROM server_config WHERE config = 'players_record'").pluck().get()).toBe('271');
    expect(db.prepare('SELECT date FROM guild_invites LIMIT 1').pluck().get()).toBe(ws.fx.now);

    const entries = await audit.read({ kind: 'migrate.data' });
    expect(entries.map((e) => e.kind)).toEqual(['migrate.data.start', 'migrate.data.end']);
    expect(entries[1]).toMatchObject({ actor: 'tester', params: { profile: 'tfs-canary', type: 'full', dryRun: false }, outcome: { status: 'completed', rejected: ws.fx.bad.length } });
    expect((await audit.verify()).ok).toBe(true);
    await source.close();
    await target.close();
  });

  it('a dry run reads, transforms and validates everything and writes nothing', async () => {
    const source = openSqlite(ws.sourcePath, true);
    const targetPath = ws.newTarget('dry', { clash: false });
    const target = openSqlite(targetPath);
    const { summary } = await migrate(source, target, ws.dir, 'dry', { dryRun: true }, ws.fx);
    expect(summary).toMatchObject({ status: 'completed', dryRun: true });
    expect(summary.written).toBe(summary.read - summary.rejected);
    expect(readRejects(summary.rejectsFile).map((r) => r.kind).sort()).toEqual(ws.fx.bad.filter((b) => b.kind !== 'refused').map((b) => b.kind).sort());
    expect(target.db.prepare('SELECT COUNT(*) FROM players').pluck().get()).toBe(0);
    expect(target.db.prepare("SELECT value FROM server_config WHERE config = 'db_version'").pluck().get()).toBe('58');
    expect(existsSync(summary.checkpointFile)).toBe(false);
    await source.close();
    await target.close();
  });

  it('fills a placeholder email when asked, instead of rejecting the account', async () => {
    const source = openSqlite(ws.sourcePath, true);
    const target = openSqlite(ws.newTarget('placeholder'));
    const { summary } = await migrate(source, target, ws.dir, 'placeholder', { options: { emptyEmail: 'placeholder' }, select: ['tables=accounts'] }, ws.fx);
    expect(summary.status).toBe('completed');
    for (const id of ws.fx.emptyEmailAccounts) expect(target.db.prepare('SELECT email FROM accounts WHERE id = ?').pluck().get(id)).toBe(`account-${id}@invalid.invalid`);
    expect(readRejects(summary.rejectsFile).map((r) => r.key)).toEqual([{ id: ws.fx.bad.find((b) => b.table === 'accounts' && /type/.test(String(b.reason)))!.key.id }]);
    await source.close();
    await target.close();
  });
});

describe('cancel and resume', () => {
  it('cancel stops after a batch; --resume finishes; the target equals a clean run', async () => {
    const source = openSqlite(ws.sourcePath, true);
    const clean = openSqlite(ws.newTarget('c-clean'));
    const { summary: cleanSummary } = await migrate(source, clean, ws.dir, 'c-clean', { batchSize: 40 }, ws.fx);

    const target = openSqlite(ws.newTarget('c-resume'));
    const opts = migrationOptions(source, target, ws.dir, 'c-resume', { batchSize: 40 }, ws.fx);
    const m = new DataMigration(opts);
    m.on('progress', (e) => {
      if (e.table === 'player_items' && e.tableRowsDone >= 400) m.cancel();
    });
    const s1 = await m.run();
    expect(s1.status).toBe('cancelled');
    const cp = JSON.parse(readFileSync(opts.checkpointPath, 'utf8')) as { run: { status: string; tables: Record<string, { status: string; read: number }> } };
    expect(cp.run.status).toBe('cancelled');
    expect(cp.run.tables.players!.status).toBe('done');
    expect(cp.run.tables.player_items!.status).toBe('running');

    await expect(new DataMigration(opts).run()).rejects.toThrow(/unfinished run .*--resume/);
    const s2 = await new DataMigration({ ...opts, resume: true }).run();
    expect(s2.status).toBe('completed');
    expect(s2.read).toBe(cleanSummary.read);
    expect(s2.written).toBe(cleanSummary.written);
    expect(readRejects(opts.rejectsPath)).toHaveLength(ws.fx.bad.length);
    expect(await tableDigests(target)).toEqual(await tableDigests(clean));
    await expect(new DataMigration({ ...opts, resume: true }).run()).rejects.toThrow(/nothing to resume/);
    for (const d of [source, clean, target]) await d.close();
  });

  it('pause holds the run between batches until resume()', async () => {
    const source = openSqlite(ws.sourcePath, true);
    const target = openSqlite(ws.newTarget('pause'));
    const m = new DataMigration({ profile, source, target, sourceLabel: 's', targetLabel: 'pause', checkpointPath: join(ws.dir, 'p.json'), rejectsPath: join(ws.dir, 'p.ndjson'), batchSize: 100 });
    let events = 0;
    m.on('progress', () => {
      events++;
      if (events === 1) m.pause();
    });
    const done = m.run();
    await new Promise((r) => setTimeout(r, 200));
    expect(m.paused).toBe(true);
    expect(events).toBe(1);
    m.resume();
    expect((await done).status).toBe('completed');
    expect(events).toBeGreaterThan(1);
    await source.close();
    await target.close();
  });
  it('lets timers and sockets run between batches, though SQLite works synchronously, so pause gets in mid-run', async () => {
    const source = openSqlite(ws.sourcePath, true);
    const target = openSqlite(ws.newTarget('yield'));
    // One-row batches: a run of many batches, each a synchronous SQLite transaction.
    const m = new DataMigration({ profile, source, target, sourceLabel: 's', targetLabel: 'yield', checkpointPath: join(ws.dir, 'y.json'), rejectsPath: join(ws.dir, 'y.ndjson'), batchSize: 1 });
    let ticks = 0;
    let readAtPause = -1;
    const timer = setInterval(() => {
      ticks++;
      // A pause asked from a timer (as the console's pause button arrives: from a socket) stops the run between batches.
      if (ticks === 3) m.pause();
    }, 5);
    let lastRead = 0;
    m.on('progress', (p) => (lastRead = p.rowsDone));
    const done = m.run();
    for (let i = 0; i < 400 && !m.paused; i++) await new Promise((r) => setTimeout(r, 5));
    try {
      expect(m.paused).toBe(true);
      readAtPause = lastRead;
      await new Promise((r) => setTimeout(r, 100));
      // Held: nothing read while paused.
      expect(lastRead).toBe(readAtPause);
      m.resume();
      const s = await done;
      expect(s.status).toBe('completed');
      expect(s.read).toBeGreaterThan(readAtPause);
      expect(ticks).toBeGreaterThan(3);
    } finally {
      clearInterval(timer);
      if (m.paused) m.resume();
      await done.catch(() => undefined);
      await source.close();
      await target.close();
    }
  });
});

describe('incremental and selective runs', () => {
  it('an incremental run moves only new and changed rows (and the changed players\' items)', async () => {
    const srcPath = join(ws.dir, 'tfs-inc.db');
    const src = new Database(ws.sourcePath);
    await src.backup(srcPath);
    src.close();
    const source = openSqlite(srcPath);
    const target = openSqlite(ws.newTarget('inc', { clash: false }));
    const first = await migrate(source, target, ws.dir, 'inc', { type: 'full' }, ws.fx);
    expect(first.summary.status).toBe('completed');
    const cp = JSON.parse(readFileSync(first.summary.checkpointFile, 'utf8')) as { watermarks: Record<string, Record<string, unknown>> };
    expect(cp.watermarks.players).toEqual({ lastlogout: expect.any(Number), id: 300 });
    expect(cp.watermarks.accounts).toEqual({ id: 154 });

    const db = source.db;
    const later = ws.fx.now + 100;
    db.prepare('UPDATE players SET level = 999, lastlogout = ? WHERE id = 8').run(later);
    db.prepare("INSERT INTO accounts (id, name, password, email) VALUES (155, 'acc155', 'p', 'a155@example.org')").run();
    db.prepare("INSERT INTO players (id, name, account_id, conditions) VALUES (301, 'Newbie', 155, NULL)").run();
    db.prepare("INSERT INTO player_items (player_id, pid, sid, itemtype, count, attributes) VALUES (301, 1, 101, 2160, 1, x'')").run();
    db.prepare('DELETE FROM player_items WHERE player_id = 8 AND sid = 101').run();
    db.prepare("INSERT INTO player_storage (player_id, key, value) VALUES (8, 424242, 1)").run();

    const { summary } = await migrate(source, target, ws.dir, 'inc', { type: 'incremental' }, ws.fx);
    expect(summary.status).toBe('completed');
    const read = Object.fromEntries(summary.tables.map((t) => [t.source, t.read]));
    expect(read.accounts).toBe(1);
    // Changed (8), new (301), and those logged out in the same second as the last run's newest: 'updated' marks compare with ≥.
    const newest = Math.max(...ws.fx.tables.players!.map((p) => Number(p.lastlogout)));
    const boundary = ws.fx.tables.players!.filter((p) => Number(p.lastlogout) === newest).map((p) => p.id as number);
    expect(read.players).toBe(2 + boundary.length);
    const owned = (table: string, ids: number[]) => ws.fx.tables[table]!.filter((r) => ids.includes(r.player_id as number)).length;
    expect(read.player_items).toBe(owned('player_items', [8, ...boundary]) - 1 + 1);
    expect(read.player_storage).toBe(owned('player_storage', [8, ...boundary]) + 1);
    expect(read.guilds).toBe(0);
    // Tables without a change marker are copied whole, idempotently.
    expect(read.houses).toBe(20);
    const t = target.db;
    expect(t.prepare('SELECT level FROM players WHERE id = 8').pluck().get()).toBe(999);
    expect(t.prepare('SELECT name FROM players WHERE id = 301').pluck().get()).toBe('Newbie');
    // The item deleted in the source is gone from the target: a player's items are replaced whole.
    expect(t.prepare('SELECT COUNT(*) FROM player_items WHERE player_id = 8 AND sid = 101').pluck().get()).toBe(0);

    const report = await verifyMigration({ profile, source, target, run: { type: 'incremental', select: [], options: {}, now: ws.fx.now }, rejectsPath: summary.rejectsFile });
    // After an incremental run the target equals the whole source again (less the invalid rows).
    expect(report.tables.filter((x) => !x.ok)).toEqual([]);
    await source.close();
    await target.close();
  });

  it('a selective run moves one guild with its ranks, members, their accounts and belongings', async () => {
    const source = openSqlite(ws.sourcePath, true);
    const target = openSqlite(ws.newTarget('guild1', { clash: false }));
    const { summary } = await migrate(source, target, ws.dir, 'guild1', { select: ['guild=1'] }, ws.fx);
    expect(summary).toMatchObject({ status: 'completed', type: 'selective', rejected: 0 });
    const t = target.db;
    const members = ws.fx.tables.guild_membership!.filter((m) => m.guild_id === 1).map((m) => m.player_id as number).sort((a, b) => a - b);
    expect(t.prepare('SELECT id FROM guilds').pluck().all()).toEqual([1]);
    expect(t.prepare('SELECT id FROM players ORDER BY id').pluck().all()).toEqual(members);
    expect(t.prepare('SELECT COUNT(*) FROM guild_ranks').pluck().get()).toBe(3);
    const accounts = [...new Set(members.map((p) => ws.fx.tables.players!.find((x) => x.id === p)!.account_id as number))].sort((a, b) => a - b);
    expect(t.prepare('SELECT id FROM accounts ORDER BY id').pluck().all()).toEqual(accounts);
    expect(t.prepare('SELECT COUNT(*) FROM player_items').pluck().get()).toBe(ws.fx.tables.player_items!.filter((r) => members.includes(r.player_id as number)).length);
    expect(t.prepare('SELECT COUNT(*) FROM houses').pluck().get()).toBe(0);
    const report = await verifyMigration({ profile, source, target, run: { type: 'selective', select: ['guild=1'], options: {}, now: ws.fx.now } });
    expect(report).toMatchObject({ ok: true, scope: 'selected' });
    await source.close();
    await target.close();
  });

  it('rejects a bad selection before touching anything', async () => {
    const source = openSqlite(ws.sourcePath, true);
    const target = openSqlite(ws.newTarget('badsel', { clash: false }));
    await expect(migrate(source, target, ws.dir, 'badsel', { select: ['clan=1'] }, ws.fx)).rejects.toThrow(/no selector "clan"/);
    await expect(migrate(source, target, ws.dir, 'badsel', { select: ['guild=1;DROP'] }, ws.fx)).rejects.toThrow(/not an id/);
    await expect(migrate(source, target, ws.dir, 'badsel', { select: ['nosuch:1=1'] }, ws.fx)).rejects.toThrow(/not a table/);
    await expect(migrate(source, target, ws.dir, 'badsel', { select: ['guild=1'], type: 'full' }, ws.fx)).rejects.toThrow(/does not combine with a full run/);
    target.db.exec('DROP TABLE server_config');
    await expect(migrate(source, target, ws.dir, 'badsel', { select: ['tables=towns'] }, ws.fx)).rejects.toThrow(/no table server_config, where the run sets db_version = 58/);
    expect(target.db.prepare('SELECT COUNT(*) FROM towns').pluck().get()).toBe(0);
    expect(target.db.prepare('SELECT COUNT(*) FROM accounts').pluck().get()).toBe(0);
    await source.close();
    await target.close();
  });
});

/** A target that fails the first `failures` writes with a transient error. */
function flaky(inner: Target, failures: number): Target & { attempts: number } {
  let left = failures;
  const t = Object.create(inner) as Target & { attempts: number };
  t.attempts = 0;
  t.write = async (b: WriteBatch, ms: number) => {
    t.attempts++;
    if (left-- > 0) throw new TransientError('Connection lost: The server closed the connection.', 'PROTOCOL_CONNECTION_LOST');
    return inner.write(b, ms);
  };
  return t;
}

describe('failures', () => {
  it('retries a batch after transient errors, with backoff, and carries on', async () => {
    const source = openSqlite(ws.sourcePath, true);
    const inner = openSqlite(ws.newTarget('flaky', { clash: false }));
    const target = flaky(inner, 2);
    const { summary } = await migrate(source, target, ws.dir, 'flaky', { select: ['tables=accounts'], retryBaseMs: 1 }, ws.fx);
    expect(summary.status).toBe('completed');
    expect(summary.warnings.filter((w) => /retry \d\/3/.test(w))).toHaveLength(2);
    expect(inner.db.prepare('SELECT COUNT(*) FROM accounts').pluck().get()).toBe(151);
    await source.close();
    await inner.close();
  });

  it('fails after 3 retries, keeps the checkpoint, and --restart starts over', async () => {
    const source = openSqlite(ws.sourcePath, true);
    const inner = openSqlite(ws.newTarget('dead'));
    const { summary } = await migrate(source, flaky(inner, 100), ws.dir, 'dead', { select: ['tables=accounts'], retryBaseMs: 1 }, ws.fx);
    expect(summary).toMatchObject({ status: 'failed', error: expect.stringMatching(/Connection lost/) });
    await expect(migrate(source, inner, ws.dir, 'dead', { select: ['tables=accounts'] }, ws.fx)).rejects.toBeInstanceOf(MigrationError);
    const again = await migrate(source, inner, ws.dir, 'dead', { select: ['tables=accounts'], restart: true }, ws.fx);
    expect(again.summary.status).toBe('completed');
    await source.close();
    await inner.close();
  });

  it('verification names rows changed, removed or added in the target afterwards', async () => {
    const source = openSqlite(ws.sourcePath, true);
    const target = openSqlite(ws.newTarget('tamper', { clash: false }));
    const { summary } = await migrate(source, target, ws.dir, 'tamper', {}, ws.fx);
    target.db.prepare('UPDATE players SET level = level + 1 WHERE id = 5').run();
    target.db.prepare('DELETE FROM player_storage WHERE player_id = 9 AND key = (SELECT MIN(key) FROM player_storage WHERE player_id = 9)').run();
    target.db.prepare("INSERT INTO towns (id, name) VALUES (77, 'Atlantis')").run();
    const report = await verifyMigration({ profile, source, target, run: { ...run, now: ws.fx.now }, rejectsPath: summary.rejectsFile });
    expect(report.ok).toBe(false);
    const by = Object.fromEntries(report.tables.filter((t) => !t.ok).map((t) => [t.source, t]));
    expect(Object.keys(by).sort()).toEqual(['player_storage', 'players', 'towns']);
    expect(by.players).toMatchObject({ different: ['{"id":5}'], missing: [], extra: [] });
    expect(by.player_storage!.missing).toHaveLength(1);
    expect(by.player_storage!.expectedRows - by.player_storage!.targetRows).toBe(1);
    expect(by.towns).toMatchObject({ extra: ['{"id":77}'], targetRows: 6, expectedRows: 5 });
    await source.close();
    await target.close();
  });
});
