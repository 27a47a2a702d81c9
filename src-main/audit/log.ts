/**
 * The audit log: an append-only NDJSON file where every entry carries the
 * SHA-256 of the previous one, so an edited, removed or reordered entry
 * breaks the chain at exactly that point and `verify()` names it.
 *
 * Writers in other processes (a CLI run beside the console) are serialised
 * with a lock file beside the log, so two appends never chain from the same
 * predecessor. A crash mid-write leaves a torn last line: the next append
 * terminates it with a newline and chains from the last intact entry, and
 * `verify()` reports the torn line — nothing is ever rewritten.
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, fstatSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { canonicalJson } from './canonical';
import { withFileLock } from './lock';

/** What a caller records: a kind such as 'migrate.data', who did it, with what, and how it ended. */
export interface AuditInput {
  readonly kind: string;
  readonly actor?: string;
  readonly params: unknown;
  readonly outcome: unknown;
}

export interface AuditEntry extends AuditInput {
  /** 1-based position in the chain. */
  readonly seq: number;
  /** ISO-8601 time of the append. */
  readonly at: string;
  /** Hash of the previous entry ('' for the first). */
  readonly prev: string;
  /** SHA-256 (hex) of this entry's canonical JSON without `hash`. */
  readonly hash: string;
}

export interface VerifyResult {
  readonly ok: boolean;
  /** Intact entries before the first break (all of them when ok). */
  readonly entries: number;
  /** Hash of the last intact entry: note it elsewhere to detect a rewritten tail later. */
  readonly head: string;
  readonly firstBroken?: { readonly line: number; readonly seq?: number; readonly reason: string };
}

export class AuditError extends Error {}

const GENESIS = '';
/** Longest line read back when finding the chain head; entries are small, params are summaries. */
const MAX_TAIL = 1 << 20;

export function entryHash(entry: Omit<AuditEntry, 'hash'>): string {
  return createHash('sha256').update(canonicalJson(entry)).digest('hex');
}

export class AuditLog {
  private constructor(readonly path: string) {}

  /** Opens (creating the folder and file if needed) the log at `path`. */
  static open(path: string): AuditLog {
    mkdirSync(dirname(path), { recursive: true });
    closeSync(openSync(path, 'a'));
    return new AuditLog(path);
  }

  /** Appends one entry, chained to the last intact one, and returns it. */
  async append(input: AuditInput): Promise<AuditEntry> {
    if (typeof input.kind !== 'string' || input.kind === '') throw new AuditError('audit entry needs a kind');
    return withFileLock(`${this.path}.lock`, () => {
      const fd = openSync(this.path, 'a+');
      try {
        const { last, tornTail } = readTail(fd);
        const base = {
          seq: (last?.seq ?? 0) + 1,
          at: new Date().toISOString(),
          kind: input.kind,
          ...(input.actor !== undefined ? { actor: input.actor } : {}),
          params: input.params ?? null,
          outcome: input.outcome ?? null,
          prev: last?.hash ?? GENESIS,
        };
        const entry: AuditEntry = { ...base, hash: entryHash(base) };
        // Round-trip through canonical JSON so what we return is what verify() will read.
        const line = `${tornTail ? '\n' : ''}${canonicalJson(entry)}\n`;
        writeSync(fd, line);
        return JSON.parse(line) as AuditEntry;
      } finally {
        closeSync(fd);
      }
    });
  }

  /** Every parseable entry in file order (a broken chain does not stop it: use verify() for that). */
  async *entries(): AsyncGenerator<AuditEntry> {
    for await (const { entry } of lines(this.path)) if (entry) yield entry;
  }

  async read(filter: { kind?: string; limit?: number } = {}): Promise<AuditEntry[]> {
    const out: AuditEntry[] = [];
    for await (const e of this.entries()) {
      if (filter.kind && e.kind !== filter.kind && !e.kind.startsWith(`${filter.kind}.`)) continue;
      out.push(e);
    }
    return filter.limit ? out.slice(-filter.limit) : out;
  }

  /** Walks the chain; stops at the first entry that is unparseable, out of sequence, unlinked or altered. */
  async verify(): Promise<VerifyResult> {
    let prev = GENESIS;
    let count = 0;
    for await (const { line, entry, error } of lines(this.path)) {
      const broken = (reason: string, seq?: number): VerifyResult => ({
        ok: false,
        entries: count,
        head: prev,
        firstBroken: { line, ...(seq !== undefined ? { seq } : {}), reason },
      });
      if (!entry) return broken(error ?? 'not an entry');
      const { hash, ...rest } = entry;
      if (entry.seq !== count + 1) return broken(`sequence ${String(entry.seq)} where ${count + 1} was expected (entry removed or reordered)`, entry.seq);
      if (entry.prev !== prev) return broken('prev does not match the hash of the entry before it (entry removed, inserted or reordered)', entry.seq);
      if (entryHash(rest) !== hash) return broken('hash does not match the contents (entry edited)', entry.seq);
      prev = hash;
      count++;
    }
    return { ok: true, entries: count, head: prev };
  }
}

interface Line {
  readonly line: number;
  readonly entry?: AuditEntry;
  readonly error?: string;
}

async function* lines(path: string): AsyncGenerator<Line> {
  if (!existsSync(path)) return;
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let n = 0;
  for await (const text of rl) {
    n++;
    if (text === '') {
      yield { line: n, error: 'empty line' };
      continue;
    }
    yield { line: n, ...parseEntry(text) };
  }
}

function parseEntry(text: string): { entry?: AuditEntry; error?: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: 'not valid JSON (torn write or edit)' };
  }
  const e = value as Partial<AuditEntry> | null;
  if (!e || typeof e !== 'object' || Array.isArray(e)) return { error: 'not a JSON object' };
  if (!Number.isInteger(e.seq) || typeof e.hash !== 'string' || typeof e.prev !== 'string' || typeof e.kind !== 'string' || typeof e.at !== 'string')
    return { error: 'missing seq, at, kind, prev or hash' };
  return { entry: e as AuditEntry };
}

/** The last intact entry of the file and whether its final line was torn (no newline). */
function readTail(fd: number): { last?: AuditEntry; tornTail: boolean } {
  const size = fstatSync(fd).size;
  if (size === 0) return { tornTail: false };
  const len = Math.min(size, MAX_TAIL);
  const buf = Buffer.alloc(len);
  readSync(fd, buf, 0, len, size - len);
  const text = buf.toString('utf8');
  const tornTail = !text.endsWith('\n');
  const parts = text.split('\n');
  for (let i = parts.length - 1; i >= 0; i--) {
    const part = parts[i]!;
    if (part === '' || (i === 0 && len < size)) continue;
    const { entry } = parseEntry(part);
    if (entry) return { last: entry, tornTail };
  }
  if (len < size) throw new AuditError(`no intact entry in the last ${MAX_TAIL} bytes of the audit log; run \`otbridge audit verify\``);
  return { tornTail };
}
