/**
 * Writes a capture's index file while the index is being built, a chunk of
 * entries at a time, instead of from a table of the whole index held in
 * memory: the indexer pushes entries into a small chunk (8192 entries,
 * 256 KiB); a full one is written at its place in a temporary file while
 * the next one fills, and finish() renames the file over the index —
 * readers never see half of it. What is held at once is a few chunks,
 * whatever the size of the capture.
 *
 * pushFields() is synchronous (the indexer's hot loop cannot wait): writes
 * are queued one after another, and a chunk goes back to the free list
 * once written. A failed write is kept and reported by finish().
 */
import { copyFile, open, rename, rm, truncate, type FileHandle } from 'node:fs/promises';
import { encodeIndexHeader, ENTRY_SIZE, INDEX_HEADER_SIZE, type IndexEntry } from './index-table';
import { EntryChunk } from './entry-chunk';
import { type IndexSink } from './index-sink';
import { hexBytes, writeFully } from './index-loader';
import { indexPath } from './parts';

/** Entries per chunk: 256 KiB, written in one write() each. */
const CHUNK_ENTRIES = 8192;

export class IndexWriter implements IndexSink {
  private chunk: EntryChunk;
  private readonly free: EntryChunk[] = [];
  /** Entries handed to writes so far (after the kept ones). */
  private queued: number;
  private queue: Promise<unknown>;
  private handle: Promise<FileHandle>;
  private failure: Error | null = null;
  private readonly tmp: string;

  /**
   * A new index for the capture at `base`: from scratch (`keep` 0), or the
   * first `keep` entries of the current index file followed by what is
   * pushed (an index caught up with its capture).
   */
  constructor(
    private readonly base: string,
    captureIdHex: string | undefined,
    private readonly keep = 0,
  ) {
    this.tmp = `${indexPath(base)}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`;
    this.queued = keep;
    this.chunk = new EntryChunk(CHUNK_ENTRIES);
    this.handle = this.start(captureIdHex);
    this.queue = this.handle.catch((e: unknown) => this.fail(e));
  }

  private async start(captureIdHex: string | undefined): Promise<FileHandle> {
    if (this.keep > 0) {
      await copyFile(indexPath(this.base), this.tmp);
      await truncate(this.tmp, INDEX_HEADER_SIZE + this.keep * ENTRY_SIZE);
      return open(this.tmp, 'r+');
    }
    const fh = await open(this.tmp, 'w');
    await writeFully(fh, encodeIndexHeader(hexBytes(captureIdHex)), 0);
    return fh;
  }

  pushFields(id: number, time: number, part: number, offset: number, session: number, code: number, bits: number): void {
    const c = this.chunk;
    c.push(id, time, part, offset, session, code, bits);
    if (c.length === CHUNK_ENTRIES) this.flush();
  }

  push(e: IndexEntry): void {
    this.pushFields(e.id, e.time, e.part, e.offset, e.session, e.code, e.bits);
  }

  pushEntries(from: EntryChunk): void {
    for (let k = 0; k < from.length; ) {
      const c = this.chunk;
      const n = Math.min(from.length - k, CHUNK_ENTRIES - c.length);
      c.u8.set(from.u8.subarray(k * ENTRY_SIZE, (k + n) * ENTRY_SIZE), c.length * ENTRY_SIZE);
      c.length += n;
      k += n;
      if (c.length === CHUNK_ENTRIES) this.flush();
    }
  }

  /** Queues the write of the current chunk and starts another. */
  private flush(): void {
    const full = this.chunk;
    if (full.length === 0) return;
    const at = INDEX_HEADER_SIZE + this.queued * ENTRY_SIZE;
    this.queued += full.length;
    this.queue = this.queue.then(async () => {
      if (this.failure) return;
      try {
        await writeFully(await this.handle, full.fileBytes(), at);
      } catch (e) {
        this.fail(e);
      }
      full.length = 0;
      this.free.push(full);
    });
    this.chunk = this.free.pop() ?? new EntryChunk(CHUNK_ENTRIES);
  }

  private fail(e: unknown): void {
    this.failure ??= e instanceof Error ? e : new Error(String(e));
  }

  /** Writes what is left and puts the file in place of the index; throws (after removing the file) when a write failed. */
  async finish(): Promise<void> {
    this.flush();
    await this.queue;
    const fh = await this.handle.catch(() => null);
    await fh?.close().catch((e: unknown) => this.fail(e));
    if (!this.failure) {
      try {
        await rename(this.tmp, indexPath(this.base));
        return;
      } catch (e) {
        this.fail(e);
      }
    }
    await rm(this.tmp, { force: true });
    throw this.failure!;
  }

  /** Gives up: waits for writes in flight and removes the file. */
  async abort(): Promise<void> {
    this.fail(new Error('aborted'));
    await this.queue;
    const fh = await this.handle.catch(() => null);
    await fh?.close().catch(() => undefined);
    await rm(this.tmp, { force: true });
  }
}
