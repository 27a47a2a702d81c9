/**
 * A capture's index passed entry by entry to a consumer (an IndexSink)
 * instead of loaded into a table: the same checks, catch-up and rebuild as
 * loadIndex (index-loader.ts), for passes that keep only part of each
 * entry — a replay keeps per-session positions, 4 bytes a record instead of
 * the entry's 32. Nothing here grows with the capture: the index file is
 * read through one 1 MiB buffer, and an index that has to be built or
 * caught up is written as it is found (index-writer.ts).
 *
 * Checks, as loadIndex: the header (magic, version, entry size, capture
 * id), a size no larger than the capture could need, the last entries
 * against the files (a tail whose blocks are gone is dropped), the first,
 * the last and 16 entries spread between them against their blocks, and —
 * during the pass — every entry in order within a part of this capture. An
 * index that fails is discarded (the consumer is told to start again) and
 * the capture scanned instead, with a warning saying why.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { readFully } from './pcapng/file-windows';
import { blockLength, checkEntryAgainst, hexBytes, sameBytes, scanInto, type IndexState } from './index-loader';
import { decodeIndexHeader, ENTRY_SIZE, HOST_LE, INDEX_HEADER_SIZE, swapEntries, type IndexEntry } from './index-table';
import { type AdoptingSink, type IndexSink } from './index-sink';
import { EntryChunk } from './entry-chunk';
import { EntryOrder } from './entry-views';
import { IndexWriter } from './index-writer';
import { type PartFile } from './part-file';
import { indexPath } from './parts';
import { type CaptureWarning } from './errors';

/** A consumer that can be told to forget what it was given (the index it came from did not check out). */
export interface StreamSink extends IndexSink {
  reset(): void;
}

export interface StreamOptions {
  readonly windowBytes?: number;
  /** Write a built or caught-up index beside the capture (false while its writer is running). */
  readonly persist: boolean;
  /** Scan the capture whatever index is there (default false: use it when it checks out). */
  readonly rebuild?: boolean;
}

export interface StreamedIndex {
  readonly state: IndexState;
  /** Entries given to the sink. */
  readonly entries: number;
  /** Entries found by scanning. */
  readonly added: number;
  readonly saved: boolean;
  readonly warnings: CaptureWarning[];
  readonly scannedTo: { part: number; offset: number };
  readonly truncatedTail: boolean;
}

/** Entries read per read() of the index file: 1 MiB. */
const CHUNK_ENTRIES = 32768;
/** Entries checked against their blocks besides the first and the last (as loadIndex). */
const SPOT_CHECKS = 16;

export async function streamIndex(base: string, parts: readonly PartFile[], sink: StreamSink, o: StreamOptions): Promise<StreamedIndex> {
  const byPart = new Map(parts.map((p) => [p.part, p] as const));
  const total = parts.reduce((n, p) => n + p.size, 0);
  let fh: FileHandle | null = null;
  try {
    fh = await open(indexPath(base), 'r');
  } catch {
    fh = null; // no index yet
  }
  const asked = o.rebuild === true && fh !== null;
  if (asked) {
    await fh!.close();
    fh = null;
  }
  let kept = 0;
  let resume: { part: number; offset: number } | null = null;
  let discarded: string | undefined;
  let dropped = 0;
  const existed = fh !== null || asked;
  if (fh) {
    try {
      const r = await passIndexFile(fh, byPart, hexBytes(parts[0]?.captureId), Math.floor(total / 12) + 1, sink);
      if (typeof r === 'string') discarded = r;
      else ({ kept, dropped, resume } = r);
    } catch (e) {
      discarded = `the index could not be read: ${(e as Error).message}`;
    } finally {
      await fh.close().catch(() => undefined);
    }
    if (discarded) sink.reset();
  }
  const fresh = !existed || discarded !== undefined || asked;

  // Resume after the last indexed block, or from the start.
  let startPart = parts[0]?.part ?? 0;
  let startOffset = 0;
  if (!fresh && resume) {
    const p = byPart.get(resume.part)!;
    startPart = p.part;
    startOffset = resume.offset + blockLength(await p.read(resume.offset, 8), p.littleEndian);
  }
  let writer: IndexWriter | null = null;
  const tee = new CountingTee(sink, () => (writer ??= new IndexWriter(base, parts[0]?.captureId, fresh ? 0 : kept)), o.persist);
  if (o.persist && (fresh || dropped > 0)) tee.startWriter();
  const scan = await scanInto(tee, parts, startPart, startOffset, o.windowBytes).catch(async (e: unknown) => {
    await (writer as IndexWriter | null)?.abort();
    throw e;
  });
  const warnings = scan.warnings;
  let saved = false;
  const w = writer as IndexWriter | null;
  if (w) {
    try {
      await w.finish();
      saved = true;
    } catch (e) {
      warnings.push({ kind: 'index', file: base, message: `index not saved: ${(e as Error).message}` });
    }
  }
  const added = tee.count;
  const state: IndexState = !fresh ? (added > 0 || dropped > 0 ? 'caught-up' : 'loaded') : existed ? 'rebuilt' : 'built';
  if (discarded) warnings.unshift({ kind: 'index', file: indexPath(base), message: `index rebuilt: ${discarded}` });
  return { state, entries: (fresh ? 0 : kept) + added, added, saved, warnings, scannedTo: scan.scannedTo, truncatedTail: scan.truncatedTail };
}

