/**
 * Loads a capture's index, checks it against the files, and brings it up to
 * date: an index that is missing, belongs to another capture, or points at
 * blocks that are not there is rebuilt; one that stops short (the writer was
 * killed between a batch and its index entries, or is still writing) is
 * caught up by scanning only what follows its last entry. Scanning also
 * finds a truncated or damaged tail, which is reported.
 */
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { BlockType, MAX_BLOCK_BYTES } from './pcapng/constants';
import { readFully } from './pcapng/file-windows';
import { type ReadBlocksResult } from './pcapng/blocks';
import { newScanState } from './pcapng/scan';
import { indexEntryOf, indexEpbInPlace, indexEpbRun, isCustomBlock, isPacketBlock } from './decode-packet';
import { decodeIndexHeader, encodeIndexHeader, ENTRY_SIZE, EntryBits, IndexTable, INDEX_HEADER_SIZE, type IndexEntry } from './index-table';
import { adopts, type IndexSink } from './index-sink';
import { passBuffers } from './buffer-pool';
import { EntryChunk } from './entry-chunk';
import { EntryOrder } from './entry-views';
import { issueWarning, type PartFile } from './part-file';
import { fileSize, indexPath } from './parts';
import { type CaptureWarning } from './errors';

export type IndexState = 'loaded' | 'caught-up' | 'rebuilt' | 'built';

export interface LoadedIndex {
  readonly table: IndexTable;
  readonly state: IndexState;
  /** Entries found by scanning (0 when the index was complete). */
  readonly added: number;
  /** Entries dropped because their blocks are no longer in the files. */
  readonly dropped: number;
  /** Why an existing index was thrown away, when it was. */
  readonly discarded?: string;
  readonly warnings: CaptureWarning[];
  /** Where scanning stopped in the last part: whole blocks end here. */
  readonly scannedTo: { part: number; offset: number };
  readonly truncatedTail: boolean;
}

