/**
 * Values as they move between databases. Every adapter hands rows over as
 * plain objects of these; every target column has one of four declared
 * types, and `coerce` turns whatever a driver returned (a BigInt from
 * SQLite, a digit string from MySQL for a BIGINT, a Buffer for a BLOB) into
 * one representation per type, so that writing, validating and checksumming
 * see the same value whichever side it came from.
 */
export type Value = null | number | bigint | string | Uint8Array;
export type Row = Record<string, Value>;
/** A row as sources hand it over: values in the order of the columns asked for (no per-row objects on the hot path). */
export type SourceRow = Value[];
export type ColumnType = 'int' | 'real' | 'text' | 'blob';
export const COLUMN_TYPES: readonly ColumnType[] = ['int', 'real', 'text', 'blob'];

const INT_TEXT = /^-?\d+$/;
const utf8 = new TextEncoder();
const utf8d = new TextDecoder('utf-8', { fatal: true });

/** The value as `type`, or an Error saying why it cannot be (the row is then rejected, not guessed). */
export function coerce(value: unknown, type: ColumnType): Value | Error {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'int':
      if (typeof value === 'number') return Number.isInteger(value) ? value : new Error(`${value} is not an integer`);
      if (typeof value === 'bigint') return Number.MIN_SAFE_INTEGER <= value && value <= Number.MAX_SAFE_INTEGER ? Number(value) : value;
      if (typeof value === 'string' && INT_TEXT.test(value.trim())) {
        const b = BigInt(value.trim());
        return Number.MIN_SAFE_INTEGER <= b && b <= Number.MAX_SAFE_INTEGER ? Number(b) : b;
      }
      if (typeof value === 'boolean') return value ? 1 : 0;
      return new Error(`${describe(value)} is not an integer`);
    case 'real':
      if (typeof value === 'number') return value;
      if (typeof value === 'bigint') return Number(value);
      if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
      return new Error(`${describe(value)} is not a number`);
    case 'text':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'bigint') return String(value);
      if (value instanceof Uint8Array) {
        try {
          return utf8d.decode(value);
        } catch {
          return new Error('bytes that are not valid UTF-8 in a text column');
        }
      }
      return new Error(`${describe(value)} is not text`);
    case 'blob':
      if (value instanceof Uint8Array) return value;
      if (typeof value === 'string') return utf8.encode(value);
      return new Error(`${describe(value)} is not bytes`);
  }
}

function describe(v: unknown): string {
  if (typeof v === 'object') return Object.prototype.toString.call(v);
  return `${typeof v} ${String(v).slice(0, 40)}`;
}

/** Compares two integers of either representation. */
export function intCompare(a: number | bigint, b: number | bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Byte length of a value as the target stores it (UTF-8 for text). */
export function byteLength(v: Value): number {
  if (v === null) return 0;
  if (v instanceof Uint8Array) return v.byteLength;
  if (typeof v === 'string') return Buffer.byteLength(v);
  return 8;
}

/**
 * JSON encoding for values that JSON cannot hold: bytes as {"$b64"}, integers
 * beyond 2^53 as {"$int"} (smaller BigInts become plain numbers, so a value
 * encodes the same whichever driver read it). Used by NDJSON files, rejects
 * and checkpoints.
 */
export function toJsonValue(v: Value): unknown {
  if (v instanceof Uint8Array) return { $b64: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
  if (typeof v === 'bigint') return Number.MIN_SAFE_INTEGER <= v && v <= Number.MAX_SAFE_INTEGER ? Number(v) : { $int: v.toString() };
  return v;
}

export function fromJsonValue(v: unknown): Value | Error {
  if (v === null || typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && typeof o.$b64 === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(o.$b64)) return new Uint8Array(Buffer.from(o.$b64, 'base64'));
    if (keys.length === 1 && typeof o.$int === 'string' && INT_TEXT.test(o.$int)) return BigInt(o.$int);
  }
  return new Error(`unsupported JSON value ${JSON.stringify(v)?.slice(0, 60)}`);
}

export function rowToJson(row: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(row)) out[k] = toJsonValue(row[k]!);
  return out;
}
