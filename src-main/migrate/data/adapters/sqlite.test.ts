/**
 * The SQLite adapter's fast paths: reads as plain numbers that switch to
 * BigInts at the first integer a double would round, and batches written
 * through a ladder of multi-row statements. Each must hand over or store
 * exactly what the slow way would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteDatabase } from './sqlite';
import { type SourceRow, type Value } from '../values';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'otbridge-sqlite-adapter-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BIG_AT = new Map<number, bigint>([
  [1700, 2n ** 62n + 1n],
  [2400, -(2n ** 63n)],
]);

/** `key`: the id column's declaration; INTEGER PRIMARY KEY (the rowid) is read in pages, anything else row by row. */
function source(name: string, rows: number, opts: { hugeReal?: boolean; key?: string } = {}): string {
  const path = join(dir, name);
  const db = new Database(path);
  db.exec(`CREATE TABLE t (id ${opts.key ?? 'INTEGER PRIMARY KEY'}, big INTEGER, r REAL, s TEXT, b BLOB)`);
  const insert = db.prepare('INSERT INTO t VALUES (?, ?, ?, ?, ?)').safeIntegers(true);
  db.transaction(() => {
    for (let i = 1; i <= rows; i++) insert.run(i, BIG_AT.get(i) ?? BigInt(i * 3), opts.hugeReal && i === 5 ? 1e300 : i / 4, `s${i}`, i % 3 ? Buffer.from([i & 255]) : null);
  })();
  db.close();
  return path;
}

async function readAll(db: SqliteDatabase, req: Partial<Parameters<SqliteDatabase['scan']>[0]> = {}): Promise<{ rows: SourceRow[]; batches: number[] }> {
  const rows: SourceRow[] = [];
  const batches: number[] = [];
  for await (const b of db.scan({ table: 't', columns: ['id', 'big', 'r', 's', 'b'], order: ['id'], where: [], batchSize: 100, ...req })) {
    batches.push(b.length);
    rows.push(...b);
  }
  return { rows, batches };
}

describe('SQLite scan', () => {
  it('hands out every row once, in order, with integers past 2^53 exact (switching to BigInts mid-table)', async () => {
    const db = SqliteDatabase.open(source('wide.db', 2500), { readonly: true });
    const { rows, batches } = await readAll(db);
    expect(rows.map((r) => Number(r[0]))).toEqual(Array.from({ length: 2500 }, (_, i) => i + 1));
    expect(batches.every((n) => n === 100)).toBe(true);
    for (const r of rows) {
      const id = Number(r[0]);
      expect(BigInt(r[1] as number | bigint)).toBe(BIG_AT.get(id) ?? BigInt(id * 3));
      expect(r[2]).toBe(id / 4);
      expect(r[3]).toBe(`s${id}`);
      expect(r[4]).toEqual(id % 3 ? Buffer.from([id & 255]) : null);
    }
    // Plain numbers in the batches handed out before the first wide value, BigInts from its batch on
    // (that batch is read again); a later scan of the table starts with them.
    expect(typeof rows[1599]![1]).toBe('number');
    expect(typeof rows[1600]![1]).toBe('bigint');
    const again = await readAll(db, { where: [{ sql: 'id > ?', params: [2390] }] });
    expect(again.rows.map((r) => r[1])).toEqual(Array.from({ length: 110 }, (_, i) => BIG_AT.get(2391 + i) ?? BigInt((2391 + i) * 3)));
    await db.close();
  });

  it('a REAL beyond 2^53 alone reads correctly too (it only costs the switch)', async () => {
    const db = SqliteDatabase.open(source('real.db', 300, { hugeReal: true }), { readonly: true });
    const { rows } = await readAll(db, { columns: ['id', 'r'] });
    expect(rows).toHaveLength(300);
    expect(rows[4]).toEqual([5n, 1e300]);
    expect(rows.slice(0, 4).map((r) => Number(r[1]))).toEqual([0.25, 0.5, 0.75, 1]);
    await db.close();
  });

  it('resumes after a position, and a consumer that stops early leaves the table readable', async () => {
    const db = SqliteDatabase.open(source('resume.db', 1000), { readonly: true });
    const { rows } = await readAll(db, { after: [950] });
    expect(rows.map((r) => r[0])).toEqual(Array.from({ length: 50 }, (_, i) => 951 + i));
    for await (const b of db.scan({ table: 't', columns: ['id'], order: ['id'], where: [], batchSize: 10 })) {
      expect(b).toHaveLength(10);
      break;
    }
    expect((await readAll(db)).rows).toHaveLength(1000);
    await db.close();
  });
});

