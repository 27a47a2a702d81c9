/**
 * The migration wizard's services against a real MariaDB (a private server
 * for this file, test-support/mariadb.ts): connection tests with the reasons
 * a server gives, and a run from a TFS-shaped SQLite file into a Canary
 * database, verified.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ConsoleServices } from '../services';
import { migrationsModule } from './migrations';
import type * as M from '../../../src-shared/ipc/migrate';
import { startMariaDb, type MariaDb } from '../../../test-support/mariadb';
import { createCanaryMariaDb, loadTfsMariaDb } from '../../../test-support/migrate-fixtures';
import { makeWorkspace, type Workspace } from '../../../test-support/migrate-harness';
import { waitFor } from '../../../test-support/up-harness';

let db: MariaDb;
let ws: Workspace;
let services: ConsoleServices;
const done: M.MigrationDone[] = [];
let setupError: unknown;

// Without mariadbd every test fails with how to install it, rather than being skipped.
beforeAll(async () => {
  try {
    ws = makeWorkspace();
    db = await startMariaDb();
    await loadTfsMariaDb(db, 'tfs', ws.fx);
    await createCanaryMariaDb(db, 'canary');
    services = new ConsoleServices({ shell: 'cli', demo: false }, [migrationsModule({ workDir: join(ws.dir, 'work'), auditPath: join(ws.dir, 'audit.ndjson') })]);
    await services.start();
    services.connect((channel, payload) => channel === 'migrate.done' && done.push(payload as M.MigrationDone));
  } catch (e) {
    setupError = e;
  }
});
beforeEach(() => {
  if (setupError) throw setupError;
});
afterAll(async () => {
  await services?.close();
  await db?.stop();
  ws?.remove();
});

const call = <T>(channel: string, params?: unknown): Promise<T> => services.handle(channel, params) as Promise<T>;
const mysql = (database: string, password = ''): M.MigrationEndpoint => ({ kind: 'mysql', url: db.url(database).replace('root@', `root${password ? `:${password}` : ''}@`) });

describe('MariaDB from the console', () => {
  it('testConnection: tables and db_version of TFS and Canary databases; a missing database, by name', async () => {
    const tfs = await call<M.ConnectionTest>('migrate.testConnection', { endpoint: mysql('tfs', 'anything'), role: 'source' });
    expect(tfs).toMatchObject({ ok: true, kind: 'mysql', label: `mysql://root:***@127.0.0.1:${db.port}/tfs`, dbVersion: '29' });
    expect(tfs.ok && tfs.tables).toEqual(expect.arrayContaining(['players', 'znote_accounts']));
    expect(await call('migrate.testConnection', { endpoint: mysql('canary'), role: 'target' })).toMatchObject({ ok: true, dbVersion: '58' });
    expect(await call('migrate.testConnection', { endpoint: { kind: 'mysql', url: `mysql://root@localhost/canary?socket=${encodeURIComponent(db.socket)}` }, role: 'target' })).toMatchObject({ ok: true, dbVersion: '58' });
    expect(await call('migrate.testConnection', { endpoint: mysql('nope'), role: 'target' })).toMatchObject({ ok: false, problem: 'NO_DATABASE', reason: expect.stringMatching(/has no database 'nope'/) });
    expect(await call('migrate.testConnection', { endpoint: { kind: 'mysql', url: 'mysql://root@localhost/x?socket=/nonexistent/mysqld.sock' }, role: 'source' })).toMatchObject({ ok: false, problem: 'NOT_FOUND' });
  });

  it('plans and runs SQLite → MariaDB; the run is verified; the same database as source and target is refused', async () => {
    const request = { profile: 'tfs-canary', source: { kind: 'sqlite', path: ws.sourcePath }, target: mysql('canary', 's3cret') };
    const plan = await call<M.MigrationPlan>('migrate.plan', request);
    expect(plan).toMatchObject({ errors: [], target: `mysql://root:***@127.0.0.1:${db.port}/canary` });
    const { runId } = await call<M.MigrationStarted>('migrate.start', { ...request, dryRun: false, batchSize: 200 });
    await waitFor(() => done.some((d) => d.runId === runId), 60_000, 'the run');
    const end = done.find((d) => d.runId === runId)!;
    expect(end).toMatchObject({ state: 'completed', verification: { ok: true } });
    expect(end.summary!.rejected).toBe(ws.fx.bad.filter((b) => b.kind !== 'refused').length);
    expect(JSON.stringify(await call('migrate.status', { runId }))).not.toContain('s3cret');
    // Same server and database, another password: still the same database.
    await expect(call('migrate.plan', { ...request, source: mysql('canary', 'other') })).rejects.toMatchObject({ code: 'SAME_DATABASE' });
  }, 120_000);
});
