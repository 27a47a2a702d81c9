/**
 * MySQL/MariaDB through mysql2: what TFS and Canary run on.
 *
 * - Reads stream (one query per table, paused by back-pressure), so a table
 *   never sits in memory whole.
 * - Writes are multi-row INSERTs, split so no statement passes ~4 MiB (the
 *   server's max_allowed_packet is 16 MiB by default and escaped blobs
 *   double in size), in one transaction per batch.
 * - The session runs in strict mode, so a value that does not fit is an
 *   error to report rather than a silent truncation.
 * - `ON DUPLICATE KEY UPDATE` fires on any unique key, not just the one we
 *   upsert by: a source player whose *name* matches a different target
 *   player would quietly overwrite that player. The update therefore first
 *   sets the key column to 1/0 unless the keys match, which strict mode
 *   (with ERROR_FOR_DIVISION_BY_ZERO) turns into an error for that one row,
 *   reported as a reject. (NULL does not do: on an AUTO_INCREMENT key
 *   MariaDB quietly stores 0 instead.)
 */
import mysql from 'mysql2';
import { type Connection as PromiseConnection } from 'mysql2/promise';
import { type SourceRow, type Value, byteLength } from '../values';
import { whereClause } from './sqlite';
import {
  type ConfigWrite,
  type ScanRequest,
  type Source,
  type SqlCondition,
  type Target,
  TransientError,
  type WriteBatch,
  type WriteResult,
  isTransient,
} from './types';

const qi = (name: string): string => `\`${name.replaceAll('`', '``')}\``;
const MAX_STATEMENT_BYTES = 4 << 20;

export interface MysqlUrl {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  readonly socketPath?: string;
}

/** mysql://user:pass@host:port/db[?socket=/path] (mariadb:// too). */
export function parseMysqlUrl(text: string): MysqlUrl {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new Error(`not a URL: ${text}`);
  }
  if (u.protocol !== 'mysql:' && u.protocol !== 'mariadb:') throw new Error(`expected mysql://…, got ${u.protocol}`);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!database) throw new Error(`no database name in ${redactUrl(text)} (mysql://user:pass@host:port/DATABASE)`);
  const socket = u.searchParams.get('socket');
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username || 'root'),
    password: decodeURIComponent(u.password),
    database,
    ...(socket ? { socketPath: socket } : {}),
  };
}

/** The URL without its password, for logs, checkpoints and the audit log. */
export function redactUrl(text: string): string {
  try {
    const u = new URL(text);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return text;
  }
}

function connect(url: MysqlUrl): mysql.Connection {
  const conn = mysql.createConnection({
    host: url.host,
    port: url.port,
    user: url.user,
    password: url.password,
    database: url.database,
    ...(url.socketPath ? { socketPath: url.socketPath } : {}),
    charset: 'utf8mb4',
    supportBigNumbers: true,
    bigNumberStrings: false,
    dateStrings: true,
    connectTimeout: 10_000,
    multipleStatements: false,
  });
  // A fatal error also rejects the query in flight; without a listener it would crash the process.
  conn.on('error', () => dead.add(conn));
  conn.on('end', () => dead.add(conn));
  return conn;
}

/** Connections that reported a fatal error or ended: replaced before the next query. */
const dead = new WeakSet<mysql.Connection>();

const toParam = (v: Value): Exclude<Value, Uint8Array> | Buffer => (v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v);

export class MysqlDatabase implements Source, Target {
  readonly kind = 'mysql' as const;
  readonly sql = true;
  private conn: mysql.Connection | undefined;

  constructor(readonly url: MysqlUrl) {}

  static async open(text: string): Promise<MysqlDatabase> {
    const db = new MysqlDatabase(parseMysqlUrl(text));
    await db.query('SELECT 1');
    return db;
  }

  /** The live connection, reconnecting after a lost one. */
  private async connection(): Promise<PromiseConnection> {
    if (!this.conn || dead.has(this.conn)) {
      this.conn?.destroy();
      this.conn = connect(this.url);
      const p = this.conn.promise();
      try {
        await p.query("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION,NO_AUTO_VALUE_ON_ZERO,ERROR_FOR_DIVISION_BY_ZERO'");
      } catch (e) {
        this.conn.destroy();
        this.conn = undefined;
        throw e;
      }
    }
    return this.conn.promise();
  }

  async query<T>(sql: string, params: readonly unknown[] = []): Promise<T> {
    const c = await this.connection();
    const [rows] = await c.query(sql, params as unknown[]);
    return rows as T;
  }

  async tables(): Promise<string[]> {
    const rows = await this.query<{ name: string }[]>(
      "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME",
    );
    return rows.map((r) => r.name);
  }

