/**
 * Reads a capture (all its parts) through its index: every record in order,
 * one session's records, a range of ids, one record by id, or a page of
 * older rows — each by reading only the blocks it needs, in large coalesced
 * reads. Bodies are parsed only when a record's `body` is read.
 *
 * Damage is stepped over and reported in `warnings`: a truncated last block
 * (everything before it is read), a corrupted block (skipped to the next
 * valid one), a missing part.
 */
import { type Dir } from '../../src-shared/records';
import { type ReadBlocksResult } from './pcapng/blocks';
import { type RawBlock } from './pcapng/scan';
import { decodeRecordBlocks, decodeSessionBlock, isCustomBlock } from './decode-packet';
import { type CapturedRecord } from './captured-record';
import { EntryBits, type IndexTable } from './index-table';
import { loadIndex, saveIndex, scanInto, type IndexState } from './index-loader';
import { PartFile } from './part-file';
import { listParts, liveWriter, type LockInfo } from './parts';
import { mergeSessionMeta, type SessionMeta } from './session-meta';
import { CaptureError, type CaptureWarning } from './errors';

export interface ReaderOptions {
  /** Save a built, rebuilt or caught-up index beside the capture — never while its writer is running (default true). */
  readonly persistIndex: boolean;
  /** Size of sequential reads (default 1 MiB). */
  readonly windowBytes: number;
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

/** Coalesce two wanted blocks into one read when they are this close. */
const GAP_BYTES = 256 * 1024;
/** Largest coalesced read, beyond the last block it must include. */
const MAX_RANGE = 4 * 1024 * 1024;
/** Positions resolved per round trip to the files. */
const POSITIONS_PER_ROUND = 4096;

export class CaptureReader {
  private scannedTo: { part: number; offset: number };
  private indexInfo: IndexInfo;

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
    const opts: ReaderOptions = { persistIndex: options.persistIndex ?? true, windowBytes: options.windowBytes ?? 1 << 20 };
    const names = await listParts(path);
    if (!names.some((n) => n.part === 0)) throw new CaptureError('NOT_FOUND', `${path}: no such capture file`);
    const parts: PartFile[] = [];
    const warnings: CaptureWarning[] = [];
    try {
      for (const n of names) parts.push(await PartFile.open(n.path, n.part));
      for (let i = 1; i < parts.length; i++) {
        const p = parts[i]!;
        if (p.part !== parts[i - 1]!.part + 1) {
          warnings.push({ kind: 'missing-part', file: p.path, message: `parts ${parts[i - 1]!.part + 1}..${p.part - 1} are missing; their records are not in this capture` });
        }
        if (p.captureId !== parts[0]!.captureId) {
          warnings.push({ kind: 'missing-part', file: p.path, message: `${p.path} belongs to another capture (its capture id differs); it was left out` });
        }
      }
      const same = parts.filter((p) => p.captureId === parts[0]!.captureId);
      for (const p of parts) if (!same.includes(p)) await p.close();
      const loaded = await loadIndex(path, same, opts.windowBytes);
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
      await Promise.all(parts.map((p) => p.close().catch(() => undefined)));
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
    for await (const { blocks } of this.blocksAt(positions)) {
      for (const block of blocks) {
        const meta = decodeSessionBlock(block);
        if (meta && typeof meta !== 'string') merged.set(meta.session, mergeSessionMeta(merged.get(meta.session), meta));
      }
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
    const t = this.table;
    const limit = q.limit ?? Infinity;
    let count = 0;
    let i = q.fromId !== undefined ? t.lowerBound(q.fromId) : 0;
    const sortedStop = (k: number): boolean => q.toId !== undefined && t.idsAscending && !t.isSessionBlock(k) && t.id(k) > q.toId;
    while (i < t.length && count < limit) {
      const batch: number[] = [];
      const room = Math.min(POSITIONS_PER_ROUND, limit - count);
      let stop = false;
      for (; i < t.length && batch.length < room; i++) {
        if (sortedStop(i)) {
          stop = true;
          break;
        }
        if (this.matches(i, q)) batch.push(i);
      }
      for await (const r of this.recordsAt(batch, q.bytes ?? true)) {
        yield r;
        if (++count >= limit) return;
      }
      if (stop) return;
    }
  }

  /**
   * Records and session-metadata blocks in file order (session blocks
   * filtered by `session` too). `limit` counts records.
   */
  async *items(q: ItemQuery = {}): AsyncGenerator<CaptureItem, void, undefined> {
    const t = this.table;
    const limit = q.limit ?? Infinity;
    let count = 0;
    let i = Math.max(q.fromEntry ?? 0, q.fromId !== undefined ? t.lowerBound(q.fromId) : 0);
    const wantSession = (k: number): boolean => !q.records && t.isSessionBlock(k) && (q.session === undefined || t.session(k) === q.session);
    while (i < t.length && count < limit) {
      const batch: number[] = [];
      for (; i < t.length && batch.length < POSITIONS_PER_ROUND; i++) if (wantSession(i) || this.matches(i, q)) batch.push(i);
      for await (const { blocks, part } of this.blocksAt(batch)) {
        const records = decodeRecordBlocks(
          blocks.filter((b) => !isCustomBlock(b.type)),
          part.context(),
          q.bytes ?? true,
          (b, problem) => this.warnings.push({ kind: 'skipped-block', file: part.path, offset: b.offset, message: problem }),
        );
        let k = 0;
        for (const block of blocks) {
          if (isCustomBlock(block.type)) {
            const meta = decodeSessionBlock(block);
            if (meta && typeof meta !== 'string') yield { kind: 'session', meta };
            continue;
          }
          const r = records[k++];
          if (!r) continue;
          yield { kind: 'record', record: r };
          if (++count >= limit) return;
        }
      }
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
    for await (const r of this.recordsAt([i])) return r;
    return undefined;
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
    const records: CapturedRecord[] = [];
    for await (const r of this.recordsAt(picked)) records.push(r);
    return { records, more };
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

  private async *recordsAt(positions: readonly number[], bytes = true): AsyncGenerator<CapturedRecord, void, undefined> {
    for await (const { blocks, part } of this.blocksAt(positions)) {
      const records = decodeRecordBlocks(blocks, part.context(), bytes, (b, problem) =>
        this.warnings.push({ kind: 'skipped-block', file: part.path, offset: b.offset, message: problem }),
      );
      for (const r of records) if (r) yield r;
    }
  }

  /**
   * The blocks at these index positions (ascending), read in coalesced ranges:
   * neighbours closer than GAP_BYTES share one read, up to MAX_RANGE.
   */
  private async *blocksAt(positions: readonly number[]): AsyncGenerator<{ blocks: RawBlock[]; part: PartFile }, void, undefined> {
    const t = this.table;
    let k = 0;
    while (k < positions.length) {
      const first = positions[k]!;
      const part = this.parts.find((p) => p.part === t.part(first));
      if (!part) {
        k++;
        continue;
      }
      const start = t.offset(first);
      let last = k;
      while (
        last + 1 < positions.length &&
        t.part(positions[last + 1]!) === part.part &&
        t.offset(positions[last + 1]!) - t.offset(positions[last]!) <= GAP_BYTES &&
        t.offset(positions[last + 1]!) - start <= MAX_RANGE
      ) {
        last++;
      }
      // The range ends where the next indexed block of this part starts (blocks are contiguous), or at the end of the part.
      const after = positions[last]! + 1;
      const end = after < t.length && t.part(after) === part.part && t.offset(after) > t.offset(positions[last]!) ? t.offset(after) : part.size;
      const wanted = new Set<number>();
      for (let j = k; j <= last; j++) wanted.add(t.offset(positions[j]!));
      const out: ReadBlocksResult = { end: start, truncatedTail: false };
      for await (const batch of part.blocks(start, end, part.scanState(), out, this.options.windowBytes)) {
        const blocks = last === k ? batch.blocks.filter((b) => b.offset === start) : batch.blocks.filter((b) => wanted.has(b.offset));
        if (blocks.length) yield { blocks, part };
      }
      k = last + 1;
    }
  }
}
