/**
 * A folder of NDJSON files, one per table (`players.ndjson`), one row per
 * line as a JSON object. Bytes are {"$b64": "…"} and integers beyond 2^53
 * {"$int": "…"} (see values.ts), so a round trip through files is exact.
 *
 * As a source it reads lines in file order and resumes by line number; a
 * line that is not a JSON object becomes a placeholder row the engine
 * rejects with the reason. As a target it appends; file sizes are the resume
 * marker, so a resumed run cuts off whatever was written after the last
 * checkpoint and nothing is written twice.
 */
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, readdirSync, statSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fromJsonValue, rowToJson, type Row, type SourceRow, type Value } from '../values';
import { LINE, UNREADABLE, type ConfigWrite, type ScanRequest, type Source, type Target, type WriteBatch, type WriteResult } from './types';

const EXT = '.ndjson';
/** Longest line accepted by default: a row with a few max-size blobs, base64-encoded. */
const MAX_LINE = 64 << 20;

/**
 * Lines of a file as UTF-8 text, 1-based; a line longer than `maxBytes` is
 * reported (and skipped) without ever being held in memory whole, so a
 * hostile file cannot exhaust memory with one endless line.
 */
async function* readLines(path: string, maxBytes: number): AsyncGenerator<{ line: number; text?: string; tooLong?: boolean }> {
  let parts: Buffer[] = [];
  let size = 0;
  let tooLong = false;
  let line = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl >= 0; nl = chunk.indexOf(10, start)) {
      line++;
      const piece = chunk.subarray(start, nl);
      if (tooLong || size + piece.length > maxBytes) yield { line, tooLong: true };
      else yield { line, text: Buffer.concat([...parts, piece]).toString('utf8') };
      parts = [];
      size = 0;
      tooLong = false;
      start = nl + 1;
    }
    const rest = chunk.subarray(start);
    if (tooLong || size + rest.length > maxBytes) {
      tooLong = true;
      parts = [];
      size = 0;
    } else if (rest.length) {
      parts.push(Buffer.from(rest));
      size += rest.length;
    }
  }
  if (tooLong) yield { line: line + 1, tooLong: true };
  else if (size) yield { line: line + 1, text: Buffer.concat(parts).toString('utf8') };
}

export class NdjsonFolder implements Source, Target {
  readonly kind = 'ndjson' as const;
  readonly sql = false;
  private readonly fds = new Map<string, number>();

  constructor(
    readonly dir: string,
    readonly maxLineBytes = MAX_LINE,
  ) {}

  static open(dir: string, opts: { create?: boolean; maxLineBytes?: number } = {}): NdjsonFolder {
    if (opts.create) mkdirSync(dir, { recursive: true });
    else if (!existsSync(dir)) throw new Error(`no such folder: ${dir}`);
    return new NdjsonFolder(dir, opts.maxLineBytes);
  }

  file(table: string): string {
    return join(this.dir, `${table}${EXT}`);
  }

  async tables(): Promise<string[]> {
    return readdirSync(this.dir)
      .filter((f) => f.endsWith(EXT))
      .map((f) => f.slice(0, -EXT.length))
      .sort();
  }

  /** The keys of the first row (files have no schema); undefined when the table has no file. */
  async columns(table: string): Promise<string[] | undefined> {
    if (!existsSync(this.file(table))) return undefined;
    for await (const { row } of this.lines(table)) if (row) return Object.keys(row);
    return [];
  }

  async count(table: string): Promise<number> {
    let n = 0;
    for await (const _ of this.lines(table)) n++;
    return n;
  }

  private async *lines(table: string, skip = 0): AsyncGenerator<{ line: number; row?: Row; error?: string }> {
    const path = this.file(table);
    if (!existsSync(path)) return;
    for await (const { line, text, tooLong } of readLines(path, this.maxLineBytes)) {
      if (line <= skip) continue;
      if (tooLong) {
        yield { line, error: `line ${line} is longer than ${this.maxLineBytes} bytes` };
        continue;
      }
      const t = text!.endsWith('\r') ? text!.slice(0, -1) : text!;
      if (t.trim() === '') continue;
      yield { line, ...parseLine(t, line) };
    }
  }

  async *scan(req: ScanRequest): AsyncIterable<SourceRow[]> {
    let batch: SourceRow[] = [];
    for await (const { line, row, error } of this.lines(req.table, req.skip ?? 0)) {
      let out: SourceRow;
      if (row) {
        out = req.columns.map((c) => row[c] ?? null);
        if (req.predicate && !req.predicate(out)) continue;
      } else {
        out = [];
        (out as unknown as Record<symbol, unknown>)[UNREADABLE] = error;
      }
      (out as unknown as Record<symbol, unknown>)[LINE] = line;
      batch.push(out);
      if (batch.length >= req.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  }

  async write(b: WriteBatch): Promise<WriteResult> {
    const lines = b.rows.map((r) => {
      const o: Row = {};
      b.columns.forEach((c, i) => (o[c] = r[i]!));
      return JSON.stringify(rowToJson(o));
    });
    if (lines.length) writeSync(this.fd(b.table), `${lines.join('\n')}\n`);
    return { rejected: [] };
  }

  async *scanAll(table: string, columns: readonly string[], batchSize: number): AsyncIterable<unknown[][]> {
    let batch: unknown[][] = [];
    for await (const { row } of this.lines(table)) {
      batch.push(columns.map((c) => (row ? (row[c] ?? null) : null)));
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  }

  async setConfig(w: ConfigWrite): Promise<string | undefined> {
    // Appended as a row; an NDJSON target is an export, read back by whatever imports it.
    writeSync(this.fd(w.table), `${JSON.stringify({ [w.keyColumn]: w.key, [w.valueColumn]: w.value })}\n`);
    return undefined;
  }

  async marker(): Promise<Record<string, number>> {
    const sizes: Record<string, number> = {};
    for (const t of await this.tables()) sizes[t] = statSync(this.file(t)).size;
    return sizes;
  }

  async restore(marker: unknown): Promise<void> {
    const sizes = (marker ?? {}) as Record<string, number>;
    this.closeFiles();
    for (const t of await this.tables()) {
      const size = sizes[t] ?? 0;
      if (statSync(this.file(t)).size > size) truncateSync(this.file(t), size);
    }
  }

  async begin(tables: readonly string[], append: boolean): Promise<void> {
    if (append) return;
    this.closeFiles();
    for (const t of tables) if (existsSync(this.file(t))) truncateSync(this.file(t), 0);
  }

  async close(): Promise<void> {
    this.closeFiles();
  }

  private fd(table: string): number {
    let fd = this.fds.get(table);
    if (fd === undefined) {
      fd = openSync(this.file(table), 'a');
      this.fds.set(table, fd);
    }
    return fd;
  }

  private closeFiles(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }
}

function parseLine(text: string, line: number): { row?: Row; error?: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return { error: `line ${line}: not valid JSON (${(e as Error).message})` };
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { error: `line ${line}: not a JSON object` };
  const row: Row = Object.create(null) as Row;
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    const value: Value | Error = fromJsonValue(v);
    if (value instanceof Error) return { error: `line ${line}, column ${k}: ${value.message}` };
    row[k] = value;
  }
  return { row };
}
