/**
 * Shared set-up for the data migration tests: a temp folder with a TFS
 * shaped SQLite source and empty Canary shaped targets, and helpers to run
 * the built-in profile and compare whole target tables.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataMigration, SqliteDatabase, rowHash, type MigrationOptions, type Source, type Target } from '../src-main/migrate/data/index';
import { loadProfile } from '../src-main/migrate/profiles/index';
import { createSchemaSqlite, loadTfsSqlite, makeTfsFixture, seedNameClashSqlite, type TfsFixture } from './migrate-fixtures';
import { CANARY_TABLES } from './migrate-schemas';

export const profile = loadProfile('tfs-canary');

export interface Workspace {
  readonly dir: string;
  readonly fx: TfsFixture;
  readonly sourcePath: string;
  /** A new empty Canary SQLite file (with the name clash seeded unless told not to). */
  newTarget(name: string, opts?: { clash?: boolean }): string;
  remove(): void;
}

export function makeWorkspace(opts: { players?: number } = {}): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'otbridge-migrate-'));
  const fx = makeTfsFixture({ players: opts.players ?? 300 });
  const sourcePath = join(dir, 'tfs.db');
  const s = new Database(sourcePath);
  loadTfsSqlite(s, fx);
  s.close();
  return {
    dir,
    fx,
    sourcePath,
    newTarget(name, o = {}) {
      const path = join(dir, `${name}.db`);
      const t = new Database(path);
      createSchemaSqlite(t, 'canary');
      if (o.clash !== false) seedNameClashSqlite(t, fx);
      t.close();
      return path;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The options of a run named `name` in `dir` (its checkpoint and rejects files named after it), for tests that drive DataMigration themselves. */
export function migrationOptions(source: Source, target: Target, dir: string, name: string, extra: Partial<MigrationOptions> = {}, fx?: TfsFixture) {
  return {
    profile,
    source,
    target,
    sourceLabel: 'source',
    targetLabel: name,
    checkpointPath: join(dir, `${name}.checkpoint.json`),
    rejectsPath: join(dir, `${name}.rejects.ndjson`),
    ...(fx ? { now: fx.now } : {}),
    ...extra,
  } satisfies MigrationOptions;
}

export async function migrate(
  source: Source,
  target: Target,
  dir: string,
  name: string,
  extra: Partial<MigrationOptions> = {},
  fx?: TfsFixture,
): Promise<{ m: DataMigration; summary: Awaited<ReturnType<DataMigration['run']>> }> {
  const m = new DataMigration(migrationOptions(source, target, dir, name, extra, fx));
  return { m, summary: await m.run() };
}

/** Per Canary table: row count and an order-independent checksum of every column, for comparing two targets. */
export async function tableDigests(target: Target): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const def of CANARY_TABLES) {
    const cols = def.columns.map((c) => c.split(' ')[0]!);
    const types = def.columns.map((c) => (/blob/.test(c.split(' ')[1]!) ? 'blob' : /int/.test(c.split(' ')[1]!) ? 'int' : 'text') as 'int' | 'blob' | 'text');
    let n = 0;
    let sum = 0n;
    for await (const rows of target.scanAll(def.name, cols, 1000)) {
      for (const r of rows) {
        n++;
        const values = r.map((v, i) => (types[i] === 'int' && v != null ? BigInt(v as number).toString() : v)) as never[];
        sum = (sum + rowHash(values, types)) & ((1n << 64n) - 1n);
      }
    }
    out[def.name] = `${n}:${sum.toString(16)}`;
  }
  return out;
}

export const openSqlite = (path: string, readonly = false): SqliteDatabase => SqliteDatabase.open(path, { readonly });
