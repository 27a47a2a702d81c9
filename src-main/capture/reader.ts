/**
 * Reads a capture (all its parts) through its index: every record in order,
 * one session's records, a range of ids, one record by id, or a page of
 * older rows — each by reading only the blocks it needs, where the index
 * says they are, in large windows read ahead (indexed-blocks.ts). Records
 * come one by one, or a window's worth at a time as records or as columns
 * of summaries; bodies are parsed only when a record's `body` is read.
 *
 * Damage is stepped over and reported in `warnings`: a truncated last block
 * (everything before it is read), a corrupted block (skipped to the next
 * valid one), a missing part.
 */
import { type Dir } from '../../src-shared/records';
import { decodeRecordsAt, decodeSummariesAt } from './decode-packet';
import { SummaryBatch } from './summary-batch';
import { IndexedBlocks, sessionMetaAt } from './indexed-blocks';
import { type CapturedRecord } from './captured-record';
import { EntryBits, type IndexTable } from './index-table';
import { loadIndex, saveIndex, scanInto, type IndexState } from './index-loader';
import { PartFile } from './part-file';
import { type PartContext } from './part-context';
import { listParts, liveWriter, type LockInfo } from './parts';
import { openParts } from './open-parts';
import { mergeSessionMeta, type SessionMeta } from './session-meta';
import { type CaptureWarning } from './errors';

export interface ReaderOptions {
  /** Save a built, rebuilt or caught-up index beside the capture — never while its writer is running (default true). */
  readonly persistIndex: boolean;
  /** Size of sequential reads (default 1 MiB). */
  readonly windowBytes: number;
  /** Build the index again by scanning the capture, whatever index is there (default false: use it when it checks out). */
  readonly rebuildIndex: boolean;
}

export interface RecordQuery {
  readonly session?: number;
  readonly dir?: Dir;
  /** Smallest id, inclusive. */
  readonly fromId?: number;
  /** Largest id, inclusive. */
  readonly toId?: number;
  readonly limit?: number;
  /** Read the records' bytes (plain/wire, and so body); false gives summaries only, faster (default true). */
  readonly bytes?: boolean;
}

/** A record or a session-metadata block, in file order. */
export type CaptureItem = { readonly kind: 'record'; readonly record: CapturedRecord } | { readonly kind: 'session'; readonly meta: SessionMeta };

export interface ItemQuery extends RecordQuery {
  /** Start at this index position (see `entryCount`): how a follower asks for what is new. */
  readonly fromEntry?: number;
  /** Leave out session-metadata blocks (default: included). */
  readonly records?: boolean;
}

export interface PageQuery {
  /** Rows with ids below this one (default: the newest rows). */
  readonly before?: number;
  readonly limit?: number;
  readonly session?: number;
  readonly dir?: Dir;
}

export interface Page {
  /** In id order, oldest first. */
  readonly records: CapturedRecord[];
  /** True when older matching rows exist. */
  readonly more: boolean;
}

export interface IndexInfo {
  readonly state: IndexState;
  /** Entries found by scanning when the index was opened or refreshed. */
  readonly added: number;
  readonly entries: number;
  readonly saved: boolean;
}

/** Index positions picked per round: the table is filtered this many matches at a time, then their blocks are read. */
const POSITIONS_PER_ROUND = 16384;

export class CaptureReader {
  private scannedTo: { part: number; offset: number };
  private indexInfo: IndexInfo;
  private readonly contexts = new WeakMap<PartFile, PartContext>();

  private constructor(
    readonly path: string,
    private parts: PartFile[],
    private readonly table: IndexTable,
    readonly warnings: CaptureWarning[],
    indexInfo: IndexInfo,
    scannedTo: { part: number; offset: number },
    /** True when the last part ends in a partial block. */
    public truncatedTail: boolean,
    /** The process writing this capture now, if any. */
    readonly writer: LockInfo | null,
    private readonly options: ReaderOptions,
  ) {
    this.indexInfo = indexInfo;
    this.scannedTo = scannedTo;
  }