  async columns(table: string): Promise<string[] | undefined> {
    const rows = await this.query<{ name: string }[]>(
      'SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
      [table],
    );
    return rows.length ? rows.map((r) => r.name) : undefined;
  }

  async count(table: string, where: readonly SqlCondition[] = []): Promise<number> {
    const { sql, params } = whereClause(where);
    const rows = await this.query<{ n: number | string }[]>(`SELECT COUNT(*) AS n FROM ${qi(table)}${sql}`, params.map(toParam));
    return Number(rows[0]!.n);
  }

  async *scan(req: ScanRequest): AsyncIterable<SourceRow[]> {
    const conds = [...req.where];
    if (req.after) {
      const order = req.order;
      conds.push(
        order.length === 1
          ? { sql: `${qi(order[0]!)} > ?`, params: [req.after[0] ?? null] }
          : { sql: `(${order.map(qi).join(', ')}) > (${order.map(() => '?').join(', ')})`, params: req.after },
      );
    }
    const { sql, params } = whereClause(conds);
    // A connection of its own: the stream keeps it busy until the table is read.
    const conn = connect(this.url);
    try {
      const stream = conn
        .query({ sql: `SELECT ${req.columns.map(qi).join(', ')} FROM ${qi(req.table)}${sql} ORDER BY ${req.order.map(qi).join(', ')}`, rowsAsArray: true }, params.map(toParam))
        .stream({ highWaterMark: req.batchSize * 2 });
      let batch: SourceRow[] = [];
      for await (const row of stream as AsyncIterable<SourceRow>) {
        batch.push(row);
        if (batch.length >= req.batchSize) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
    } finally {
      conn.destroy();
    }
  }

  async write(b: WriteBatch, timeoutMs: number): Promise<WriteResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // Abandon the connection: the server rolls the transaction back when it goes.
        this.conn?.destroy();
        this.conn = undefined;
        reject(new TransientError(`batch of ${b.rows.length} rows into ${b.table} took longer than ${timeoutMs} ms`, 'BATCH_TIMEOUT'));
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.writeNow(b), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async writeNow(b: WriteBatch): Promise<WriteResult> {
    const c = await this.connection();
    try {
      await c.query('START TRANSACTION');
      const maxes = await this.triggerMaxes(c, b);
      await this.removeGroups(c, b);
      for (const chunk of chunks(b.rows)) await c.query(this.insertSql(b, chunk));
      await this.removeTriggerRows(c, b, maxes);
      await c.query('COMMIT');
      return { rejected: [] };
    } catch (e) {
      await c.query('ROLLBACK').catch(() => {});
      if (isTransient(e) || !isRowError(e)) throw e;
    }
    // One row is refused: redo the batch row by row under savepoints so the others still land.
    const rejected: { index: number; reason: string }[] = [];
    try {
      await c.query('START TRANSACTION');
      const maxes = await this.triggerMaxes(c, b);
      await this.removeGroups(c, b);
      for (let i = 0; i < b.rows.length; i++) {
        await c.query('SAVEPOINT r');
        try {
          await c.query(this.insertSql(b, [b.rows[i]!]));
          await c.query('RELEASE SAVEPOINT r');
        } catch (e) {
          if (isTransient(e) || !isRowError(e)) throw e;
          await c.query('ROLLBACK TO SAVEPOINT r');
          rejected.push({ index: i, reason: `target refused the row: ${explain(e, b)}` });
        }
      }
      await this.removeTriggerRows(c, b, maxes);
      await c.query('COMMIT');
    } catch (e) {
      await c.query('ROLLBACK').catch(() => {});
      throw e;
    }
    return { rejected };
  }

  private async triggerMaxes(c: PromiseConnection, b: WriteBatch): Promise<unknown[]> {
    const out: unknown[] = [];
    for (const t of b.triggerRows ?? []) {
      const [rows] = await c.query(`SELECT COALESCE(MAX(${qi(t.id)}), 0) AS m FROM ${qi(t.table)}`);
      out.push((rows as { m: unknown }[])[0]!.m);
    }
    return out;
  }

  private async removeTriggerRows(c: PromiseConnection, b: WriteBatch, maxes: unknown[]): Promise<void> {
    for (const [i, t] of (b.triggerRows ?? []).entries()) {
      if (!t.parents.length) continue;
      await c.query(`DELETE FROM ${qi(t.table)} WHERE ${qi(t.id)} > ? AND ${qi(t.parent)} IN (?)`, [maxes[i], t.parents.map(toParam)]);
    }
  }

  private async removeGroups(c: PromiseConnection, b: WriteBatch): Promise<void> {
    if (b.mode !== 'replace' || !b.groups?.length) return;
    await c.query(`DELETE FROM ${qi(b.table)} WHERE ${qi(b.group!)} IN (?)`, [b.groups.map(toParam)]);
  }

  private insertSql(b: WriteBatch, rows: readonly Value[][]): string {
    let sql = `INSERT INTO ${qi(b.table)} (${b.columns.map(qi).join(',')}) VALUES `;
    // One string grown in place: about half the client CPU of mapping rows and values to arrays and joining them (bench:migrate).
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      sql += i ? ',(' : '(';
      for (let j = 0; j < r.length; j++) {
        if (j) sql += ',';
        sql += literal(r[j]!);
      }
      sql += ')';
    }
    if (b.mode === 'upsert') {
      const same = b.key.map((k) => `${qi(k)} <=> VALUES(${qi(k)})`).join(' AND ');
      const guard = `${qi(b.key[0]!)} = IF(${same}, ${qi(b.key[0]!)}, 1/0)`;
      const rest = b.columns.filter((c) => !b.key.includes(c)).map((c) => `${qi(c)} = VALUES(${qi(c)})`);
      sql += ` ON DUPLICATE KEY UPDATE ${[guard, ...rest].join(', ')}`;
    }
    return sql;
  }

