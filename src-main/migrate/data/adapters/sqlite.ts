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
 * Rows per INSERT statement on the fast path, at most: fewer calls into
 * SQLite per batch. Measured on the bench's player rows (26 columns, batches
 * of 1000, CPU per row written): 1 row 3.45 µs, 16 rows 2.79, 32 rows 2.54,
 * 64 rows 2.41, 128 rows 3.02, 256 rows 4.08 — past 64 the statement's own
 * size costs more than the calls it saves. Wide tables get fewer rows per
 * statement: the values go in as spread arguments (better-sqlite3 binds
 * those ~25 % faster than one array argument: 1.89 against 2.54 µs per row),
 * so their number stays well inside what a call can carry, and far under
 * SQLite's 32 766 bound parameters.
 */
const MAX_ROWS_PER_STATEMENT = 64;
const MAX_PARAMS = 8192;

export class SqliteDatabase implements Source, Target {
  readonly kind = 'sqlite' as const;
  readonly sql = true;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly inserters = new Map<string, (rows: readonly Value[][]) => void>();
  /** Tables found to hold integers beyond 2^53: read with BigInts. */
  private readonly wide = new Set<string>();

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

  /**
   * Rows come as plain numbers (a BigInt per integer costs about a third of
   * a SQLite → SQLite run, bench:migrate). A double cannot hold an integer
   * beyond 2^53 exactly, so every number the scan hands out is checked: at
   * the first one outside ±2^53 the scan starts again with BigInts and skips
   * the rows it has already handed out (the same statement over the same
   * data returns them in the same order), and the table is read with
   * BigInts from then on. A full MIN/MAX pass over every column decided this
   * up front before; it cost as much as reading a tenth of the rows again.
   */
  async *scan(req: ScanRequest): AsyncIterable<SourceRow[]> {
    if (req.order.length === 1 && req.columns.includes(req.order[0]!) && this.isRowidKey(req.table, req.order[0]!)) {
      yield* this.scanPages(req);
      return;
    }
    const conds = [...req.where];
    if (req.after) conds.push(afterCondition(req.order, req.after));
    const { sql, params } = whereClause(conds);
    const text = `SELECT ${req.columns.map(qi).join(', ')} FROM ${qi(req.table)}${sql} ORDER BY ${req.order.map(qi).join(', ')}`;
    let safe = this.wide.has(req.table);
    let handedOut = 0;
    for (;;) {
      const stmt = this.db.prepare(text).raw(true).safeIntegers(safe);
      let skip = handedOut;
      let batch: SourceRow[] = [];
      let restart = false;
      for (const row of stmt.iterate(...params) as IterableIterator<SourceRow>) {
        if (skip > 0) {
          skip--;
          continue;
        }
        if (!safe && hasUnsafeNumber(row)) {
          this.wide.add(req.table);
          safe = restart = true;
          break;
        }
        batch.push(row);
        if (batch.length >= req.batchSize) {
          handedOut += batch.length;
          yield batch;
          batch = [];
        }
      }
      if (restart) continue;
      if (batch.length) yield batch;
      return;
    }
  }

