/**
 * Writes a capture's index file while the index is being built, a chunk of
 * entries at a time, instead of from a table of the whole index held in
 * memory. Entries arrive either one by one (copied into a chunk) or as
 * whole chunks the indexer hands over (adoptEntries: no copy — the chunk is
 * written as it is, and the indexer gets an empty one back). Chunks are
 * gathered until about 1 MiB is waiting, then written with one writev() at
 * their place in a temporary file while the next ones fill; finish()
 * renames the file over the index — readers never see half of it, and a
 * crash leaves only a temporary file no reader opens. What is held at once
 * is the chunks in flight, whatever the size of the capture; their memory
 * comes from, and goes back to, the shared pool (buffer-pool.ts).
 *
 * pushFields() and adoptEntries() are synchronous (the indexer's hot loop
 * cannot wait): writes are queued one after another, and chunks are
 * reused once written. A failed write is kept and reported by finish().
 */
import { copyFile, open, rename, rm, truncate, type FileHandle } from 'node:fs/promises';
import { encodeIndexHeader, ENTRY_SIZE, INDEX_HEADER_SIZE, type IndexEntry } from './index-table';
import { EntryChunk } from './entry-chunk';
import { type AdoptingSink } from './index-sink';
import { hexBytes, writeFully } from './index-loader';
import { indexPath } from './parts';
import { passBuffers } from './buffer-pool';

/** Entries per chunk filled by copying: 256 KiB. */
const CHUNK_ENTRIES = 8192;
/** Bytes gathered before a write is queued: one writev() (one wake-up of a pool thread) per MiB. */
const WRITE_BYTES = 1 << 20;

export class IndexWriter implements AdoptingSink {
  /** The chunk pushFields()/pushEntries() copy into. */
  private chunk: EntryChunk;
  /** Full chunks not yet handed to a write. */
  private pending: EntryChunk[] = [];
  private pendingEntries = 0;
  /** Written chunks, by capacity, ready to be filled again. */
  private readonly free = new Map<number, EntryChunk[]>();
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
    this.chunk = this.emptyChunk(CHUNK_ENTRIES);
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
    if (c.length === c.capacity) this.takeCopyChunk();
  }

  push(e: IndexEntry): void {
    this.pushFields(e.id, e.time, e.part, e.offset, e.session, e.code, e.bits);
  }

  pushEntries(from: EntryChunk): void {
    for (let k = 0; k < from.length; ) {
      const c = this.chunk;
      const n = Math.min(from.length - k, c.capacity - c.length);
      c.u8.set(from.u8.subarray(k * ENTRY_SIZE, (k + n) * ENTRY_SIZE), c.length * ENTRY_SIZE);
      c.length += n;
      k += n;
      if (c.length === c.capacity) this.takeCopyChunk();
    }
  }

  /** Keeps `chunk` to write as it is (after what was pushed before it); an empty chunk of its capacity in return. */
  adoptEntries(chunk: EntryChunk): EntryChunk {
    if (chunk.length === 0) return chunk;
    this.takeCopyChunk(); // entries copied earlier go first
    this.enqueue(chunk);
    return this.emptyChunk(chunk.capacity);
  }

  /** The copy chunk, when it holds entries, joins the pending ones; a fresh one takes its place. */
  private takeCopyChunk(): void {
    if (this.chunk.length === 0) return;
    this.enqueue(this.chunk);
    this.chunk = this.emptyChunk(CHUNK_ENTRIES);
  }

  private enqueue(c: EntryChunk): void {
    this.pending.push(c);
    this.pendingEntries += c.length;
    if (this.pendingEntries * ENTRY_SIZE >= WRITE_BYTES) this.flush();
  }

  /** Queues one write of the pending chunks, at their place in the file. */
  private flush(): void {
    if (this.pending.length === 0) return;
    const chunks = this.pending;
    const at = INDEX_HEADER_SIZE + this.queued * ENTRY_SIZE;
    this.queued += this.pendingEntries;
    this.pending = [];
    this.pendingEntries = 0;
    this.queue = this.queue.then(async () => {
      if (!this.failure) {
        try {
          await writeAllV(await this.handle, chunks.map((c) => c.fileBytes()), at);
        } catch (e) {
          this.fail(e);
        }
      }
      for (const c of chunks) this.recycle(c);
    });
  }

  private emptyChunk(capacity: number): EntryChunk {
    const c = this.free.get(capacity)?.pop();
    if (c) return c;
    return new EntryChunk(capacity, passBuffers.take(capacity * ENTRY_SIZE));
  }

  private recycle(c: EntryChunk): void {
    c.length = 0;
    let list = this.free.get(c.capacity);
    if (!list) this.free.set(c.capacity, (list = []));
    list.push(c);
  }

  /** Every chunk's memory back to the pool: no write is in flight any more. */
  private releaseChunks(): void {
    for (const list of this.free.values()) for (const c of list) passBuffers.give(c.buffer);
    this.free.clear();
  }

  private fail(e: unknown): void {
    this.failure ??= e instanceof Error ? e : new Error(String(e));
  }

  /** Writes what is left and puts the file in place of the index; throws (after removing the file) when a write failed. */
  async finish(): Promise<void> {
    this.takeCopyChunk();
    this.flush();
    await this.queue;
    this.releaseChunks();
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
    this.releaseChunks();
    const fh = await this.handle.catch(() => null);
    await fh?.close().catch(() => undefined);
    await rm(this.tmp, { force: true });
  }
}

/** Writes all of `parts`, one after another, from `position`: one writev(), and more only if the kernel took fewer bytes. */
async function writeAllV(fh: FileHandle, parts: Uint8Array[], position: number): Promise<void> {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const { bytesWritten } = await fh.writev(parts, position);
  if (bytesWritten === total) return;
  if (bytesWritten < 0) throw new Error('the index file took no bytes');
  // A short write: the rest, part by part.
  let skip = bytesWritten;
  let at = position + bytesWritten;
  for (const p of parts) {
    if (skip >= p.length) {
      skip -= p.length;
      continue;
    }
    const rest = p.subarray(skip);
    skip = 0;
    await writeFully(fh, rest, at);
    at += rest.length;
  }
}
