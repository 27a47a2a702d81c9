/**
 * Sources and targets as the migration wizard names them: checked before
 * anything connects (a path that is relative, missing, a folder, not a
 * SQLite file, not writable), opened the way the CLI opens them (so labels,
 * and therefore checkpoints, are the same), and every failure turned into a
 * sentence a server admin can act on.
 */
import { accessSync, closeSync, constants, existsSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { type ConnectionProblem, type MigrationEndpoint } from '../../../src-shared/ipc/migrate';
import { NdjsonFolder, SqliteDatabase, openEndpoint, parseMysqlUrl, redactUrl, type Endpoint, type OpenedEndpoint } from '../../migrate/data/index';
import { userPath } from './paths';
import { ServiceError } from '../../../src-shared/ipc/contract';

export class EndpointError extends Error {
  constructor(
    readonly problem: ConnectionProblem,
    message: string,
  ) {
    super(message);
  }
}

/** An endpoint whose shape and location were checked. */
export interface CheckedEndpoint {
  readonly kind: MigrationEndpoint['kind'];
  /** What the CLI's --from/--to would be: openEndpoint() takes it. */
  readonly text: string;
  /** As checkpoints and the audit log name it (no password). */
  readonly label: string;
  /** The file or folder (sqlite, ndjson). */
  readonly path: string | null;
  /** For a MySQL URL: host, port and database, to tell whether two endpoints are the same database. */
  readonly identity: string;
}

const SQLITE_MAGIC = 'SQLite format 3\u0000';

/** Checks an endpoint without connecting to a server; throws EndpointError. */
export function checkEndpoint(e: unknown, role: 'source' | 'target'): CheckedEndpoint {
  const ep = e as Partial<Record<'kind' | 'path' | 'url', unknown>> | null;
  if (!ep || typeof ep !== 'object') throw new EndpointError('BAD_PATH', `${role}: expected {kind: 'sqlite', path} or {kind: 'mysql', url} or {kind: 'ndjson', path}`);
  switch (ep.kind) {
    case 'sqlite': {
      const path = asPath(ep.path, `${role} SQLite file`);
      checkSqliteFile(path, role);
      return { kind: 'sqlite', text: `sqlite:${path}`, label: `sqlite:${path}`, path, identity: `file:${path}` };
    }
    case 'ndjson': {
      const path = asPath(ep.path, `${role} NDJSON folder`);
      if (existsSync(path) && !statSync(path).isDirectory()) throw new EndpointError('BAD_PATH', `${path} is a file: an NDJSON ${role} is a folder of <table>.ndjson files`);
      if (!existsSync(path) && role === 'source') throw new EndpointError('NOT_FOUND', `no folder ${path}`);
      if (role === 'target' && existsSync(path)) requireWritable(path, `the folder ${path}`);
      return { kind: 'ndjson', text: `ndjson:${path}`, label: `ndjson:${path}`, path, identity: `file:${path}` };
    }
    case 'mysql': {
      if (typeof ep.url !== 'string' || ep.url.trim() === '') throw new EndpointError('BAD_URL', `${role}: a URL is needed: mysql://user:password@host:3306/database`);
      const url = ep.url.trim();
      if (!/^(mysql|mariadb):\/\//i.test(url)) throw new EndpointError('BAD_URL', `${role}: "${redactUrl(url)}" does not start with mysql:// or mariadb://`);
      let parsed;
      try {
        parsed = parseMysqlUrl(url);
      } catch (err) {
        throw new EndpointError('BAD_URL', `${role}: ${(err as Error).message}`);
      }
      if (!Number.isInteger(parsed.port) || parsed.port < 1 || parsed.port > 65535) throw new EndpointError('BAD_URL', `${role}: port ${parsed.port} is out of range`);
      const where = parsed.socketPath ? `socket:${parsed.socketPath}` : `${parsed.host.toLowerCase()}:${parsed.port}`;
      return { kind: 'mysql', text: url, label: redactUrl(url), path: null, identity: `mysql:${where}/${parsed.database}` };
    }
    default:
      throw new EndpointError('BAD_PATH', `${role}: kind must be sqlite, mysql or ndjson, not ${JSON.stringify(ep.kind)}`);
  }
}

function asPath(text: unknown, what: string): string {
  try {
    return userPath(text, what);
  } catch (err) {
    throw new EndpointError('BAD_PATH', (err as Error).message);
  }
}

function checkSqliteFile(path: string, role: 'source' | 'target'): void {
  if (!existsSync(path)) {
    throw new EndpointError('NOT_FOUND', role === 'target' ? `no file ${path}: create it with the target's schema first (Canary's schema.sql)` : `no file ${path}`);
  }
  const st = statSync(path);
  if (st.isDirectory()) throw new EndpointError('NOT_SQLITE', `${path} is a folder, not a SQLite file`);
  if (!st.isFile()) throw new EndpointError('NOT_SQLITE', `${path} is not a regular file`);
  let head: Buffer;
  try {
    const fd = openSync(path, 'r');
    try {
      head = Buffer.alloc(16);
      head = head.subarray(0, readSync(fd, head, 0, 16, 0));
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    throw new EndpointError('ERROR', `cannot read ${path}: ${(err as Error).message}`);
  }
  if (head.length === 0) throw new EndpointError('NOT_SQLITE', `${path} is empty, not a SQLite database${role === 'target' ? " (create the target's schema in it first)" : ''}`);
  if (head.toString('latin1') !== SQLITE_MAGIC) throw new EndpointError('NOT_SQLITE', `${path} is not a SQLite database (it does not begin with "SQLite format 3")`);
  if (role === 'target') {
    requireWritable(path, path);
    // WAL mode writes -wal and -shm files beside the database.
    requireWritable(dirname(path), `the folder ${dirname(path)} (SQLite writes its journal there)`);
  }
}

function requireWritable(path: string, what: string): void {
  try {
    accessSync(path, constants.W_OK);
  } catch {
    throw new EndpointError('NOT_WRITABLE', `cannot write to ${what}: permission denied`);
  }
}

/**
 * Opens a checked endpoint. 'inspect' never changes anything (a SQLite target
 * opened read-only, an NDJSON target folder not created); 'run' opens it as
 * the CLI does.
 */
export async function openChecked(c: CheckedEndpoint, role: 'source' | 'target', mode: 'inspect' | 'run'): Promise<OpenedEndpoint> {
  try {
    if (mode === 'inspect' && c.kind === 'sqlite') return { db: SqliteDatabase.open(c.path!, { readonly: true }), label: c.label };
    if (mode === 'inspect' && c.kind === 'ndjson' && !existsSync(c.path!)) return { db: new NdjsonFolder(c.path!), label: c.label };
    return await openEndpoint(c.text, role);
  } catch (err) {
    throw classify(err, c);
  }
}

/** A driver's or the file system's error as an EndpointError with a sentence to show. */
export function classify(err: unknown, c: Pick<CheckedEndpoint, 'kind' | 'label' | 'text'>): EndpointError {
  if (err instanceof EndpointError) return err;
  const e = err as { code?: unknown; message?: unknown; sqlMessage?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = String(e?.message ?? err);
  if (c.kind !== 'mysql') {
    if (code === 'SQLITE_NOTADB') return new EndpointError('NOT_SQLITE', `${c.label.replace(/^sqlite:/, '')} is not a SQLite database`);
    if (code === 'SQLITE_CANTOPEN') return new EndpointError('NOT_FOUND', `cannot open ${c.label}: ${message}`);
    return new EndpointError('ERROR', message);
  }
  let where = 'the server';
  let user = '';
  let database = '';
  try {
    const u = parseMysqlUrl(c.text);
    where = u.socketPath ? `the socket ${u.socketPath}` : `${u.host}:${u.port}`;
    user = u.user;
    database = u.database;
  } catch {
    // checked before: keep the generic words
  }
  switch (code) {
    case 'ECONNREFUSED':
      return new EndpointError('REFUSED', `nothing accepts connections at ${where}: is MariaDB/MySQL running, and listening there?`);
    case 'ENOENT':
      return new EndpointError('NOT_FOUND', `no MariaDB/MySQL socket at ${where.replace(/^the socket /, '')}`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new EndpointError('HOST_NOT_FOUND', `the host name in ${c.label} was not found (${code})`);
    case 'ETIMEDOUT':
    case 'PROTOCOL_SEQUENCE_TIMEOUT':
      return new EndpointError('TIMEOUT', `no answer from ${where} within 10 s: a firewall, or the wrong host or port?`);
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_NOT_SUPPORTED_AUTH_MODE':
      return new EndpointError('ACCESS_DENIED', `${where} refused user '${user}': wrong password, or the user may not connect from this machine (${String(e.sqlMessage ?? message)})`);
    case 'ER_DBACCESS_DENIED_ERROR':
      return new EndpointError('ACCESS_DENIED', `user '${user}' may not use database '${database}' on ${where}`);
    case 'ER_BAD_DB_ERROR':
      return new EndpointError('NO_DATABASE', `${where} has no database '${database}': create it (and for a target, import Canary's schema.sql into it)`);
    default:
      return new EndpointError('ERROR', `${c.label}: ${message}`);
  }
}

/** An EndpointError as what a channel throws. */
export function endpointServiceError(err: unknown, c?: Pick<CheckedEndpoint, 'kind' | 'label' | 'text'>): ServiceError {
  if (err instanceof ServiceError) return err;
  const e = err instanceof EndpointError ? err : c ? classify(err, c) : new EndpointError('ERROR', (err as Error).message);
  return new ServiceError(e.problem, e.message);
}

/** server_config.db_version when the database has one (TFS and Canary both keep it there). */
export async function dbVersion(db: Endpoint): Promise<string | null> {
  if (!db.sql) return null;
  try {
    const cols = await db.columns('server_config');
    if (!cols?.includes('config') || !cols.includes('value')) return null;
    for await (const rows of db.scan({ table: 'server_config', columns: ['value'], order: ['config'], where: [{ sql: 'config = ?', params: ['db_version'] }], batchSize: 1 })) {
      const v = rows[0]?.[0];
      if (v !== undefined && v !== null) return v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : String(v);
    }
  } catch {
    // not the table we thought: no version to show
  }
  return null;
}