/**
 * Passes the scan's entries to the sink and, once started, to the index
 * writer; counts them. A chunk from the scan is read by the sink, then kept
 * by the writer as it is (no copy of the entries on their way to the file).
 */
class CountingTee implements AdoptingSink {
  count = 0;
  private writer: AdoptingSink | null = null;
  constructor(
    private readonly sink: IndexSink,
    private readonly makeWriter: () => AdoptingSink,
    private readonly persist: boolean,
  ) {}
  startWriter(): void {
    this.writer ??= this.makeWriter();
  }
  pushFields(id: number, time: number, part: number, offset: number, session: number, code: number, bits: number): void {
    this.count++;
    this.sink.pushFields(id, time, part, offset, session, code, bits);
    if (this.persist) (this.writer ??= this.makeWriter()).pushFields(id, time, part, offset, session, code, bits);
  }
  push(e: IndexEntry): void {
    this.pushFields(e.id, e.time, e.part, e.offset, e.session, e.code, e.bits);
  }
  pushEntries(chunk: EntryChunk): void {
    this.count += chunk.length;
    this.sink.pushEntries(chunk);
    if (this.persist) (this.writer ??= this.makeWriter()).pushEntries(chunk);
  }
  adoptEntries(chunk: EntryChunk): EntryChunk {
    this.count += chunk.length;
    this.sink.pushEntries(chunk);
    if (!this.persist) return chunk;
    return (this.writer ??= this.makeWriter()).adoptEntries(chunk);
  }
}

/**
 * Checks the index file and passes its entries to the sink: how many were
 * kept (a tail whose blocks are gone is dropped), or why it is unusable.
 */