  static async open(path: string, options: Readonly<Partial<ReaderOptions>> = {}): Promise<CaptureReader> {
    const opts: ReaderOptions = { persistIndex: options.persistIndex ?? true, windowBytes: options.windowBytes ?? 1 << 20, rebuildIndex: options.rebuildIndex ?? false };
    const { parts: same, warnings } = await openParts(path);
    try {
      const loaded = await loadIndex(path, same, opts.windowBytes, opts.rebuildIndex);
      warnings.push(...loaded.warnings);
      const writer = await liveWriter(path);
      let saved = false;
      if (opts.persistIndex && loaded.state !== 'loaded' && !writer) {
        try {
          await saveIndex(path, same[0]!.captureId, loaded.table);
          saved = true;
        } catch (e) {
          warnings.push({ kind: 'index', file: path, message: `index not saved: ${(e as Error).message}` });
        }
      }
      return new CaptureReader(
        path,
        same,
        loaded.table,
        warnings,
        { state: loaded.state, added: loaded.added, entries: loaded.table.length, saved },
        loaded.scannedTo,
        loaded.truncatedTail,
        writer,
        opts,
      );
    } catch (e) {
      await Promise.all(same.map((p) => p.close().catch(() => undefined)));
      throw e;
    }
  }

  get index(): IndexInfo {
    return { ...this.indexInfo, entries: this.table.length };
  }

  /** Number of records (session blocks excluded). */
  get recordCount(): number {
    return this.table.recordCount;
  }

  get captureId(): string | undefined {
    return this.parts[0]?.captureId;
  }

  get application(): string | undefined {
    return this.parts[0]?.application;
  }

  /** The files of this capture with their sizes. */
  get files(): readonly { readonly path: string; readonly part: number; readonly size: number }[] {
    return this.parts.map((p) => ({ path: p.path, part: p.part, size: p.size }));
  }

  /** Index entries, for summaries that need no record contents (counts, time spans). */
  get entries(): IndexTable {
    return this.table;
  }

  /** The latest metadata of every session, by session number. */
  async sessions(): Promise<SessionMeta[]> {
    const positions: number[] = [];
    for (let i = 0; i < this.table.length; i++) if (this.table.isSessionBlock(i)) positions.push(i);
    const merged = new Map<number, SessionMeta>();
    const blocks = this.indexedBlocks(Math.min(positions.length, POSITIONS_PER_ROUND));
    try {
      for (let from = 0; from < positions.length; from += POSITIONS_PER_ROUND) {
        blocks.want(positions.slice(from, from + POSITIONS_PER_ROUND), Math.min(POSITIONS_PER_ROUND, positions.length - from));
        while (await blocks.next()) {
          for (let k = blocks.from; k < blocks.to; k++) {
            const meta = this.sessionAt(blocks, k);
            if (meta) merged.set(meta.session, mergeSessionMeta(merged.get(meta.session), meta));
          }
        }
      }
    } finally {
      await blocks.close();
    }
    // Sessions seen only in records (their metadata block was lost) still count.
    for (let i = 0; i < this.table.length; i++) {
      if (this.table.isSessionBlock(i)) continue;
      const s = this.table.session(i);
      if (!merged.has(s)) merged.set(s, { session: s });
    }
    return [...merged.values()].sort((a, b) => a.session - b.session);
  }

  /** Records in capture order, filtered. */
  async *records(q: RecordQuery = {}): AsyncGenerator<CapturedRecord, void, undefined> {
    for await (const batch of this.recordBatches(q)) for (const r of batch) yield r;
  }

  /**
   * records(), a window's worth at a time: the same records in the same
   * order, in arrays of up to a few thousand. Each `await` costs about as
   * much as reading a record's summary, so a loop over millions of records
   * runs several times faster over batches than over records one by one.
   */
  recordBatches(q: RecordQuery = {}): AsyncGenerator<CapturedRecord[], void, undefined> {
    const bytes = q.bytes ?? true;
    return this.batches(
      q,
      (blocks) => this.decodeRecords(blocks, blocks.from, blocks.to, bytes, []),
      (batch, n) => {
        batch.length = n;
      },
    );
  }

  /**
   * The summaries of the records records(q) would give (`bytes` aside), in
   * columns, a window's worth at a time: no object per record, for passes
   * over a whole capture — counts, time spans, filters, a table's rows.
   */
  summaryBatches(q: RecordQuery = {}): AsyncGenerator<SummaryBatch, void, undefined> {
    return this.batches(
      q,
      (blocks) => {
        const part = blocks.part!;
        const batch = new SummaryBatch(blocks.to - blocks.from);
        decodeSummariesAt(blocks.window, blocks.base, blocks, blocks.from, blocks.to, part.littleEndian, this.contextOf(part), this.problemIn(part), batch);
        return batch;
      },
      (batch, n) => {
        batch.length = n;
      },
    );
  }

