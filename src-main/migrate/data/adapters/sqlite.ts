/**
 * SQLite through better-sqlite3: the embedded default for both sides.
 *
 * Reads use safe integers (BigInt) so 64-bit columns such as experience are
 * never rounded through a double; `coerce` turns them back into numbers when
 * they fit. Writes are prepared once per table and run inside one
 * transaction per batch; SQLite calls are synchronous, so the batch timeout
 * is SQLite's own busy timeout rather than a timer.
 */
import Database from 'better-sqlite3';
import { type SourceRow, type Value } from '../values';
import {
  type ConfigWrite,
  type ScanRequest,
  type Source,
  type SqlCondition,
  type Target,
  type WriteBatch,
  type WriteResult,
} from './types';

type Db = Database.Database;
type Param = number | bigint | string | Uint8Array | null;

export const qi = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * Rows per INSERT statement on the fast path: fewer calls into SQLite per
 * batch (about a quarter less CPU for the write than one row per statement,
 * bench:migrate), well under SQLite's 32 766 bound parameters for tables
 * of Canary's widths (players: ~90 columns).
 */
const ROWS_PER_STATEMENT = 16;

export class SqliteDatabase implements Source, Target {
  readonly kind = 'sqlite' as const;
  readonly sql = true;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly wide = new Map<string, boolean>();

  constructor(
    readonly db: Db,
    readonly path: string,
  ) {}

  static open(path: string, opts: { readonly?: boolean; create?: boolean } = {}): SqliteDatabase {
    const db = new Database(path, { readonly: opts.readonly ?? false, fileMustExist: !opts.create });
    db.pragma('busy_timeout = 30000');
    if (!opts.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
    }
    return new SqliteDatabase(db, path);
  }

