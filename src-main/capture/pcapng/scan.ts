/**
 * Splits a window of pcapng bytes into blocks, checking every length before
 * it is trusted, following the byte order of each section, and resyncing
 * after a corrupted block.
 *
 * Pure and synchronous: the file driver (blocks.ts) feeds it windows of a
 * file; tests feed it whole buffers. It never allocates from a length field.
 */
import { BLOCK_OVERHEAD, BYTE_ORDER_MAGIC, BlockType, MAX_BLOCK_BYTES } from './constants';

export interface RawBlock {
  readonly type: number;
  /** Absolute offset of the block in its file. */
  readonly offset: number;
  /** Block Total Length. */
  readonly length: number;
  /** The block body (between the leading length and the trailing length); a view, valid while the window is. */
  readonly body: Uint8Array;
  readonly littleEndian: boolean;
  /** Section number in the file, from 0 (a file may hold several SHBs). */
  readonly section: number;
}

export type ScanIssue =
  | { readonly kind: 'truncated'; readonly offset: number; readonly declared: number; readonly available: number }
  | { readonly kind: 'corrupt'; readonly offset: number; readonly reason: string; readonly resumedAt: number | null }
  | { readonly kind: 'unsupported-section'; readonly offset: number; readonly version: string };

export interface ScanState {
  /** Byte order of the current section; null before the first SHB. */
  le: boolean | null;
  section: number;
  /**
   * Set while looking for the next valid block after a damaged one: where the
   * damage started and why. `declared` is set when the damage is a block
   * running past the end of the file: if no valid block follows, that was a
   * truncated last block, not corruption.
   */
  resync: { readonly from: number; readonly reason: string; readonly declared?: number } | null;
  /** True while inside a section whose version this reader cannot read (its blocks are skipped). */
  skipSection: boolean;
}

export const newScanState = (): ScanState => ({ le: null, section: -1, resync: null, skipSection: false });

export interface ScanResult {
  readonly blocks: RawBlock[];
  readonly issues: ScanIssue[];
  /** Absolute offset where the next scan must start. */
  readonly next: number;
  /** When > 0: the block at `next` needs this many bytes in the window. */
  readonly need: number;
  /** True when the bytes at `next` run past the end of the file (a truncated last block, or a file still being written). */
  readonly atTruncatedEnd: boolean;
}

/** Thrown for a file that is no pcapng at all (its first block is no SHB). */
export class NotPcapngError extends Error {
  constructor(
    readonly firstBytes: Uint8Array,
    reason?: string,
  ) {
    super(reason ?? describeNonPcapng(firstBytes));
  }
}

const KNOWN_TYPES: ReadonlySet<number> = new Set([
  BlockType.SHB,
  BlockType.IDB,
  BlockType.PB,
  BlockType.SPB,
  BlockType.NRB,
  BlockType.ISB,
  BlockType.EPB,
  BlockType.DSB,
  BlockType.CB_COPY,
  BlockType.CB_NO_COPY,
]);

