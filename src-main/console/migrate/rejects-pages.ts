/**
 * Pages of a rejects file for the wizard's rejects browser, by table and
 * kind, while the run is still writing it. Each line is parsed only when it
 * is shown; a line that is not a reject (an edit, a cut-off write) is shown
 * as 'damaged' with what is wrong, never skipped.
 */
import { ServiceError } from '../../../src-shared/ipc/contract';
import { type RejectKind, type RejectRow, type RejectsPage } from '../../../src-shared/ipc/migrate';
import { IndexCache } from './ndjson-index';

const KINDS: ReadonlySet<string> = new Set<RejectKind>(['invalid', 'duplicate', 'refused', 'unreadable']);
/** Strings longer than this are cut in pages (a 64 KiB blob is 87 000 characters of base64). */
export const VALUE_LIMIT = 2048;
/** A line longer than this is not shown, whatever `full` says. */
const MAX_LINE_BYTES = 16 << 20;
/** Lines up to this are parsed for a page (then their long values cut); longer ones need `full`. */
const PAGE_LINE_BYTES = 1 << 20;
export const MAX_PAGE = 500;
export const MAX_FULL_PAGE = 20;
const SEP = '\u0000';

/** The engine writes {"table":…,"kind":…,…}: read both from the line's beginning without parsing the rest. */
const PREFIX = /^\{"table":("(?:[^"\\]|\\.)*"),"kind":"([a-z]+)"/;

export function classifyReject(head: string, complete: boolean): string {
  const m = PREFIX.exec(head);
  if (m && KINDS.has(m[2]!)) {
    try {
      return `${JSON.parse(m[1]!) as string}${SEP}${m[2]}`;
    } catch {
      return `${SEP}damaged`;
    }
  }
  if (complete) {
    const r = parseReject(head);
    if (typeof r !== 'string') return `${r.table}${SEP}${r.kind}`;
  }
  return `${SEP}damaged`;
}

function parseReject(text: string): { table: string; kind: RejectKind; key: Record<string, unknown>; row: Record<string, unknown>; reasons: string[] } | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return 'not valid JSON (cut short or edited)';
  }
  const r = v as Record<string, unknown> | null;
  if (!r || typeof r !== 'object' || Array.isArray(r)) return 'not a JSON object';
  if (typeof r.table !== 'string' || typeof r.kind !== 'string' || !KINDS.has(r.kind)) return 'no table or kind of reject';
  const obj = (x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : {});
  const reasons = Array.isArray(r.reasons) ? r.reasons.map(String) : [];
  return { table: r.table, kind: r.kind as RejectKind, key: obj(r.key), row: obj(r.row), reasons };
}

/** A copy with every string longer than `limit` cut, and whether anything was. */
export function cutLongValues<T>(value: T, limit = VALUE_LIMIT): { value: T; cut: boolean } {
  let cut = false;
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string' && v.length > limit) {
      cut = true;
      return `${v.slice(0, limit)}… (${v.length - limit} more characters)`;
    }
    if (depth > 32 || !v || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = walk(x, depth + 1);
    return out;
  };
  const value2 = walk(value, 0) as T;
  return { value: value2, cut };
}

export interface RejectsQuery {
  readonly offset: number;
  readonly limit: number;
  readonly table?: string;
  readonly kind?: RejectKind;
  readonly full?: boolean;
}

/** Checks a page request's numbers and filters; BAD_REQUEST otherwise. */
export function checkQuery(p: Partial<Record<keyof RejectsQuery, unknown>>): RejectsQuery {
  const full = p.full === true;
  const max = full ? MAX_FULL_PAGE : MAX_PAGE;
  const offset = p.offset ?? 0;
  const limit = p.limit ?? 100;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) throw new ServiceError('BAD_REQUEST', `offset must be a whole number ≥ 0, got ${JSON.stringify(offset)}`);
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1 || limit > max) throw new ServiceError('BAD_REQUEST', `limit must be a whole number in 1…${max}${full ? ' with full' : ''}, got ${JSON.stringify(limit)}`);
  if (p.table !== undefined && (typeof p.table !== 'string' || p.table === '')) throw new ServiceError('BAD_REQUEST', 'table must be a table name');
  if (p.kind !== undefined && (typeof p.kind !== 'string' || !KINDS.has(p.kind))) throw new ServiceError('BAD_REQUEST', `kind must be one of ${[...KINDS].join(', ')}`);
  return { offset, limit, full, ...(p.table !== undefined ? { table: p.table as string } : {}), ...(p.kind !== undefined ? { kind: p.kind as RejectKind } : {}) };
}

export class RejectsPages {
  private readonly cache = new IndexCache(classifyReject);

  /** The file is about to be rewritten by a new run. */
  forget(file: string): void {
    this.cache.forget(file);
  }

  async page(file: string, q: RejectsQuery, growing: boolean): Promise<RejectsPage> {
    const idx = this.cache.get(file);
    await idx.refresh();
    const accept = (cls: string): boolean => {
      const [table, kind] = cls.split(SEP) as [string, string];
      if (q.table !== undefined && table !== q.table) return false;
      // A damaged line belongs to no table or kind: shown only unfiltered.
      if (q.kind !== undefined && kind !== q.kind) return false;
      return true;
    };
    const { total, lines } = idx.select(accept, q.offset, q.limit);
    const texts = await idx.read(lines, q.full ? MAX_LINE_BYTES : PAGE_LINE_BYTES);
    const rows: RejectRow[] = texts.map(({ line, text, cut }) => toRow(line, text, cut, q.full === true));
    const byTable: Record<string, number> = {};
    const byKind: Record<string, number> = {};
    for (const [cls, n] of idx.classCounts()) {
      const [table, kind] = cls.split(SEP) as [string, string];
      if (table) byTable[table] = (byTable[table] ?? 0) + n;
      byKind[kind] = (byKind[kind] ?? 0) + n;
    }
    return { file, total, offset: q.offset, rows, byTable, byKind, growing };
  }
}

function toRow(line: number, text: string, readCut: boolean, full: boolean): RejectRow {
  if (readCut) {
    // Too long to parse in a page: show what it starts with, and where to look.
    const m = PREFIX.exec(text);
    const table = m ? (JSON.parse(m[1]!) as string) : '';
    const kind = m && KINDS.has(m[2]!) ? (m[2] as RejectKind) : 'damaged';
    if (full) return damaged(line, table, `line longer than ${MAX_LINE_BYTES} bytes: not shown (line ${line} of the file)`);
    return { line, table, kind, key: {}, row: {}, reasons: [`a very long line: ask for it with full: true (line ${line} of the file)`], truncated: true };
  }
  const r = parseReject(text);
  if (typeof r === 'string') return damaged(line, '', `${r}: ${text.slice(0, 200)}`);
  if (full) return { line, ...r, truncated: false };
  const key = cutLongValues(r.key);
  const row = cutLongValues(r.row);
  const reasons = cutLongValues(r.reasons);
  return { line, table: r.table, kind: r.kind, key: key.value, row: row.value, reasons: reasons.value, truncated: key.cut || row.cut || reasons.cut };
}

function damaged(line: number, table: string, reason: string): RejectRow {
  return { line, table, kind: 'damaged', key: {}, row: {}, reasons: [reason], truncated: false };
}
