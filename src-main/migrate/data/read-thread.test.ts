/**
 * The reader thread against the inline reader: the same TFS data set (bad
 * rows of every kind, 64-bit values, UTF-8 names, blobs) must give the same
 * target, rejects, checkpoint and events either way; cancel and resume work
 * with a thread in the middle of reading ahead; small tables and non-SQLite
 * sources read inline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeWorkspace, migrate, migrationOptions, openSqlite, profile, tableDigests, type Workspace } from '../../../test-support/migrate-harness';
import Database from 'better-sqlite3';
import { SqliteDatabase } from './adapters/sqlite';
import { DataMigration } from './runner';
import { parseProfile } from './profile';
import { availableParallelism } from 'node:os';
import { readRejects } from './rejects';
import { readInThread, readerEntry, ReaderThreadError } from './read-thread';
import { isTransient } from './adapters/types';

/** Every table starts a thread, which loads the TypeScript sources through tsx (up to ~1 s each on a busy machine; the built bundle starts far faster). */
const THREADED_RUN_MS = 120_000;

let ws: Workspace;
beforeAll(() => {
  ws = makeWorkspace({ players: 600 });
});
afterAll(() => ws.remove());

const progressOf = (path: string) => {
  const cp = JSON.parse(readFileSync(path, 'utf8')) as { run: { status: string; tables: Record<string, unknown> } };
  return { status: cp.run.status, tables: cp.run.tables };
};