describe('SQLite scan in pages (INTEGER PRIMARY KEY) and row by row (any other order)', () => {
  const plain = (rows: SourceRow[]) => rows.map((r) => r.map((v) => (typeof v === 'bigint' ? `n${v}` : v instanceof Uint8Array ? [...v] : v)));

  it('gives the same rows, batches and BigInt switch both ways, with conditions and a resume position', async () => {
    const paged = SqliteDatabase.open(source('paged.db', 2500), { readonly: true });
    const stepped = SqliteDatabase.open(source('stepped.db', 2500, { key: 'INT PRIMARY KEY' }), { readonly: true });
    for (const req of [
      {},
      { batchSize: 7 },
      // Exactly a multiple of the page size: the last page is empty.
      { batchSize: 250 },
      { where: [{ sql: 'id % 3 = ?', params: [1] }], after: [1000] },
      { columns: ['s', 'id'], after: [2499] },
    ]) {
      const a = await readAll(paged, req);
      const b = await readAll(stepped, req);
      expect(a.batches).toEqual(b.batches);
      expect(plain(a.rows)).toEqual(plain(b.rows));
    }
    await paged.close();
    await stepped.close();
  });

  it('pages by the key even when the profile spells it in other case', async () => {
    const db = SqliteDatabase.open(source('case.db', 30), { readonly: true });
    const { rows, batches } = await readAll(db, { columns: ['ID', 's'], order: ['ID'], batchSize: 8 });
    expect(batches).toEqual([8, 8, 8, 6]);
    expect(rows.map((r) => r[0])).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    await db.close();
  });

  it('reads a plain INT PRIMARY KEY with NULL keys row by row, NULLs first as ORDER BY puts them', async () => {
    const path = source('nullkey.db', 5, { key: 'INT PRIMARY KEY' });
    const w = new Database(path);
    w.exec("INSERT INTO t (id, s) VALUES (NULL, 'a'), (NULL, 'b')");
    w.close();
    const db = SqliteDatabase.open(path, { readonly: true });
    const { rows } = await readAll(db, { columns: ['id', 's'] });
    expect(rows.map((r) => r[0])).toEqual([null, null, 1, 2, 3, 4, 5]);
    await db.close();
  });
});

describe('SQLite batch writes', () => {
  const targetFile = (name: string, columns: number): string => {
    const path = join(dir, name);
    const db = new Database(path);
    const cols = Array.from({ length: columns - 1 }, (_, i) => `c${i} INTEGER CHECK (c${i} >= 0)`);
    db.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, ${cols.join(', ')})`);
    db.close();
    return path;
  };
  const rowsOf = (from: number, n: number, columns: number, salt = 0): Value[][] =>
    Array.from({ length: n }, (_, i) => [from + i, ...Array.from({ length: columns - 1 }, (_, c) => (from + i) * 7 + c + salt)]);
  const write = (db: SqliteDatabase, columns: number, rows: Value[][]) =>
    db.write({ table: 't', columns: ['id', ...Array.from({ length: columns - 1 }, (_, i) => `c${i}`)], key: ['id'], mode: 'upsert', rows });

  it('writes batches of any size exactly once, and upserts them again in place', async () => {
    const db = SqliteDatabase.open(targetFile('ladder.db', 5));
    let next = 1;
    const sizes = [1, 2, 3, 63, 64, 65, 127, 128, 129, 1000, 1001];
    for (const n of sizes) {
      expect(await write(db, 5, rowsOf(next, n, 5))).toEqual({ rejected: [] });
      next += n;
    }
    const total = sizes.reduce((a, b) => a + b, 0);
    const all = () => db.db.prepare('SELECT * FROM t ORDER BY id').raw(true).all() as number[][];
    expect(all()).toEqual(rowsOf(1, total, 5));
    // The same keys again with other values: updated in place, nothing added.
    await write(db, 5, rowsOf(1, total, 5, 1));
    expect(all()).toEqual(rowsOf(1, total, 5, 1));
    await db.close();
  });

  it('keeps a wide table under the parameter limit and isolates a refused row', async () => {
    const db = SqliteDatabase.open(targetFile('wide-target.db', 400));
    expect(await write(db, 400, rowsOf(1, 150, 400))).toEqual({ rejected: [] });
    expect(db.db.prepare('SELECT COUNT(*) FROM t').pluck().get()).toBe(150);

    const narrow = SqliteDatabase.open(targetFile('refuse.db', 3));
    const rows = rowsOf(1, 70, 3);
    rows[66] = [67, -1, 0]; // breaks CHECK (c0 >= 0)
    const result = await write(narrow, 3, rows);
    expect(result.rejected.map((r) => r.index)).toEqual([66]);
    expect(result.rejected[0]!.reason).toMatch(/CHECK constraint failed/);
    expect(narrow.db.prepare('SELECT COUNT(*) FROM t').pluck().get()).toBe(69);
    await db.close();
    await narrow.close();
  });
});
