/**
 * Pages of the audit log for the Audit view, newest first, by kind, from a
 * line index (src-main/console/migrate/ndjson-index.ts) so a page costs the
 * same in a log of ten entries or a million. A line that is not an entry (a
 * torn write, an edit) is listed as such: the view shows what the file
 * holds, and audit.verify says whether the chain holds.
 */
import { ServiceError } from '../../../src-shared/ipc/contract';
import { type AuditEntryRow, type AuditListParams, type AuditPage, type AuditRow } from '../../../src-shared/ipc/migrate';
import { IndexCache } from './ndjson-index';

const DAMAGED = '\u0000damaged';
/** Entries are canonical JSON (keys sorted): actor (optional), at, hash, then kind. */
const KIND = /^\{(?:"actor":"(?:[^"\\]|\\.)*",)?"at":"[^"\\]*","hash":"[^"\\]*","kind":("(?:[^"\\]|\\.)*")/;
const MAX_ENTRY_BYTES = 4 << 20;
export const MAX_AUDIT_PAGE = 500;

export function classifyAudit(head: string, complete: boolean): string {
  const m = KIND.exec(head);
  if (m) {
    try {
      return JSON.parse(m[1]!) as string;
    } catch {
      return DAMAGED;
    }
  }
  if (complete) {
    const e = parseEntry(head);
    if (typeof e !== 'string') return e.kind;
  }
  return DAMAGED;
}

/** The same checks as AuditLog's reader: an object with seq, at, kind, prev and hash. */
function parseEntry(text: string): AuditEntryRow | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return 'not valid JSON (torn write or edit)';
  }
  const e = v as Partial<AuditEntryRow> | null;
  if (!e || typeof e !== 'object' || Array.isArray(e)) return 'not a JSON object';
  if (!Number.isInteger(e.seq) || typeof e.hash !== 'string' || typeof e.prev !== 'string' || typeof e.kind !== 'string' || typeof e.at !== 'string') return 'missing seq, at, kind, prev or hash';
  return e as AuditEntryRow;
}

export function checkAuditParams(p: unknown): Required<Omit<AuditListParams, 'kind'>> & { kind: string | null } {
  const r = (p ?? {}) as Partial<Record<keyof AuditListParams, unknown>>;
  if (typeof r !== 'object') throw new ServiceError('BAD_REQUEST', 'expected {offset, limit, kind, order}');
  const offset = r.offset ?? 0;
  const limit = r.limit ?? 100;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) throw new ServiceError('BAD_REQUEST', `offset must be a whole number ≥ 0, got ${JSON.stringify(offset)}`);
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1 || limit > MAX_AUDIT_PAGE) throw new ServiceError('BAD_REQUEST', `limit must be a whole number in 1…${MAX_AUDIT_PAGE}, got ${JSON.stringify(limit)}`);
  if (r.kind !== undefined && (typeof r.kind !== 'string' || r.kind === '' || r.kind.length > 200)) throw new ServiceError('BAD_REQUEST', 'kind: an entry kind such as migrate or migrate.data.end');
  if (r.order !== undefined && r.order !== 'newest' && r.order !== 'oldest') throw new ServiceError('BAD_REQUEST', 'order is newest or oldest');
  return { offset, limit, kind: (r.kind as string | undefined) ?? null, order: (r.order as 'newest' | 'oldest' | undefined) ?? 'newest' };
}

export class AuditPages {
  // The kind follows `actor`, which a caller may make long: look further into each line than for rejects.
  private readonly cache = new IndexCache(classifyAudit, 2, 64 * 1024);

  /** Lines in the log now (catching up with what others appended). */
  async lines(path: string): Promise<number> {
    const idx = this.cache.get(path);
    await idx.refresh();
    return idx.lines;
  }

  async page(path: string, params: unknown): Promise<AuditPage> {
    const q = checkAuditParams(params);
    const idx = this.cache.get(path);
    await idx.refresh();
    // Kinds match like `otbridge audit list --kind`: the kind itself and its sub-kinds.
    const accept = (kind: string): boolean => q.kind === null || kind === q.kind || kind.startsWith(`${q.kind}.`);
    const { total, lines } = idx.select(accept, q.offset, q.limit, q.order === 'newest' ? 'desc' : 'asc');
    const rows: AuditRow[] = (await idx.read(lines, MAX_ENTRY_BYTES)).map(({ line, text, cut }) => {
      if (cut) return { line, entry: null, problem: `an entry longer than ${MAX_ENTRY_BYTES >> 20} MiB: not shown` };
      const e = parseEntry(text);
      return typeof e === 'string' ? { line, entry: null, problem: e } : { line, entry: e, problem: null };
    });
    const kinds: Record<string, number> = {};
    for (const [kind, n] of idx.classCounts()) if (kind !== DAMAGED) kinds[kind] = n;
    return { path, total, offset: q.offset, rows, kinds };
  }
}