describe('reader thread', () => {
  it('is found from the sources (tsx registered inside the thread)', () => {
    expect(readerEntry()).toMatchObject({ script: expect.stringContaining('read-thread-main.ts') });
  });

  it('gives the same target, rejects, checkpoint and events as reading inline', async () => {
    const source = openSqlite(ws.sourcePath, true);
    const results = [];
    for (const reader of ['inline', 'thread'] as const) {
      const target = openSqlite(ws.newTarget(`same-${reader}`));
      const events: string[] = [];
      // Batches that end mid-way through the tables, so some end on a reject.
      const m = new DataMigration(migrationOptions(source, target, ws.dir, `same-${reader}`, { batchSize: 37, reader }, ws.fx));
      m.on('progress', (p) => events.push(`progress ${p.table} ${p.tableRowsDone} ${p.rowsDone} ${p.rejected}`));
      m.on('reject', (r) => events.push(`reject ${r.table} ${JSON.stringify(r.key)}`));
      m.on('table-start', (t) => events.push(`start ${t.source} ${t.estimate}`));
      m.on('table-end', (t) => events.push(`end ${t.source} ${t.read} ${t.written} ${t.rejected}`));
      const summary = await m.run();
      expect(summary.status).toBe('completed');
      results.push({
        summary: { read: summary.read, written: summary.written, rejected: summary.rejected, warnings: summary.warnings },
        digests: await tableDigests(target),
        rejects: readRejects(summary.rejectsFile),
        checkpoint: progressOf(summary.checkpointFile),
        events,
      });
      await target.close();
    }
    const [inline, thread] = results;
    expect(thread!.summary).toEqual(inline!.summary);
    expect(thread!.digests).toEqual(inline!.digests);
    // In the same order, record for record (rejects come from both halves: the reader's invalid/duplicate, the writer's refused).
    expect(thread!.rejects).toEqual(inline!.rejects);
    expect(thread!.rejects).toHaveLength(ws.fx.bad.length);
    expect(thread!.checkpoint).toEqual(inline!.checkpoint);
    expect(thread!.events).toEqual(inline!.events);
    expect(thread!.events.filter((e) => e.startsWith('reject'))).toHaveLength(ws.fx.bad.length);
    await source.close();
  }, THREADED_RUN_MS);

  it('cancel mid-table stops the thread; --resume (with a thread again) ends equal to a clean run', async () => {
    const source = openSqlite(ws.sourcePath, true);
    const clean = openSqlite(ws.newTarget('t-clean'));
    await migrate(source, clean, ws.dir, 't-clean', { batchSize: 20, reader: 'inline' }, ws.fx);

    const target = openSqlite(ws.newTarget('t-cancel'));
    const opts = migrationOptions(source, target, ws.dir, 't-cancel', { batchSize: 20, reader: 'thread' }, ws.fx);
    const before = target.db.prepare('SELECT COUNT(*) FROM players').pluck().get() as number;
    const m = new DataMigration(opts);
    m.on('progress', (p) => {
      if (p.table === 'players' && p.tableRowsDone >= 100) m.cancel();
    });
    const s1 = await m.run();
    expect(s1.status).toBe('cancelled');
    // The checkpoint holds exactly what the target committed, not what the thread had read ahead.
    const cp = progressOf(opts.checkpointPath);
    const players = cp.tables.players as { read: number; written: number; status: string };
    expect(players.status).toBe('running');
    expect(target.db.prepare('SELECT COUNT(*) FROM players').pluck().get()).toBe(before + players.written);
    expect(players.read).toBeLessThan(ws.fx.tables.players!.length);

    const s2 = await new DataMigration({ ...opts, resume: true }).run();
    expect(s2.status).toBe('completed');
    expect(await tableDigests(target)).toEqual(await tableDigests(clean));
    expect(readRejects(opts.rejectsPath)).toHaveLength(ws.fx.bad.length);
    for (const d of [source, clean, target]) await d.close();
  }, THREADED_RUN_MS);

  it('reads small tables inline under auto, and a source without a file inline even when a thread is asked for', async () => {
    const source = openSqlite(ws.sourcePath, true);
    const target = openSqlite(ws.newTarget('auto'));
    const { summary } = await migrate(source, target, ws.dir, 'auto', { select: ['tables=accounts'] }, ws.fx);
    expect(summary.status).toBe('completed');
    expect(summary.warnings.join('\n')).not.toMatch(/reader thread/);

    // A SQLite database in memory (as NDJSON and MySQL sources) has no file a thread could open.
    const memory = new SqliteDatabase(new Database(source.db.serialize()), ':memory:');
    const target2 = openSqlite(ws.newTarget('from-memory'));
    const { summary: s2 } = await migrate(memory, target2, ws.dir, 'from-memory', { select: ['tables=accounts'], reader: 'thread' }, ws.fx);
    expect(s2.status).toBe('completed');
    expect(s2.warnings.join('\n')).toMatch(/reading inline, not in a reader thread: the source is not a SQLite file/);
    for (const d of [source, target, memory, target2]) await d.close();
  });

  it('auto reads a SQLite table of 20 000 rows or more in a thread, and says so at its start', async () => {
    const path = join(ws.dir, 'big.db');
    const db = new Database(path);
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL, s TEXT)');
    const insert = db.prepare('INSERT INTO t VALUES (?, ?, ?)');
    db.transaction(() => {
      for (let i = 1; i <= 20_000; i++) insert.run(i, i * 3, i % 7 ? `row ${i}` : null);
    })();
    db.close();
    const small = parseProfile({
      name: 'big',
      source: { name: 'a' },
      target: { name: 'b' },
      tables: [{ source: 't', target: 't', key: ['id'], columns: { id: 'int', v: { type: 'int', max: 59_997 }, s: { type: 'text', nullable: true } } }],
    });
    const results: Record<string, { readers: string[]; rows: unknown[]; rejected: number }> = {};
    for (const reader of ['auto', 'inline'] as const) {
      const targetPath = join(ws.dir, `big-${reader}.db`);
      const t = new Database(targetPath);
      t.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL, s TEXT)');
      t.close();
      const source = SqliteDatabase.open(path, { readonly: true });
      const target = SqliteDatabase.open(targetPath);
      const readers: string[] = [];
      const m = new DataMigration({
        profile: small,
        source,
        target,
        sourceLabel: 'big',
        targetLabel: reader,
        checkpointPath: join(ws.dir, `big-${reader}.json`),
        rejectsPath: join(ws.dir, `big-${reader}.ndjson`),
        ...(reader === 'inline' ? { reader } : {}),
      });
      m.on('table-start', (e) => readers.push(e.reader));
      const summary = await m.run();
      expect(summary.status).toBe('completed');
      results[reader] = { readers, rows: target.db.prepare('SELECT * FROM t ORDER BY id').raw(true).all(), rejected: summary.rejected };
      await source.close();
      await target.close();
    }
    expect(results.auto!.readers).toEqual([availableParallelism() > 1 ? 'thread' : 'inline']);
    expect(results.inline!.readers).toEqual(['inline']);
    // v = 3 × id is over the maximum from id 20 000 on: one reject, the rest written alike.
    expect(results.auto!.rejected).toBe(1);
    expect(results.auto!.rows).toHaveLength(19_999);
    expect(results.auto!.rows).toEqual(results.inline!.rows);
  }, THREADED_RUN_MS);

  it('reports a source the thread cannot open as an error, not a hang', async () => {
    const batches = readInThread({
      sourcePath: join(ws.dir, 'no-such.db'),
      read: { spec: profile.tables[0]!, select: ['id'], order: ['id'], where: [], batchSize: 10 },
      ctx: { now: 0, options: {} },
      ahead: 2,
    });
    const err = await (async () => {
      for await (const _ of batches) void _;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReaderThreadError);
    expect((err as Error).message).toMatch(/unable to open|no such|does not exist|directory/i);
    expect(isTransient(err)).toBe(false);
  });

  it('keeps the code of a failure, so a busy source is retried like inline', () => {
    expect(isTransient(new ReaderThreadError('database is locked', 'SQLITE_BUSY'))).toBe(true);
    expect(isTransient(new ReaderThreadError('no such column', 'SQLITE_ERROR'))).toBe(false);
  });

  it('refuses to carry a row predicate (a function) across threads', async () => {
    const it = readInThread({
      sourcePath: ws.sourcePath,
      read: { spec: profile.tables[0]!, select: ['id'], order: ['id'], where: [], batchSize: 10, predicate: () => true },
      ctx: { now: 0, options: {} },
      ahead: 1,
    });
    await expect(it.next()).rejects.toThrow(/predicate cannot cross/);
  });
});