export const hexBytes = (hex: string | undefined): Uint8Array => {
  const out = new Uint8Array(16);
  if (hex) for (let i = 0; i < 16; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
};

/**
 * The capture's index, loaded, checked and caught up — or built by scanning
 * the parts when there is none, it is unusable, or `rebuild` asks for it.
 */
export async function loadIndex(base: string, parts: readonly PartFile[], windowBytes?: number, rebuild = false): Promise<LoadedIndex> {
  const total = parts.reduce((n, p) => n + p.size, 0);
  const byPart = new Map(parts.map((p) => [p.part, p] as const));
  // Every indexed block takes at least 12 bytes of capture: a longer index is not this capture's.
  const read = rebuild ? ((await fileSize(indexPath(base))) === null ? null : 'asked to') : await readIndexFile(indexPath(base), hexBytes(parts[0]?.captureId), Math.floor(total / 12) + 1);
  const existed = read !== null;
  let table = read instanceof IndexTable ? read : null;
  let discarded = typeof read === 'string' ? read : undefined;
  let dropped = 0;
  if (table) {
    const had = table.length;
    const check = (await validateTail(table, byPart)) ?? checkOrder(table, byPart) ?? (await spotCheck(table, byPart));
    dropped = had - table.length;
    if (check) {
      discarded = check;
      table = null;
    }
  }
  const fresh = table === null;
  if (!table) table = new IndexTable(Math.max(1024, Math.floor(total / 256)));
  const before = table.length;

  // Resume after the last indexed block, or from the start.
  let startPart = parts[0]?.part ?? 0;
  let startOffset = 0;
  if (table.length > 0) {
    const last = table.length - 1;
    const p = byPart.get(table.part(last))!;
    const head = await p.read(table.offset(last), 8);
    startPart = p.part;
    startOffset = table.offset(last) + blockLength(head, p.littleEndian);
  }

  const scan = await scanInto(table, parts, startPart, startOffset, windowBytes);
  const warnings = scan.warnings;
  const { scannedTo, truncatedTail } = scan;
  const added = table.length - before;
  const state = !fresh ? (added > 0 || dropped > 0 ? 'caught-up' : 'loaded') : existed ? 'rebuilt' : 'built';
  if (discarded && !rebuild) warnings.unshift({ kind: 'index', file: indexPath(base), message: `index rebuilt: ${discarded}` });
  return { table, state, added, dropped: fresh ? 0 : dropped, ...(discarded ? { discarded } : {}), warnings, scannedTo, truncatedTail };
}

export interface ScanIntoResult {
  readonly warnings: CaptureWarning[];
  readonly scannedTo: { part: number; offset: number };
  readonly truncatedTail: boolean;
}

/**
 * Appends the entries of every block from (startPart, startOffset) to the
 * end of the last part. `startOffset` must be a block boundary.
 */
export async function scanInto(
  table: IndexSink,
  parts: readonly PartFile[],
  startPart: number,
  startOffset: number,
  windowBytes?: number,
): Promise<ScanIntoResult> {
  const warnings: CaptureWarning[] = [];
  let scannedTo = { part: startPart, offset: startOffset };
  let truncatedTail = false;
  // Entries are staged and handed over a chunk at a time: the hot loop below always calls the same
  // sink (inlined, nothing boxed per entry), and the consumer takes them in bulk.
  const staged = new StagingSink(table);
  try {
    scannedTo = await scanParts(staged, parts, startPart, startOffset, windowBytes, warnings, (to, cut) => {
      scannedTo = to;
      truncatedTail = cut;
    });
  } finally {
    staged.flush();
    staged.release();
  }
  return { warnings, scannedTo, truncatedTail };
}

/** Entries staged per hand-over: 128 KiB, small enough to stay in cache while the consumers read them. */
const STAGED_ENTRIES = 4096;

/**
 * Entries in a chunk, handed to the sink when it is full and at the end — or
 * handed over whole to a sink that keeps chunks (the index file's writer),
 * which gives an empty one back. The chunk's memory comes from the shared
 * pool and goes back to it in release().
 */
class StagingSink implements IndexSink {
  private chunk = new EntryChunk(STAGED_ENTRIES, passBuffers.take(STAGED_ENTRIES * ENTRY_SIZE));
  constructor(private readonly sink: IndexSink) {}
  pushFields(id: number, time: number, part: number, offset: number, session: number, code: number, bits: number): void {
    const c = this.chunk;
    c.push(id, time, part, offset, session, code, bits);
    if (c.length === c.capacity) this.flush();
  }
  push(e: IndexEntry): void {
    this.pushFields(e.id, e.time, e.part, e.offset, e.session, e.code, e.bits);
  }
  pushEntries(chunk: EntryChunk): void {
    this.flush();
    this.sink.pushEntries(chunk);
  }
  flush(): void {
    if (this.chunk.length === 0) return;
    if (adopts(this.sink)) this.chunk = this.sink.adoptEntries(this.chunk);
    else this.sink.pushEntries(this.chunk);
    this.chunk.length = 0;
  }

  /** After the last flush(): the chunk in hand is empty and no one else's. */
  release(): void {
    passBuffers.give(this.chunk.buffer);
    this.chunk = new EntryChunk(0);
  }
}

async function scanParts(
  table: IndexSink,
  parts: readonly PartFile[],
  startPart: number,
  startOffset: number,
  windowBytes: number | undefined,
  warnings: CaptureWarning[],
  progress: (scannedTo: { part: number; offset: number }, truncatedTail: boolean) => void,
): Promise<{ part: number; offset: number }> {
  let scannedTo = { part: startPart, offset: startOffset };
  for (const p of parts) {
    if (p.part < startPart) continue;
    const from = p.part === startPart ? startOffset : 0;
    const ctx = p.context();
    const out: ReadBlocksResult = { end: from, truncatedTail: false };
    // Resuming mid-file starts inside the first section; from 0 the SHB sets the state.
    const state = from === 0 ? newScanState() : p.scanState();
    // Every block is handled as the scan meets it, so entries stay in file order and an interface
    // described in this window applies to the packets after it. Packets written by otbridge go
    // straight from the window into the table; anything else is decoded the general way.
    const visit = (w: Uint8Array, at: number, type: number, length: number, le: boolean, offset: number): boolean => {
      if (type === BlockType.EPB && indexEpbInPlace(w, at, length, le, offset, ctx, table)) return true;
      const b = { type, offset, length, body: w.subarray(at + 8, at + length - 4), littleEndian: le, section: state.section };
      if (type === BlockType.SHB || type === BlockType.IDB) {
        const problem = ctx.observe(b);
        if (problem) warnings.push({ kind: 'skipped-block', file: p.path, offset, message: problem });
      } else if (isPacketBlock(type) || isCustomBlock(type)) {
        const e = indexEntryOf(b, ctx);
        if (typeof e === 'string') warnings.push({ kind: 'skipped-block', file: p.path, offset, message: e });
        else if (e) table.push(e);
      }
      return true;
    };
    const run = (w: Uint8Array, at: number, base: number, fileEnd: number): number => indexEpbRun(w, at, base, fileEnd, ctx, table);
    for await (const batch of p.blocks(from, p.size, state, out, windowBytes, visit, run)) {
      for (const issue of batch.issues) warnings.push(issueWarning(p.path, issue));
    }
    scannedTo = { part: p.part, offset: out.end };
    progress(scannedTo, out.truncatedTail);
  }
  return scannedTo;
}

/**
 * The index file read straight into the buffer the table will use (one
 * read, no copies), with room to grow; null when there is none, or why it
 * cannot be this capture's index. Its size is checked before anything is
 * allocated: a hostile or stray file cannot make the reader allocate more
 * than the capture could need.
 */
async function readIndexFile(path: string, captureId: Uint8Array, maxEntries: number): Promise<IndexTable | string | null> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch {
    return null; // no index yet
  }
  try {
    const size = (await fh.stat()).size;
    const head = new Uint8Array(INDEX_HEADER_SIZE);
    const headGot = await readFully(fh, head, 0);
    const id = decodeIndexHeader(head.subarray(0, headGot));
    if (typeof id === 'string') return id;
    if (!sameBytes(id, captureId)) return 'the index belongs to another capture';
    const count = Math.floor((size - INDEX_HEADER_SIZE) / ENTRY_SIZE);
    if (count > maxEntries) return 'the index has more entries than the capture has blocks';
    const buf = new ArrayBuffer((count + Math.max(1024, count >> 4)) * ENTRY_SIZE);
    const got = await readInChunks(fh, new Uint8Array(buf, 0, count * ENTRY_SIZE), INDEX_HEADER_SIZE);
    return IndexTable.adopt(buf, Math.floor(got / ENTRY_SIZE));
  } catch (e) {
    return `the index could not be read: ${(e as Error).message}`;
  } finally {
    await fh.close().catch(() => undefined);
  }
}