async function passIndexFile(
  fh: FileHandle,
  byPart: ReadonlyMap<number, PartFile>,
  captureId: Uint8Array,
  maxEntries: number,
  sink: IndexSink,
): Promise<{ kept: number; dropped: number; resume: { part: number; offset: number } | null } | string> {
  const size = (await fh.stat()).size;
  const head = new Uint8Array(INDEX_HEADER_SIZE);
  const id = decodeIndexHeader(head.subarray(0, await readFully(fh, head, 0)));
  if (typeof id === 'string') return id;
  if (!sameBytes(id, captureId)) return 'the index belongs to another capture';
  const count = Math.floor((size - INDEX_HEADER_SIZE) / ENTRY_SIZE);
  if (count > maxEntries) return 'the index has more entries than the capture has blocks';

  // The tail: entries whose blocks are not (wholly) in the files are dropped — the capture was cut after the index was written.
  let n = count;
  const tail = new TailEntries(fh);
  while (n > 0) {
    const e = await tail.get(n - 1);
    const p = byPart.get(e.part);
    if (p && Number.isSafeInteger(e.offset) && e.offset + 12 <= p.size) {
      const len = blockLength(await p.read(e.offset, 8), p.littleEndian);
      if (len >= 12 && e.offset + len <= p.size) break;
    }
    n--;
  }
  if (n === 0) return { kept: 0, dropped: count, resume: null };
  // The first, the last and a few spread between must describe the blocks they point at.
  const checks = new Set([0, n - 1]);
  if (n > 2) for (let k = 1; k <= SPOT_CHECKS; k++) checks.add(Math.floor((k * (n - 1)) / (SPOT_CHECKS + 1)));
  for (const i of [...checks].sort((a, b) => a - b)) {
    const e = await readEntry(fh, i);
    const p = byPart.get(e.part);
    if (!p) return `entry ${i} names part ${e.part}, which is not in this capture`;
    const problem = await checkEntryAgainst(e, i, p);
    if (problem) return problem;
  }

  // Every entry, in order, through one buffer; the order checks of loadIndex on the way.
  const chunk = new EntryChunk(CHUNK_ENTRIES);
  const order = new EntryOrder(byPart);
  for (let from = 0; from < n; from += CHUNK_ENTRIES) {
    const want = Math.min(CHUNK_ENTRIES, n - from);
    const got = Math.floor((await readFully(fh, chunk.u8.subarray(0, want * ENTRY_SIZE), INDEX_HEADER_SIZE + from * ENTRY_SIZE)) / ENTRY_SIZE);
    if (got < want) return 'the index file shrank while it was read';
    if (!HOST_LE) swapEntries(chunk.u8, 0, got);
    for (let k = 0; k < got; k++) {
      const problem = order.check(chunk, k, from + k);
      if (problem) return problem;
    }
    // Checked: the whole read goes to the consumer at once.
    chunk.length = got;
    sink.pushEntries(chunk);
  }
  return { kept: n, dropped: count - n, resume: { part: order.part, offset: order.last } };
}

/** Entries read backwards from the end of an index file, a 64 KiB read at a time (a hostile tail may be long). */
class TailEntries {
  private readonly buf = new Uint8Array(2048 * ENTRY_SIZE);
  private from = 0;
  private to = 0;
  constructor(private readonly fh: FileHandle) {}
  async get(i: number): Promise<IndexEntry> {
    if (i < this.from || i >= this.to) {
      this.from = Math.max(0, i + 1 - this.buf.length / ENTRY_SIZE);
      const got = await readFully(this.fh, this.buf.subarray(0, (i + 1 - this.from) * ENTRY_SIZE), INDEX_HEADER_SIZE + this.from * ENTRY_SIZE);
      this.to = this.from + Math.floor(got / ENTRY_SIZE);
    }
    return decodeEntry(this.buf.subarray((i - this.from) * ENTRY_SIZE, (i - this.from + 1) * ENTRY_SIZE));
  }
}

/** Entry `i` of an open index file. */
async function readEntry(fh: FileHandle, i: number): Promise<IndexEntry> {
  const b = new Uint8Array(ENTRY_SIZE);
  const got = await readFully(fh, b, INDEX_HEADER_SIZE + i * ENTRY_SIZE);
  return decodeEntry(b.subarray(0, got));
}

/** One entry from its 32 file bytes (little-endian); a short read gives an entry no part holds. */
function decodeEntry(b: Uint8Array): IndexEntry {
  if (b.length < ENTRY_SIZE) return { id: -1, time: 0, part: -1, offset: 0, session: 0, code: 0, bits: 0 };
  const dv = new DataView(b.buffer, b.byteOffset, ENTRY_SIZE);
  return {
    id: dv.getFloat64(0, true),
    time: dv.getFloat64(8, true),
    offset: dv.getUint16(20, true) * 0x1_0000_0000 + dv.getUint32(16, true),
    part: dv.getUint16(22, true),
    session: dv.getUint32(24, true),
    code: dv.getUint16(28, true),
    bits: dv.getUint8(30),
  };
}