  async *scanAll(table: string, columns: readonly string[], batchSize: number): AsyncIterable<unknown[][]> {
    const conn = connect(this.url);
    try {
      const stream = conn.query({ sql: `SELECT ${columns.map(qi).join(', ')} FROM ${qi(table)}`, rowsAsArray: true }).stream({ highWaterMark: batchSize * 2 });
      let batch: unknown[][] = [];
      for await (const row of stream as AsyncIterable<unknown[]>) {
        batch.push(row);
        if (batch.length >= batchSize) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
    } finally {
      conn.destroy();
    }
  }

  async setConfig(w: ConfigWrite): Promise<string | undefined> {
    const rows = await this.query<{ v: string }[]>(`SELECT ${qi(w.valueColumn)} AS v FROM ${qi(w.table)} WHERE ${qi(w.keyColumn)} = ?`, [w.key]);
    await this.query(
      `INSERT INTO ${qi(w.table)} (${qi(w.keyColumn)}, ${qi(w.valueColumn)}) VALUES (?, ?) ON DUPLICATE KEY UPDATE ${qi(w.valueColumn)} = VALUES(${qi(w.valueColumn)})`,
      [w.key, w.value],
    );
    return rows[0]?.v;
  }

  async marker(): Promise<unknown> {
    return null;
  }
  async restore(): Promise<void> {}
  async begin(): Promise<void> {}

  async close(): Promise<void> {
    const c = this.conn;
    this.conn = undefined;
    if (c) await c.promise().end().catch(() => c.destroy());
  }
}

/**
 * A value as an SQL literal, the same text mysql2's escape() gives (numbers
 * and BigInts as digits, bytes as X'…', text quoted with backslash escapes —
 * the session never sets NO_BACKSLASH_ESCAPES), without its general
 * dispatch or wrapping each byte array in a Buffer first.
 */
export function literal(v: Value): string {
  if (v === null) return 'NULL';
  switch (typeof v) {
    case 'number':
    case 'bigint':
      return `${v}`;
    case 'string':
      return mysql.escape(v);
    default:
      return `X'${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}'`;
  }
}

/** Splits rows so no INSERT statement grows past MAX_STATEMENT_BYTES. */
function* chunks(rows: readonly Value[][]): Generator<Value[][]> {
  let chunk: Value[][] = [];
  let bytes = 0;
  for (const r of rows) {
    let size = 16;
    for (const v of r) size += v instanceof Uint8Array ? 2 * v.byteLength + 3 : byteLength(v) + 4;
    if (chunk.length && bytes + size > MAX_STATEMENT_BYTES) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(r);
    bytes += size;
  }
  if (chunk.length) yield chunk;
}

/** Server errors that concern the row's data (constraints, sizes, types) rather than the session. */
function isRowError(e: unknown): boolean {
  const errno = (e as { errno?: unknown }).errno;
  return typeof errno === 'number' && ROW_ERRNOS.has(errno);
}
// 1048 bad null, 1062 duplicate, 1264 out of range, 1265 truncated, 1292 bad value, 1366 bad string value,
// 1406 too long, 1216/1452 no parent row, 1451/1217 has child rows, 1136 column count, 3819/4025 check failed, 1301 packet,
// 1153 packet too large, 1365 division by zero (the upsert's key guard).
const ROW_ERRNOS = new Set([1048, 1062, 1264, 1265, 1292, 1366, 1406, 1216, 1452, 1451, 1217, 1136, 3819, 1153, 1301, 4025, 1365]);

function explain(e: unknown, b: WriteBatch): string {
  const msg = (e as Error).message;
  if ((e as { errno?: number }).errno === 1365 && b.mode === 'upsert')
    return `the target already holds a different row (another ${b.key.join(', ')}) with the same value in another unique column, such as a name`;
  return msg;
}