const CHUNK_BYTES = 1 << 20;

/**
 * Fills `dest` from the file at `position` through a 1 MiB buffer, copying
 * each chunk into place; returns the bytes read. One read into `dest`
 * would save the copies, but memory the kernel filled first was measured
 * slower for the passes over the entries that follow (about 80 ms more for
 * a million entries on the benchmark machine, while the copies cost a few).
 */
async function readInChunks(fh: FileHandle, dest: Uint8Array, position: number): Promise<number> {
  const chunk = new Uint8Array(Math.min(CHUNK_BYTES, dest.length));
  let got = 0;
  while (got < dest.length) {
    const n = await readFully(fh, chunk.subarray(0, Math.min(chunk.length, dest.length - got)), position + got);
    dest.set(n === chunk.length ? chunk : chunk.subarray(0, n), got);
    got += n;
    if (n < chunk.length) break;
  }
  return got;
}

/** The order check of entry-views.ts over the whole table: one pass over the typed arrays (a few ms for a million entries). */
function checkOrder(table: IndexTable, byPart: ReadonlyMap<number, PartFile>): string | null {
  const order = new EntryOrder(byPart);
  for (let i = 0; i < table.length; i++) {
    const problem = order.check(table, i, i);
    if (problem) return problem;
  }
  return null;
}

/** Entries checked against their blocks besides the first and the last: evenly spread through the index. */
const SPOT_CHECKS = 16;

