/**
 * Crash safety on SQLite, where the target runs in WAL mode with
 * synchronous=NORMAL for speed: a run killed with SIGKILL in the middle of
 * its work (possibly inside a write transaction) resumes with --resume and
 * ends exactly equal to a clean run — no row lost, none twice, each reject
 * recorded once. The same scenario against MariaDB is in mariadb.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeWorkspace, migrate, openSqlite, tableDigests, type Workspace } from '../../../test-support/migrate-harness';
import { AuditLog } from '../../audit/log';
import { runAndKill, runCli } from './cli-process';
import { readRejects } from './rejects';

let ws: Workspace;
beforeAll(() => {
  // Enough rows that the run is still busy when the kill arrives.
  ws = makeWorkspace({ players: 2000 });
});
afterAll(() => ws.remove());

describe('SQLite target, WAL + synchronous=NORMAL', () => {
  // Inline, and with a reader thread that has read ahead of what is committed when the kill comes.
  it.each(['inline', 'thread'])('a run killed with SIGKILL resumes with --resume and ends equal to a clean run, without duplicates (reader %s)', async (reader) => {
    const source = openSqlite(ws.sourcePath, true);
    const clean = openSqlite(ws.newTarget(`clean-${reader}`));
    await migrate(source, clean, ws.dir, `clean-${reader}`, { batchSize: 25 }, ws.fx);

    const killedPath = ws.newTarget(`killed-${reader}`);
    const args = [
      'migrate', 'data', '--profile', 'tfs-canary', '--from', ws.sourcePath, '--to', killedPath, '--batch-size', '25', '--reader', reader,
      '--checkpoint', join(ws.dir, `kill-${reader}.checkpoint.json`), '--rejects', join(ws.dir, `kill-${reader}.rejects.ndjson`),
      '--audit-log', join(ws.dir, `kill-${reader}-audit.ndjson`), '--now', String(ws.fx.now), '--json',
    ];
    const killedAt = await runAndKill(args, (e) => e.event === 'progress' && e.table === 'players' && Number(e.tableRowsDone) >= 200);
    expect(killedAt).toMatchObject({ table: 'players' });
    const cp = JSON.parse(readFileSync(join(ws.dir, `kill-${reader}.checkpoint.json`), 'utf8')) as { run: { status: string; tables: Record<string, { read: number }> } };
    expect(cp.run.status).toBe('running');
    const partial = new Database(killedPath, { readonly: true });
    const playersAtKill = partial.prepare('SELECT COUNT(*) FROM players').pluck().get() as number;
    partial.close();
    // Killed part-way: the target holds some players, not all of them.
    expect(playersAtKill).toBeGreaterThan(0);
    expect(playersAtKill).toBeLessThan(ws.fx.tables.players!.length);

    expect(await runCli([...args, '--resume'])).toBe(3); // completed, with the known rejects
    const target = openSqlite(killedPath);
    expect(await tableDigests(target)).toEqual(await tableDigests(clean));
    expect(readRejects(join(ws.dir, `kill-${reader}.rejects.ndjson`))).toHaveLength(ws.fx.bad.length);
    const kinds = (await AuditLog.open(join(ws.dir, `kill-${reader}-audit.ndjson`)).read()).map((e) => `${e.kind}:${(e.outcome as { status: string }).status}`);
    expect(kinds).toEqual(['migrate.data.start:running', 'migrate.data.start:running', 'migrate.data.end:completed']);
    for (const d of [source, clean, target]) await d.close();
  }, 120_000);
});
