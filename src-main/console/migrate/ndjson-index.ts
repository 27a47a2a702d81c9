/**
 * Random access to the lines of an NDJSON file that only grows while it is
 * read (a run's rejects file, the audit log): where each line starts and a
 * small class per line (a reject's table and kind, an audit entry's kind),
 * so a page anywhere — the 90 000th reject of one table — costs a few reads
 * instead of parsing the file from the top every time.
 *
 * The index keeps 12 bytes per line, never the lines. Only complete lines
 * (ending in a newline) are indexed: a writer's half-written last line waits
 * for the next refresh. A line of any length streams through with only its
 * first `headBytes` kept for classing. If the file shrank or was rewritten
 * under us (a resumed run cuts its rejects back; a new run starts them
 * anew), the index starts over: the bytes just before the indexed end are
 * compared with what was there.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { doubled } from '../../../src-shared/typed-arrays';

/** Bytes of each line kept for classing it, unless told otherwise. */
const HEAD_BYTES = 4096;
const CHUNK = 256 * 1024;
/** Bytes compared to tell an appended file from a rewritten one. */
const TAIL_CHECK = 64;
/** Largest single read that serves several requested lines at once. */
const COALESCE = 1 << 20;

export interface IndexedLine {
  /** 1-based. */
  readonly line: number;
  readonly text: string;
  /** The line is longer than the read limit: `text` holds only its beginning. */
  readonly cut: boolean;
}

/** Classes a line from its first bytes (all of it when `complete`); '' is fine. */
export type LineClassifier = (head: string, complete: boolean) => string;

