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
import { encodeIndexHeader, ENTRY_SIZE, HOST_LE, INDEX_HEADER_SIZE, swapEntries, type IndexEntry } from './index-table';
import { type IndexSink } from './index-sink';
import { hexBytes, writeFully } from './index-loader';
import { indexPath } from './parts';

/** Entries per chunk: 256 KiB, written in one write() each. */
const CHUNK_ENTRIES = 8192;

/**
 * Entries in the index file's layout (see index-table.ts), filled through
 * typed-array views — IndexTable.pushFields without what a table keeps
 * besides (order, counts, growth).
 */
class EntryChunk {
  readonly u8 = new Uint8Array(CHUNK_ENTRIES * ENTRY_SIZE);
  private readonly u16 = new Uint16Array(this.u8.buffer);
  private readonly u32 = new Uint32Array(this.u8.buffer);
  private readonly f64 = new Float64Array(this.u8.buffer);
  length = 0;

  push(id: number, time: number, part: number, offset: number, session: number, code: number, bits: number): void {
    const i = this.length++;
    this.f64[i << 2] = id;
    this.f64[(i << 2) + 1] = time;
    const low = offset >>> 0;
    this.u32[(i << 3) + 4] = low;
    this.u16[(i << 4) + 10] = (offset - low) / 0x1_0000_0000;
    this.u16[(i << 4) + 11] = part;
    this.u32[(i << 3) + 6] = session >>> 0;
    this.u16[(i << 4) + 14] = code;
    this.u8[(i << 5) + 30] = bits;
    this.u8[(i << 5) + 31] = 0;
  }

  /** The entries as the file holds them (little-endian): a view, or a swapped copy on a big-endian host. */
  bytes(): Uint8Array {
    const view = this.u8.subarray(0, this.length * ENTRY_SIZE);
    if (HOST_LE) return view;
    const copy = view.slice();
    swapEntries(copy, 0, this.length);
    return copy;
  }
}

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
    this.chunk = new EntryChunk();
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

  /** Queues the write of the current chunk and starts another. */
  private flush(): void {
    const full = this.chunk;
    if (full.length === 0) return;
    const at = INDEX_HEADER_SIZE + this.queued * ENTRY_SIZE;
    this.queued += full.length;
    this.queue = this.queue.then(async () => {
      if (this.failure) return;
      try {
        await writeFully(await this.handle, full.bytes(), at);
      } catch (e) {
        this.fail(e);
      }
      full.length = 0;
      this.free.push(full);
    });
    this.chunk = this.free.pop() ?? new EntryChunk();
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