  /**
   * A scan ordered by the table's INTEGER PRIMARY KEY, a page of
   * `batchSize` rows per statement (`key > last ORDER BY key LIMIT n`):
   * one all() per batch costs ~20 % less than stepping an iterator row by
   * row (bench's player rows: 2.6 against 3.25 s of CPU per million). Only
   * for that key, which is unique and never NULL, so the pages are exactly
   * the rows one ordered scan would give. Each page is its own statement:
   * a source written to during the run may be seen at a later state by a
   * later page, as a resumed run sees it anyway. A page that holds an
   * integer beyond 2^53 is read again with BigInts, and the table from then on.
   */
  private async *scanPages(req: ScanRequest): AsyncIterable<SourceRow[]> {
    const key = req.order[0]!;
    const keyAt = req.columns.indexOf(key);
    const base = `SELECT ${req.columns.map(qi).join(', ')} FROM ${qi(req.table)}`;
    const tail = ` ORDER BY ${qi(key)} LIMIT ${Math.max(1, Math.floor(req.batchSize))}`;
    const first = whereClause(req.where);
    const next = whereClause([...req.where, afterCondition([key], [null])]);
    const firstStmt = this.db.prepare(base + first.sql + tail).raw(true);
    const nextStmt = this.db.prepare(base + next.sql + tail).raw(true);
    let after: Value | undefined = req.after?.[0];
    let safe = this.wide.has(req.table);
    for (;;) {
      const stmt = after === undefined ? firstStmt : nextStmt;
      const params = after === undefined ? first.params : [...first.params, after as Param];
      let page = stmt.safeIntegers(safe).all(...params) as SourceRow[];
      if (!safe && page.some(hasUnsafeNumber)) {
        this.wide.add(req.table);
        safe = true;
        page = stmt.safeIntegers(true).all(...params) as SourceRow[];
      }
      if (!page.length) return;
      after = page[page.length - 1]![keyAt];
      yield page;
      if (page.length < req.batchSize) return;
    }
  }

  /** Whether `column` is the table's INTEGER PRIMARY KEY (the rowid itself): unique, never NULL. */
  private isRowidKey(table: string, column: string): boolean {
    const pk = this.db.prepare('SELECT name, type FROM pragma_table_info(?) WHERE pk > 0').all(table) as { name: string; type: string }[];
    // Column names compare without case in SQLite. A WITHOUT ROWID table's INTEGER PRIMARY KEY is unique and NOT NULL too;
    // a plain INT PRIMARY KEY is not the rowid and may hold NULLs (SQLite's old quirk): it takes the row-by-row scan.
    return pk.length === 1 && pk[0]!.name.toLowerCase() === column.toLowerCase() && pk[0]!.type.toUpperCase() === 'INTEGER';
  }

  async write(b: WriteBatch): Promise<WriteResult> {
    const insert = this.insertStatement(b, 1);
    const insertAll = this.batchInserter(b);
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
        insertAll(b.rows);
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

  /**
   * Inserts a batch's rows with as few statements as it can: runs of the
   * widest statement, then the rest through halving widths (32, 16, … 1),
   * so any batch size takes at most log2(width) + 1 statement shapes, each
   * prepared once. The parameter arrays are reused across batches.
   */
  private batchInserter(b: WriteBatch): (rows: readonly Value[][]) => void {
    const id = `${b.mode}\u0000${b.table}\u0000${b.key.join('\u0000')}\u0001${b.columns.join('\u0000')}`;
    let inserter = this.inserters.get(id);
    if (!inserter) {
      inserter = this.makeInserter(b);
      this.inserters.set(id, inserter);
    }
    return inserter;
  }

  private makeInserter(b: WriteBatch): (rows: readonly Value[][]) => void {
    const cols = b.columns.length;
    let widest = 1;
    while (widest * 2 <= MAX_ROWS_PER_STATEMENT && widest * 2 * cols <= MAX_PARAMS) widest *= 2;
    const shapes: { width: number; stmt: Database.Statement; params: Param[] }[] = [];
    for (let w = widest; w >= 1; w >>= 1) shapes.push({ width: w, stmt: this.insertStatement(b, w), params: new Array<Param>(w * cols) });
    return (rows) => {
      let i = 0;
      for (const { width, stmt, params } of shapes) {
        for (; i + width <= rows.length; i += width) {
          let k = 0;
          for (let r = i; r < i + width; r++) {
            const row = rows[r]!;
            for (let c = 0; c < cols; c++) params[k++] = row[c] as Param;
          }
          stmt.run(...params);
        }
      }
    };
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

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Whether a row read as plain numbers holds one that may have been rounded (an integer beyond ±2^53; a REAL that large also counts, harmlessly). */
function hasUnsafeNumber(row: SourceRow): boolean {
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    if (typeof v === 'number' && (v > MAX_SAFE || v < -MAX_SAFE)) return true;
  }
  return false;
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