/** A few entries spread through the index must describe the blocks they point at (a handful of small reads). */
async function spotCheck(table: IndexTable, byPart: ReadonlyMap<number, PartFile>): Promise<string | null> {
  const n = table.length;
  if (n <= 2) return null;
  for (let k = 1; k <= SPOT_CHECKS; k++) {
    const i = Math.floor((k * (n - 1)) / (SPOT_CHECKS + 1));
    if (i <= 0 || i >= n - 1) continue;
    const problem = await checkEntry(table, i, byPart.get(table.part(i))!);
    if (problem) return problem;
  }
  return null;
}

/**
 * Drops entries whose blocks are not (wholly) in the files — the capture was
 * cut after the index was written; returns why the index is unusable, or null.
 */
async function validateTail(table: IndexTable, byPart: ReadonlyMap<number, PartFile>): Promise<string | null> {
  let n = table.length;
  while (n > 0) {
    const p = byPart.get(table.part(n - 1));
    const at = table.offset(n - 1);
    if (p && at + 12 <= p.size) {
      const len = blockLength(await p.read(at, 8), p.littleEndian);
      if (len >= 12 && at + len <= p.size) break;
    }
    n--;
  }
  table.truncate(n);
  if (n === 0) return null;
  // The first and the last entry must point at the blocks they describe.
  for (const i of n > 1 ? [0, n - 1] : [0]) {
    const p = byPart.get(table.part(i));
    if (!p) return `entry ${i} names part ${table.part(i)}, which is not in this capture`;
    const problem = await checkEntry(table, i, p);
    if (problem) return problem;
  }
  return null;
}

/** Why entry `i` does not describe the block it points at, or null when it does. */
function checkEntry(table: IndexTable, i: number, p: PartFile): Promise<string | null> {
  return checkEntryAgainst(table.entry(i), i, p);
}

/** Why entry `i` (`e`) does not describe the block it points at in part `p`, or null when it does. */
export async function checkEntryAgainst(e: IndexEntry, i: number, p: PartFile): Promise<string | null> {
  const head = await p.read(e.offset, 8);
  const len = blockLength(head, p.littleEndian);
  if (len < 12 || len > MAX_BLOCK_BYTES || e.offset + len > p.size) return `entry ${i} does not point at a whole block`;
  const type = blockType(head, p.littleEndian);
  const isSession = (e.bits & EntryBits.SESSION_BLOCK) !== 0;
  if (isSession ? !isCustomBlock(type) : !isPacketBlock(type)) return `entry ${i} points at a block of the wrong type`;
  const block = await p.read(e.offset, len);
  if (block.length < len) return `entry ${i} does not point at a whole block`;
  const found = indexEntryOf({ type, offset: e.offset, length: len, body: block.subarray(8, len - 4), littleEndian: p.littleEndian, section: 0 }, p.context());
  if (!found || typeof found === 'string' || found.id !== e.id || found.session !== e.session) return `entry ${i} does not match its block`;
  return null;
}

export function blockLength(head: Uint8Array, le: boolean): number {
  if (head.length < 8) return 0;
  return new DataView(head.buffer, head.byteOffset, 8).getUint32(4, le);
}

function blockType(head: Uint8Array, le: boolean): number {
  return new DataView(head.buffer, head.byteOffset, 8).getUint32(0, le);
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Writes the whole index beside the capture (a temporary file, then rename:
 * readers never see half of it). The entries are written from the table's
 * own buffer: a copy of a million entries would be 32 MB of fresh memory.
 */
export async function saveIndex(base: string, captureIdHex: string | undefined, table: IndexTable): Promise<void> {
  const tmp = `${indexPath(base)}.${process.pid}.tmp`;
  try {
    const fh = await open(tmp, 'w');
    try {
      await writeFully(fh, encodeIndexHeader(hexBytes(captureIdHex)), 0);
      await writeFully(fh, table.bytes(), INDEX_HEADER_SIZE);
    } finally {
      await fh.close();
    }
    await rename(tmp, indexPath(base));
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** Writes all of `bytes` at `position` (a write may take fewer bytes than asked). */
export async function writeFully(fh: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < bytes.length; ) {
    const { bytesWritten } = await fh.write(bytes, done, bytes.length - done, position + done);
    if (bytesWritten <= 0) throw new Error('the index file took no bytes');
    done += bytesWritten;
  }
}