export class NdjsonLineIndex {
  private starts = new Float64Array(1024);
  private classOf = new Uint32Array(1024);
  private lineCount = 0;
  /** Bytes covered by complete lines. */
  private indexed = 0;
  private tail: Buffer = Buffer.alloc(0);
  private readonly classNames: string[] = [];
  private readonly classIds = new Map<string, number>();
  private counts: number[] = [];
  private busy: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly classify: LineClassifier,
    private readonly headBytes = HEAD_BYTES,
  ) {}

  get lines(): number {
    return this.lineCount;
  }

  /** Lines per class, over the whole file. */
  classCounts(): Map<string, number> {
    const out = new Map<string, number>();
    this.counts.forEach((n, id) => n && out.set(this.classNames[id]!, n));
    return out;
  }

  /** Catches up with the file (serialised: concurrent callers share one pass). */
  refresh(): Promise<void> {
    const next = this.busy.then(() => this.catchUp());
    this.busy = next.catch(() => {});
    return next;
  }

  /** Forget everything (the file is known to have been replaced). */
  reset(): void {
    this.lineCount = 0;
    this.indexed = 0;
    this.tail = Buffer.alloc(0);
    this.counts = this.counts.map(() => 0);
  }

  private async catchUp(): Promise<void> {
    let fh: FileHandle;
    try {
      fh = await open(this.path, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        this.reset();
        return;
      }
      throw e;
    }
    try {
      const size = (await fh.stat()).size;
      if (size < this.indexed || !(await this.sameTail(fh))) this.reset();
      if (size === this.indexed) return;
      await this.scan(fh, size);
    } finally {
      await fh.close();
    }
  }

  private async sameTail(fh: FileHandle): Promise<boolean> {
    if (!this.tail.length) return true;
    const b = Buffer.alloc(this.tail.length);
    const { bytesRead } = await fh.read(b, 0, b.length, this.indexed - this.tail.length);
    return bytesRead === b.length && b.equals(this.tail);
  }

  private async scan(fh: FileHandle, size: number): Promise<void> {
    const buf = Buffer.alloc(CHUNK);
    const head = Buffer.alloc(this.headBytes);
    let headLen = 0;
    let lineStart = this.indexed;
    let complete = true;
    let pos = this.indexed;
    while (pos < size) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(CHUNK, size - pos), pos);
      if (bytesRead === 0) break;
      let i = 0;
      while (i < bytesRead) {
        const nl = buf.indexOf(10, i);
        const end = nl < 0 || nl >= bytesRead ? bytesRead : nl;
        const take = Math.min(end - i, this.headBytes - headLen);
        if (take > 0) {
          buf.copy(head, headLen, i, i + take);
          headLen += take;
        }
        if (end - i > take) complete = false;
        if (end === bytesRead) break;
        this.push(lineStart, this.classify(head.toString('utf8', 0, headLen), complete));
        lineStart = pos + end + 1;
        headLen = 0;
        complete = true;
        i = end + 1;
      }
      pos += bytesRead;
    }
    this.indexed = lineStart;
    const n = Math.min(TAIL_CHECK, this.indexed);
    this.tail = Buffer.alloc(n);
    if (n) await fh.read(this.tail, 0, n, this.indexed - n);
  }

  private push(start: number, cls: string): void {
    if (this.lineCount === this.starts.length) {
      this.starts = doubled(this.starts);
      this.classOf = doubled(this.classOf);
    }
    let id = this.classIds.get(cls);
    if (id === undefined) {
      id = this.classNames.length;
      this.classNames.push(cls);
      this.classIds.set(cls, id);
      this.counts.push(0);
    }
    this.starts[this.lineCount] = start;
    this.classOf[this.lineCount] = id;
    this.counts[id]!++;
    this.lineCount++;
  }

  /**
   * Lines (0-based indexes) of the classes `accept` takes, from `offset`,
   * at most `limit`, oldest first or newest first; and how many there are.
   */
  select(accept: (cls: string) => boolean, offset: number, limit: number, order: 'asc' | 'desc' = 'asc'): { total: number; lines: number[] } {
    const ok = this.classNames.map(accept);
    const n = this.lineCount;
    if (ok.every(Boolean)) {
      // Every line counts: the page is a range, no scan.
      const lines: number[] = [];
      for (let k = offset; k < Math.min(n, offset + limit); k++) lines.push(order === 'asc' ? k : n - 1 - k);
      return { total: n, lines };
    }
    const lines: number[] = [];
    let total = 0;
    for (let k = 0; k < n; k++) {
      const i = order === 'asc' ? k : n - 1 - k;
      if (!ok[this.classOf[i]!]) continue;
      if (total >= offset && lines.length < limit) lines.push(i);
      total++;
    }
    return { total, lines };
  }

  /**
   * The text of indexed lines (0-based indexes), each cut at `maxBytes`, in
   * the order asked. Lines close together in the file are read with one
   * read: a page of neighbours costs one system call, not a hundred.
   */
  async read(lines: readonly number[], maxBytes: number): Promise<IndexedLine[]> {
    const wanted = [...new Set(lines.filter((i) => Number.isInteger(i) && i >= 0 && i < this.lineCount))].sort((a, b) => a - b);
    if (!wanted.length) return [];
    const span = (i: number): [number, number] => [this.starts[i]!, (i + 1 < this.lineCount ? this.starts[i + 1]! : this.indexed) - 1];
    const got = new Map<number, IndexedLine>();
    const fh = await open(this.path, 'r');
    try {
      for (let g = 0; g < wanted.length; ) {
        // A group: following lines whose bytes (each cut to maxBytes) fit one read of at most COALESCE bytes.
        let h = g;
        const from = span(wanted[g]!)[0];
        while (h + 1 < wanted.length) {
          const [s, e] = span(wanted[h + 1]!);
          if (s + Math.min(e - s, maxBytes) - from > COALESCE || e - s > maxBytes) break;
          h++;
        }
        const [, lastEnd] = span(wanted[h]!);
        const [firstStart, firstEnd] = span(wanted[g]!);
        const to = h === g ? firstStart + Math.min(firstEnd - firstStart, maxBytes) : lastEnd;
        const buf = Buffer.alloc(Math.max(0, to - from));
        const { bytesRead } = await fh.read(buf, 0, buf.length, from);
        for (let k = g; k <= h; k++) {
          const i = wanted[k]!;
          const [s, e] = span(i);
          const len = Math.min(e - s, maxBytes);
          const a = Math.min(s - from, bytesRead);
          got.set(i, { line: i + 1, text: buf.toString('utf8', a, Math.min(a + len, bytesRead)), cut: e - s > maxBytes });
        }
        g = h + 1;
      }
    } finally {
      await fh.close();
    }
    return lines.flatMap((i) => got.get(i) ?? []);
  }
}

/** A few indexes kept open, least recently used dropped first. */
export class IndexCache {
  private readonly map = new Map<string, NdjsonLineIndex>();

  constructor(
    private readonly classify: LineClassifier,
    private readonly size = 8,
    private readonly headBytes = HEAD_BYTES,
  ) {}

  get(path: string): NdjsonLineIndex {
    let idx = this.map.get(path);
    if (idx) this.map.delete(path);
    else idx = new NdjsonLineIndex(path, this.classify, this.headBytes);
    this.map.set(path, idx);
    while (this.map.size > this.size) this.map.delete(this.map.keys().next().value!);
    return idx;
  }

  /** The file is being replaced (a new run starts writing it): index it anew next time. */
  forget(path: string): void {
    this.map.get(path)?.reset();
  }
}