  /** The matching records' blocks, window by window, each window decoded into a batch; `limit` counts what the batches hold. */
  private async *batches<B extends { length: number }>(
    q: RecordQuery,
    decode: (blocks: IndexedBlocks) => B,
    cut: (batch: B, length: number) => void,
  ): AsyncGenerator<B, void, undefined> {
    const t = this.table;
    const limit = q.limit ?? Infinity;
    let count = 0;
    let i = q.fromId !== undefined ? t.lowerBound(q.fromId) : 0;
    const sortedStop = (k: number): boolean => q.toId !== undefined && t.idsAscending && !t.isSessionBlock(k) && t.id(k) > q.toId;
    const positions = new Int32Array(Math.min(POSITIONS_PER_ROUND, Math.max(1, t.length - i)));
    const blocks = this.indexedBlocks(positions.length);
    try {
      while (i < t.length && count < limit) {
        let n = 0;
        const room = Math.min(positions.length, limit - count);
        let stop = false;
        for (; i < t.length && n < room; i++) {
          if (sortedStop(i)) {
            stop = true;
            break;
          }
          if (this.matches(i, q)) positions[n++] = i;
        }
        blocks.want(positions, n);
        while (await blocks.next()) {
          const batch = decode(blocks);
          if (batch.length === 0) continue;
          if (count + batch.length > limit) cut(batch, limit - count);
          count += batch.length;
          yield batch;
          if (count >= limit) return;
        }
        if (stop) return;
      }
    } finally {
      await blocks.close();
    }
  }

  /**
   * Records and session-metadata blocks in file order (session blocks
   * filtered by `session` too). `limit` counts records.
   */
  async *items(q: ItemQuery = {}): AsyncGenerator<CaptureItem, void, undefined> {
    const t = this.table;
    const limit = q.limit ?? Infinity;
    const bytes = q.bytes ?? true;
    let count = 0;
    let i = Math.max(q.fromEntry ?? 0, q.fromId !== undefined ? t.lowerBound(q.fromId) : 0);
    const wantSession = (k: number): boolean => !q.records && t.isSessionBlock(k) && (q.session === undefined || t.session(k) === q.session);
    const positions = new Int32Array(Math.min(POSITIONS_PER_ROUND, Math.max(1, t.length - i)));
    const blocks = this.indexedBlocks(positions.length);
    try {
      while (i < t.length && count < limit) {
        let n = 0;
        for (; i < t.length && n < positions.length; i++) if (wantSession(i) || this.matches(i, q)) positions[n++] = i;
        blocks.want(positions, n);
        while (await blocks.next()) {
          // Records between session blocks are decoded together; session blocks (few) one by one, in their place.
          let k = blocks.from;
          while (k < blocks.to) {
            if (t.isSessionBlock(positions[k]!)) {
              const meta = this.sessionAt(blocks, k++);
              if (meta) yield { kind: 'session', meta };
              continue;
            }
            let end = k;
            while (end < blocks.to && !t.isSessionBlock(positions[end]!)) end++;
            for (const record of this.decodeRecords(blocks, k, end, bytes, [])) {
              yield { kind: 'record', record };
              if (++count >= limit) return;
            }
            k = end;
          }
        }
      }
    } finally {
      await blocks.close();
    }
  }

  /** Index entries so far (records and session blocks): the position after the last one. */
  get entryCount(): number {
    return this.table.length;
  }

  /** One record by id. */
  async get(id: number): Promise<CapturedRecord | undefined> {
    const i = this.table.find(id);
    if (i < 0) return undefined;
    return (await this.recordsAt([i]))[0];
  }

  /** A page of rows before `before` (the newest when absent), oldest first: how a table pages backwards. */
  async page(q: PageQuery = {}): Promise<Page> {
    const t = this.table;
    const limit = Math.max(1, q.limit ?? 100);
    let i = q.before === undefined ? t.length - 1 : t.lowerBound(q.before) - 1;
    const picked: number[] = [];
    for (; i >= 0 && picked.length < limit; i--) if (this.matches(i, q)) picked.push(i);
    let more = false;
    for (; i >= 0; i--) {
      if (this.matches(i, q)) {
        more = true;
        break;
      }
    }
    picked.reverse();
    return { records: await this.recordsAt(picked), more };
  }

