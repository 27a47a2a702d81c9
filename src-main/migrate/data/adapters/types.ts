/**
 * What the migration engine needs from a database or a folder of NDJSON
 * files. SQLite, MySQL/MariaDB and NDJSON each implement both sides.
 */
import { type SourceRow, type Value } from '../values';

/** A condition on a source table, in the source's SQL, with `?` placeholders. */
export interface SqlCondition {
  readonly sql: string;
  readonly params: readonly Value[];
}

export interface ScanRequest {
  readonly table: string;
  readonly columns: readonly string[];
  /** Scan order; also the resume position's columns. */
  readonly order: readonly string[];
  readonly where: readonly SqlCondition[];
  /** Rows whose order values come strictly after these (resume), or none. */
  readonly after?: readonly Value[];
  /** Lines already consumed: how sources without SQL (NDJSON) resume (see LINE). */
  readonly skip?: number;
  /** For sources without SQL: a row predicate standing in for `where` (rows as SourceRow, in `columns` order). */
  readonly predicate?: (row: SourceRow) => boolean;
  readonly batchSize: number;
}

/** On a row from a source without SQL (NDJSON): its 1-based line, how such a source resumes. */
export const LINE = Symbol('line');
/** On a placeholder row for a source line that could not be read: why. The engine rejects it. */
export const UNREADABLE = Symbol('unreadable');

export interface Source {
  readonly kind: 'sqlite' | 'mysql' | 'ndjson';
  /** False for NDJSON: SQL filters and selectors cannot be applied. */
  readonly sql: boolean;
  tables(): Promise<string[]>;
  columns(table: string): Promise<string[] | undefined>;
  count(table: string, where: readonly SqlCondition[]): Promise<number>;
  /** Rows in `order`, a batch at a time, each an array of the `columns` values. */
  scan(req: ScanRequest): AsyncIterable<SourceRow[]>;
  close(): Promise<void>;
}

export interface TriggerRowsWrite {
  readonly table: string;
  readonly id: string;
  readonly parent: string;
  /** The batch's values of the column the trigger's parent refers to. */
  readonly parents: readonly Value[];
}

export interface WriteBatch {
  readonly table: string;
  readonly columns: readonly string[];
  readonly key: readonly string[];
  readonly mode: 'upsert' | 'replace';
  /** 'replace': the group column and the groups this batch replaces whole. */
  readonly group?: string;
  readonly groups?: readonly Value[];
  readonly rows: readonly Value[][];
  readonly triggerRows?: readonly TriggerRowsWrite[];
}

export interface WriteResult {
  /** Rows the target refused (constraint, size …), by index in the batch, with the database's reason. */
  readonly rejected: readonly { readonly index: number; readonly reason: string }[];
}

export interface ConfigWrite {
  readonly table: string;
  readonly keyColumn: string;
  readonly valueColumn: string;
  readonly key: string;
  readonly value: string;
}

export interface Target {
  readonly kind: 'sqlite' | 'mysql' | 'ndjson';
  tables(): Promise<string[]>;
  columns(table: string): Promise<string[] | undefined>;
  count(table: string): Promise<number>;
  /**
   * Writes one batch in one transaction. Rows the target refuses are
   * isolated (the rest still commit) and returned; transient failures
   * (lost connection, deadlock, lock timeout) throw for the caller to retry.
   */
  write(batch: WriteBatch, timeoutMs: number): Promise<WriteResult>;
  /** Every row of a table, selected columns in order, for verification. */
  scanAll(table: string, columns: readonly string[], batchSize: number): AsyncIterable<unknown[][]>;
  /** Sets one key/value row (server_config); returns the previous value. */
  setConfig(w: ConfigWrite): Promise<string | undefined>;
  /** State to restore on resume when writes are not idempotent by themselves (NDJSON file sizes), else null. */
  marker(): Promise<unknown>;
  restore(marker: unknown): Promise<void>;
  /** A new run starts (not a resume): NDJSON starts the tables anew, or appends to them for an incremental run. */
  begin(tables: readonly string[], append: boolean): Promise<void>;
  close(): Promise<void>;
}

/** A failure worth retrying: the same batch may well succeed a moment later. */
export class TransientError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

const TRANSIENT_CODES = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'BATCH_TIMEOUT',
]);

export function isTransient(e: unknown): boolean {
  if (e instanceof TransientError) return true;
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (TRANSIENT_CODES.has(code) || code.startsWith('SQLITE_BUSY'));
}