  async tables(): Promise<string[]> {
    return (this.db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map(
      (r) => r.name,
    );
  }

  async columns(table: string): Promise<string[] | undefined> {
    const cols = (this.db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map((r) => r.name);
    return cols.length ? cols : undefined;
  }

  async count(table: string, where: readonly SqlCondition[] = []): Promise<number> {
    const { sql, params } = whereClause(where);
    const row = this.db.prepare(`SELECT COUNT(*) AS n FROM ${qi(table)}${sql}`).get(...params) as { n: number };
    return Number(row.n);
  }

  async *scan(req: ScanRequest): AsyncIterable<SourceRow[]> {
    const conds = [...req.where];
    if (req.after) conds.push(afterCondition(req.order, req.after));
    const { sql, params } = whereClause(conds);
    const stmt = this.db.prepare(`SELECT ${req.columns.map(qi).join(', ')} FROM ${qi(req.table)}${sql} ORDER BY ${req.order.map(qi).join(', ')}`).raw(true);
    stmt.safeIntegers(this.hasWideIntegers(req.table, req.columns));
    let batch: SourceRow[] = [];
    for (const row of stmt.iterate(...params) as IterableIterator<SourceRow>) {
      batch.push(row);
      if (batch.length >= req.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  }

  /**
   * Whether any of these columns holds an integer beyond 2^53, which a
   * double would round: then (and only then) rows are read as BigInts.
   * Reading every integer as a BigInt and converting it back costs about a
   * third of a SQLite → SQLite run (bench:migrate); one MIN/MAX pass is cheap.
   */
  private hasWideIntegers(table: string, columns: readonly string[]): boolean {
    const key = `${table}\u0000${columns.join('\u0000')}`;
    let wide = this.wide.get(key);
    if (wide === undefined) {
      const probe = this.db.prepare(`SELECT ${columns.map((c) => `MIN(${qi(c)}), MAX(${qi(c)})`).join(', ')} FROM ${qi(table)}`).raw(true);
      probe.safeIntegers(true);
      const limits = (probe.get() as unknown[] | undefined) ?? [];
      wide = limits.some((v) => typeof v === 'bigint' && (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)));
      this.wide.set(key, wide);
    }
    return wide;
  }

  async write(b: WriteBatch): Promise<WriteResult> {
    const insert = this.insertStatement(b, 1);
    const insertMany = this.insertStatement(b, ROWS_PER_STATEMENT);
    const removeGroups = b.mode === 'replace' ? this.statement(`DELETE FROM ${qi(b.table)} WHERE ${qi(b.group!)} = ?`) : undefined;
    const trig = (b.triggerRows ?? []).map((t) => ({
      t,
      max: this.statement(`SELECT COALESCE(MAX(${qi(t.id)}), 0) AS m FROM ${qi(t.table)}`),
      del: this.statement(`DELETE FROM ${qi(t.table)} WHERE ${qi(t.id)} > ? AND ${qi(t.parent)} = ?`),
    }));
    const before = () => trig.map(({ max }) => (max.safeIntegers(true).get() as { m: bigint }).m);
    const after = (maxes: bigint[]) => trig.forEach(({ t, del }, i) => t.parents.forEach((p) => del.run(maxes[i]!, p as Param)));
    try {
      this.db.transaction(() => {
        const maxes = before();
        for (const g of b.groups ?? []) removeGroups?.run(g as Param);
        let i = 0;
        for (; i + ROWS_PER_STATEMENT <= b.rows.length; i += ROWS_PER_STATEMENT) insertMany.run(b.rows.slice(i, i + ROWS_PER_STATEMENT).flat() as Param[]);
        for (; i < b.rows.length; i++) insert.run(b.rows[i] as Param[]);
        after(maxes);
      }).immediate();
      return { rejected: [] };
    } catch (e) {
      if (!isRowError(e)) throw e;
    }
    // Some row is refused: redo the batch with one savepoint per row so the others still land.
    const rejected: { index: number; reason: string }[] = [];
    this.db.transaction(() => {
      const maxes = before();
      for (const g of b.groups ?? []) removeGroups?.run(g as Param);
      b.rows.forEach((row, index) => {
        try {
          this.db.transaction(() => insert.run(row as Param[]))();
        } catch (e) {
          if (!isRowError(e)) throw e;
          rejected.push({ index, reason: `target refused the row: ${(e as Error).message}` });
        }
      });
      after(maxes);
    }).immediate();
    return { rejected };
  }

  async *scanAll(table: string, columns: readonly string[], batchSize: number): AsyncIterable<unknown[][]> {
    const stmt = this.db.prepare(`SELECT ${columns.map(qi).join(', ')} FROM ${qi(table)}`).raw(true);
    stmt.safeIntegers(true);
    let batch: unknown[][] = [];
    for (const row of stmt.iterate() as IterableIterator<unknown[]>) {
      batch.push(row);
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  }

  async setConfig(w: ConfigWrite): Promise<string | undefined> {
    const prev = this.db.prepare(`SELECT ${qi(w.valueColumn)} AS v FROM ${qi(w.table)} WHERE ${qi(w.keyColumn)} = ?`).get(w.key) as { v: string } | undefined;
    this.db
      .prepare(
        `INSERT INTO ${qi(w.table)} (${qi(w.keyColumn)}, ${qi(w.valueColumn)}) VALUES (?, ?) ON CONFLICT (${qi(w.keyColumn)}) DO UPDATE SET ${qi(w.valueColumn)} = excluded.${qi(w.valueColumn)}`,
      )
      .run(w.key, w.value);
    return prev?.v;
  }

  async marker(): Promise<unknown> {
    return null;
  }
  async restore(): Promise<void> {}
  async begin(): Promise<void> {}

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private statement(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /** INSERT (or upsert) of `rows` rows per statement. */
  private insertStatement(b: WriteBatch, rows: number): Database.Statement {
    const cols = b.columns.map(qi).join(', ');
    const marks = `(${b.columns.map(() => '?').join(', ')})`;
    let sql = `INSERT INTO ${qi(b.table)} (${cols}) VALUES ${Array<string>(rows).fill(marks).join(', ')}`;
    if (b.mode === 'upsert') {
      const rest = b.columns.filter((c) => !b.key.includes(c));
      sql += ` ON CONFLICT (${b.key.map(qi).join(', ')}) DO ${rest.length ? `UPDATE SET ${rest.map((c) => `${qi(c)} = excluded.${qi(c)}`).join(', ')}` : 'NOTHING'}`;
    }
    return this.statement(sql);
  }
}

/** Errors that belong to one row (constraints, types), as opposed to the connection or the database. */
function isRowError(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_MISMATCH' || code === 'SQLITE_TOOBIG' || code === 'SQLITE_RANGE');
}

export function whereClause(conds: readonly SqlCondition[]): { sql: string; params: Param[] } {
  if (!conds.length) return { sql: '', params: [] };
  return { sql: ` WHERE ${conds.map((c) => `(${c.sql})`).join(' AND ')}`, params: conds.flatMap((c) => c.params as Param[]) };
}

/** Row-value comparison `(a, b) > (?, ?)`: SQLite ≥ 3.15 and MariaDB both have it. */
export function afterCondition(order: readonly string[], after: readonly Value[], quote: (s: string) => string = qi): SqlCondition {
  if (order.length === 1) return { sql: `${quote(order[0]!)} > ?`, params: [after[0] ?? null] };
  return { sql: `(${order.map(quote).join(', ')}) > (${order.map(() => '?').join(', ')})`, params: after };
}