  /**
   * Picks up what was written since open (or the last refresh): new blocks,
   * new parts. Returns the number of new index entries.
   */
  async refresh(): Promise<number> {
    const names = await listParts(this.path);
    for (const n of names) {
      if (this.parts.some((p) => p.part === n.part)) continue;
      let p: PartFile;
      try {
        p = await PartFile.open(n.path, n.part);
      } catch {
        continue; // a part the writer has just created and not yet written: next time
      }
      if (p.captureId !== this.captureId) {
        await p.close();
        continue;
      }
      this.parts.push(p);
    }
    this.parts.sort((a, b) => a.part - b.part);
    for (const p of this.parts) await p.refreshSize();
    const before = this.table.length;
    const scan = await scanInto(this.table, this.parts, this.scannedTo.part, this.scannedTo.offset, this.options.windowBytes);
    this.scannedTo = scan.scannedTo;
    this.truncatedTail = scan.truncatedTail;
    // A partial tail of a growing file is not damage yet; only real corruption is kept.
    this.warnings.push(...scan.warnings.filter((w) => w.kind !== 'truncated'));
    return this.table.length - before;
  }

  async close(): Promise<void> {
    await Promise.all(this.parts.map((p) => p.close().catch(() => undefined)));
    this.parts = [];
  }

  // ---- internals -----------------------------------------------------------

  private matches(i: number, q: RecordQuery | PageQuery): boolean {
    const t = this.table;
    if (t.isSessionBlock(i)) return false;
    if (q.session !== undefined && t.session(i) !== q.session) return false;
    if (q.dir !== undefined && ((t.bits(i) & EntryBits.S2C) !== 0 ? 's2c' : 'c2s') !== q.dir) return false;
    const r = q as RecordQuery;
    if (r.fromId !== undefined && t.id(i) < r.fromId) return false;
    if (r.toId !== undefined && t.id(i) > r.toId) return false;
    return true;
  }

  /** The records at these index positions (ascending, with their bytes). */
  private async recordsAt(positions: readonly number[]): Promise<CapturedRecord[]> {
    const out: CapturedRecord[] = [];
    const blocks = this.indexedBlocks(positions.length);
    try {
      blocks.want(positions, positions.length);
      while (await blocks.next()) this.decodeRecords(blocks, blocks.from, blocks.to, true, out);
    } finally {
      await blocks.close();
    }
    return out;
  }

  private indexedBlocks(capacity: number): IndexedBlocks {
    return new IndexedBlocks(this.table, this.parts, this.options.windowBytes, (part, offset, message) => this.warnings.push({ kind: 'skipped-block', file: part.path, offset, message }), capacity);
  }

  /** Records from blocks [from, to) of the current window, appended to `out` (which is returned). */
  private decodeRecords(blocks: IndexedBlocks, from: number, to: number, bytes: boolean, out: CapturedRecord[]): CapturedRecord[] {
    const part = blocks.part!;
    decodeRecordsAt(blocks.window, blocks.base, blocks, from, to, part.littleEndian, this.contextOf(part), bytes, this.problemIn(part), out);
    return out;
  }

  /** Reports a block of this part that could not be decoded. */
  private problemIn(part: PartFile): (offset: number, problem: string) => void {
    return (offset, problem) => this.warnings.push({ kind: 'skipped-block', file: part.path, offset, message: problem });
  }

  /** The session metadata in block k of the current window; undefined when it is not ours or is broken (a warning says so). */
  private sessionAt(blocks: IndexedBlocks, k: number): SessionMeta | undefined {
    return sessionMetaAt(blocks, k, (part, offset, message) => this.warnings.push({ kind: 'skipped-block', file: part.path, offset, message }));
  }

  /** Decoding context of a part (its first section's interfaces), made once per part: decoding does not change it. */
  private contextOf(part: PartFile): PartContext {
    let c = this.contexts.get(part);
    if (!c) this.contexts.set(part, (c = part.context()));
    return c;
  }
}
