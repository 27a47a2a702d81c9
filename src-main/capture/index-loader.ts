/**
 * Loads a capture's index, checks it against the files, and brings it up to
 * date: an index that is missing, belongs to another capture, or points at
 * blocks that are not there is rebuilt; one that stops short (the writer was
 * killed between a batch and its index entries, or is still writing) is
 * caught up by scanning only what follows its last entry. Scanning also
 * finds a truncated or damaged tail, which is reported.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { BlockType } from './pcapng/constants';
import { type ReadBlocksResult } from './pcapng/blocks';
import { newScanState } from './pcapng/scan';
import { indexEntryOf, indexEpbInPlace, isCustomBlock, isPacketBlock } from './decode-packet';
import { decodeIndexHeader, encodeIndexHeader, IndexTable, INDEX_HEADER_SIZE, ENTRY_SIZE } from './index-table';
import { issueWarning, type PartFile } from './part-file';
import { indexPath } from './parts';
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

const hexBytes = (hex: string | undefined): Uint8Array => {
  const out = new Uint8Array(16);
  if (hex) for (let i = 0; i < 16; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
};

export async function loadIndex(base: string, parts: readonly PartFile[], windowBytes?: number): Promise<LoadedIndex> {
  const captureId = hexBytes(parts[0]?.captureId);
  let table: IndexTable | null = null;
  let discarded: string | undefined;
  let existed = false;
  const total = parts.reduce((n, p) => n + p.size, 0);
  try {
    const bytes = new Uint8Array(await readFile(indexPath(base)));
    existed = true;
    const id = decodeIndexHeader(bytes);
    // Every indexed block takes at least 12 bytes of capture: a longer index is not this capture's.
    const maxEntries = Math.floor(total / 12) + 1;
    if (typeof id === 'string') discarded = id;
    else if (!sameBytes(id, captureId)) discarded = 'the index belongs to another capture';
    else if ((bytes.length - INDEX_HEADER_SIZE) / ENTRY_SIZE > maxEntries) discarded = 'the index has more entries than the capture has blocks';
    else table = IndexTable.fromBytes(bytes.subarray(INDEX_HEADER_SIZE));
  } catch {
    // no index yet
  }
  const byPart = new Map(parts.map((p) => [p.part, p] as const));
  let dropped = 0;
  if (table) {
    const had = table.length;
    const check = await validateTail(table, byPart);
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
  if (discarded) warnings.unshift({ kind: 'index', file: indexPath(base), message: `index rebuilt: ${discarded}` });
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
  table: IndexTable,
  parts: readonly PartFile[],
  startPart: number,
  startOffset: number,
  windowBytes?: number,
): Promise<ScanIntoResult> {
  const warnings: CaptureWarning[] = [];
  let scannedTo = { part: startPart, offset: startOffset };
  let truncatedTail = false;
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
    for await (const batch of p.blocks(from, p.size, state, out, windowBytes, visit)) {
      for (const issue of batch.issues) warnings.push(issueWarning(p.path, issue));
    }
    scannedTo = { part: p.part, offset: out.end };
    truncatedTail = out.truncatedTail;
  }
  return { warnings, scannedTo, truncatedTail };
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
    const p = byPart.get(table.part(i))!;
    const head = await p.read(table.offset(i), 8);
    const len = blockLength(head, p.littleEndian);
    if (len < 12 || table.offset(i) + len > p.size) return `entry ${i} does not point at a whole block`;
    const type = blockType(head, p.littleEndian);
    const isSession = table.isSessionBlock(i);
    if (isSession ? !isCustomBlock(type) : !isPacketBlock(type)) return `entry ${i} points at a block of the wrong type`;
    const block = await p.read(table.offset(i), len);
    const e = indexEntryOf(
      { type, offset: table.offset(i), length: len, body: block.subarray(8, len - 4), littleEndian: p.littleEndian, section: 0 },
      p.context(),
    );
    if (!e || typeof e === 'string' || e.id !== table.id(i) || e.session !== table.session(i)) return `entry ${i} does not match its block`;
  }
  return null;
}

function blockLength(head: Uint8Array, le: boolean): number {
  if (head.length < 8) return 0;
  return new DataView(head.buffer, head.byteOffset, 8).getUint32(4, le);
}

function blockType(head: Uint8Array, le: boolean): number {
  return new DataView(head.buffer, head.byteOffset, 8).getUint32(0, le);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Writes the whole index beside the capture (a temporary file, then rename: readers never see half of it). */
export async function saveIndex(base: string, captureIdHex: string | undefined, table: IndexTable): Promise<void> {
  const tmp = `${indexPath(base)}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, Buffer.concat([encodeIndexHeader(hexBytes(captureIdHex)), table.bytes()]));
    await rename(tmp, indexPath(base));
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