function u32(b: Uint8Array, at: number, le: boolean): number {
  return le
    ? (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0
    : ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

/** Byte order from an SHB's magic at `at`, or null when it is neither. */
function shbOrder(b: Uint8Array, at: number): boolean | null {
  if (u32(b, at, true) === BYTE_ORDER_MAGIC) return true;
  if (u32(b, at, false) === BYTE_ORDER_MAGIC) return false;
  return null;
}

function lengthProblem(len: number): string | null {
  if (len < BLOCK_OVERHEAD) return `block length ${len} is under the 12-byte minimum`;
  if (len % 4 !== 0) return `block length ${len} is not a multiple of 4`;
  if (len > MAX_BLOCK_BYTES) return `block length ${len} is over the ${MAX_BLOCK_BYTES}-byte limit`;
  return null;
}

/**
 * Takes a validated block straight from the window (type, offset of the
 * block in the window, its length, byte order, absolute offset); returns
 * true when it handled it, so that no RawBlock is made for it. The indexer
 * uses this to read millions of packets without an allocation each.
 */
export type BlockVisitor = (window: Uint8Array, at: number, type: number, length: number, le: boolean, offset: number) => boolean;

/**
 * Takes a run of blocks straight from a little-endian window, starting at
 * `at`, as long as each is one it knows how to handle whole — a valid block
 * of the kind it wants, checked as scanWindow checks every block (type,
 * length within the limit, the window and the file, trailing length) —
 * and returns where it stopped: scanWindow goes on from there the general
 * way. The indexer's hot loop (a million packets): no call per block
 * through the visitor, no RawBlock.
 */
export type RunVisitor = (window: Uint8Array, at: number, base: number, fileEnd: number) => number;

/**
 * Scans `window` (the bytes of a file from absolute offset `base`); the file
 * is `fileEnd` bytes long as far as the caller knows.
 */
export function scanWindow(window: Uint8Array, base: number, fileEnd: number, state: ScanState, visit?: BlockVisitor, run?: RunVisitor): ScanResult {
  const blocks: RawBlock[] = [];
  const issues: ScanIssue[] = [];
  let p = 0;
  const n = window.length;
  const result = (need: number, truncated = false): ScanResult => ({ blocks, issues, next: base + p, need, atTruncatedEnd: truncated });
  /** No valid block after the damage: a truncated last block, or corruption to the end of the file. */
  const endOfResync = (): ScanResult => {
    const r = state.resync!;
    state.resync = null;
    if (r.declared !== undefined) {
      issues.push({ kind: 'truncated', offset: r.from, declared: r.declared, available: fileEnd - r.from });
      p = r.from - base;
      return result(0, true);
    }
    issues.push({ kind: 'corrupt', offset: r.from, reason: r.reason, resumedAt: null });
    p = fileEnd - base;
    return result(0);
  };
  const endOfData = (needed: number): ScanResult => {
    // `needed` bytes from p are required; decide between "read more" and "the file ends here".
    if (base + p + needed <= fileEnd) return result(needed);
    if (state.resync) return endOfResync();
    if (base + p < fileEnd) {
      issues.push({ kind: 'truncated', offset: base + p, declared: needed, available: fileEnd - (base + p) });
    }
    return result(0, base + p < fileEnd);
  };

  while (p < n || base + p < fileEnd) {
    // Only where scanWindow would take every block as it comes: a known little-endian section, no damage being stepped over.
    if (run !== undefined && state.le === true && state.resync === null && !state.skipSection) p = run(window, p, base, fileEnd);
    if (n - p < 8) return endOfData(8);
    const le0 = state.le ?? true;
    const type = u32(window, p, le0);
    if (state.le === null && type !== BlockType.SHB) {
      if (base + p === 0) throw new NotPcapngError(window.subarray(0, Math.min(16, n)));
      throw new Error(`scanWindow: resuming at offset ${base + p} needs the section's byte order (ScanState.le)`);
    }
    let le = state.le ?? true;
    if (type === BlockType.SHB) {
      if (n - p < 12) return endOfData(12);
      const order = shbOrder(window, p + 8);
      if (order === null) {
        const problem = `section header at offset ${base + p} has byte-order magic 0x${u32(window, p + 8, false).toString(16).padStart(8, '0')} (expected 0x1a2b3c4d in either byte order)`;
        if (base + p === 0 && state.le === null) throw new NotPcapngError(window.subarray(0, Math.min(16, n)));
        beginResync(state, base + p, problem);
        p += 4;
        continue;
      }
      le = order;
    } else if (state.resync && !KNOWN_TYPES.has(type)) {
      p += 4;
      continue;
    }
    const len = u32(window, p + 4, le);
    const bad = lengthProblem(len);
    if (state.le === null) {
      // The file's first section header: nothing to resync with before it.
      if (bad) throw new NotPcapngError(window.subarray(0, Math.min(16, n)), `the section header at the start is damaged: ${bad}`);
      if (base + p + len > fileEnd) return endOfData(len);
    }
    if (bad) {
      beginResync(state, base + p, `block at offset ${base + p} (type 0x${type.toString(16)}): ${bad}`);
      p += 4;
      continue;
    }
    if (base + p + len > fileEnd) {
      if (!state.resync) {
        // The last block cut short, or a damaged length in the middle: look for a valid block after it to tell which.
        state.resync = { from: base + p, reason: `block at offset ${base + p} declares ${len} bytes, past the end of the file`, declared: len };
      }
      p += 4;
      continue;
    }
    if (n - p < len) return endOfData(len);
    const trailer = u32(window, p + len - 4, le);
    if (trailer !== len) {
      beginResync(state, base + p, `block at offset ${base + p} declares ${len} bytes but its trailing length says ${trailer}`);
      p += 4;
      continue;
    }
    if (state.resync) {
      issues.push({ kind: 'corrupt', offset: state.resync.from, reason: state.resync.reason, resumedAt: base + p });
      state.resync = null;
    }
    if (type === BlockType.SHB) {
      state.le = le;
      state.section++;
      const major = le ? window[p + 12]! | (window[p + 13]! << 8) : (window[p + 12]! << 8) | window[p + 13]!;
      const minor = le ? window[p + 14]! | (window[p + 15]! << 8) : (window[p + 14]! << 8) | window[p + 15]!;
      state.skipSection = major !== 1;
      if (state.skipSection) issues.push({ kind: 'unsupported-section', offset: base + p, version: `${major}.${minor}` });
    }
    if ((!state.skipSection || type === BlockType.SHB) && !(visit && visit(window, p, type, len, le, base + p))) {
      blocks.push({ type, offset: base + p, length: len, body: window.subarray(p + 8, p + len - 4), littleEndian: le, section: state.section });
    }
    p += len;
  }
  if (state.resync) return endOfResync();
  return result(0);
}

/** Starts looking for the next valid block; a problem found while already looking is part of the same damage. */
function beginResync(state: ScanState, offset: number, reason: string): void {
  if (!state.resync) state.resync = { from: offset, reason };
}

function describeNonPcapng(b: Uint8Array): string {
  if (b.length === 0) return 'the file is empty (no pcapng section header)';
  const be = b.length >= 4 ? ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0 : -1;
  if (be === 0xa1b2c3d4 || be === 0xd4c3b2a1 || be === 0xa1b23c4d || be === 0x4d3cb2a1) {
    return 'this is a classic pcap file, not pcapng (convert it with `editcap -F pcapng in.pcap out.pcapng`)';
  }
  if (b[0] === 0x7b) return 'this looks like JSON/NDJSON, not pcapng (NDJSON exports are read with importNdjson / `otbridge capture import`)';
  const hex = Array.from(b.subarray(0, 8), (x) => x.toString(16).padStart(2, '0')).join(' ');
  return `not a pcapng file: it must start with a section header block (0a 0d 0d 0a), got ${hex}`;
}
