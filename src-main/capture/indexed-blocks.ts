/**
 * The blocks at a list of index positions, read window by window: each
 * call to next() brings in the next window and says which of the wanted
 * blocks lie wholly in it and where. Blocks are found where the index says
 * they are — no scanning of the bytes between them — and each one is
 * checked before it is used (a length within the limit and the file, the
 * trailing length, the type the index expects); one that fails is skipped
 * and reported.
 *
 * Wanted blocks close together (under GAP_BYTES apart) are read as one
 * stream of windows, the next read ahead while this one is decoded;
 * farther ones start a new read where they are. A lone block is read alone.
 */
import { type BlockLocations } from './index-sink';
import { type PartFile } from './part-file';
import { type FileWindows } from './pcapng/file-windows';
import { BlockType, MAX_BLOCK_BYTES } from './pcapng/constants';
import { decodeSessionBlock, type BlockSpans } from './decode-packet';
import { type SessionMeta } from './session-meta';

/** Wanted blocks closer than this are read through rather than jumped to. */
export const GAP_BYTES = 256 * 1024;

export class IndexedBlocks implements BlockSpans {
  /** Block k (positions[k]) is window[starts[k], starts[k] + lengths[k]); -1: skipped. Valid for [from, to). */
  readonly starts: Int32Array;
  readonly lengths: Int32Array;
  from = 0;
  to = 0;
  /** The current window and the file offset of its first byte. */
  window: Uint8Array = new Uint8Array(0);
  base = 0;
  /** The part the current window is in. */
  part: PartFile | null = null;
  private windows: FileWindows | null = null;
  /** Index (into positions) of the last block of the current run, and where that run's bytes end. */
  private runLast = -1;
  private runEnd = 0;

  private positions: ArrayLike<number> = [];
  private count = 0;

  constructor(
    private readonly table: BlockLocations,
    private readonly parts: readonly PartFile[],
    private readonly windowBytes: number,
    private readonly onProblem: (part: PartFile, offset: number, message: string) => void,
    /** Most positions one wants() may name. */
    capacity: number,
  ) {
    this.starts = new Int32Array(capacity);
    this.lengths = new Int32Array(capacity);
  }

  /**
   * The index positions to read next (ascending, at most `capacity`). The
   * file stays open and its read-ahead running from one list to the next,
   * so a long read given in pieces streams as if given whole.
   */
  want(positions: ArrayLike<number>, count: number): void {
    if (count > this.starts.length) throw new RangeError(`${count} positions, more than the ${this.starts.length} this reader holds`);
    this.positions = positions;
    this.count = count;
    this.from = this.to = 0;
    this.runLast = -1;
  }

  /** Brings in the next window of wanted blocks ([from, to) of the positions); false when all were read. */
  async next(): Promise<boolean> {
    let k = this.to;
    this.from = k;
    while (k < this.count) {
      k = this.gather(k);
      if (k >= this.count || k > this.from) break;
      k = await this.load(k);
    }
    this.to = k;
    if (this.windows) {
      this.window = this.windows.bytes;
      this.base = this.windows.base;
    }
    return k > this.from;
  }

  /**
   * Takes the wanted blocks from position k on that lie wholly in the
   * current window, checking each; returns the first position it could not
   * take (not in this window, or in another part). The hot loop: no await,
   * everything in locals.
   */
  private gather(k: number): number {
    const w = this.windows;
    const part = this.part;
    if (!w || !part) return k;
    const t = this.table;
    const positions = this.positions;
    const starts = this.starts;
    const lengths = this.lengths;
    const partNumber = part.part;
    const le = part.littleEndian;
    const b = w.bytes;
    const base = w.base;
    const end = base + b.length;
    const fileEnd = w.end;
    for (; k < this.count; k++) {
      const pos = positions[k]!;
      if (t.part(pos) !== partNumber) return k;
      const off = t.offset(pos);
      if (off < base || off + 12 > end) return k;
      const at = off - base;
      const len = u32(b, at + 4, le);
      if (len < 12 || len % 4 !== 0 || len > MAX_BLOCK_BYTES || off + len > fileEnd) {
        this.skip(k, part, off, badLength(off, len));
        continue;
      }
      if (off + len > end) return k;
      const trailer = u32(b, at + len - 4, le);
      if (trailer !== len) {
        this.skip(k, part, off, `the block at offset ${off} declares ${len} bytes but its trailing length says ${trailer}`);
        continue;
      }
      const type = u32(b, at, le);
      const session = t.isSessionBlock(pos);
      if (session ? type !== BlockType.CB_COPY && type !== BlockType.CB_NO_COPY : type !== BlockType.EPB) {
        this.skip(k, part, off, `the block at offset ${off} has type 0x${type.toString(16)}, not the ${session ? 'session block' : 'packet'} the index names`);
        continue;
      }
      starts[k] = at;
      lengths[k] = len;
    }
    return k;
  }

  /**
   * Reads a window that starts with the block at position k (its part
   * opened first if need be); returns k when the block is now in the window
   * (for gather() to check and take), k + 1 when it was skipped.
   */
  private async load(k: number): Promise<number> {
    const t = this.table;
    const pos = this.positions[k]!;
    const p = this.partOf(t.part(pos));
    if (!p) {
      this.lengths[k] = -1; // its part is gone (the reader has warned about it)
      return k + 1;
    }
    if (p !== this.part) await this.use(p);
    const w = this.windows!;
    if (k > this.runLast) this.planRun(k);
    const off = t.offset(pos);
    let avail = await w.ensure(off, 12, this.runEnd);
    if (avail < 12) {
      this.skip(k, p, off, `the index points at offset ${off}, past the end of the file`);
      return k + 1;
    }
    const len = u32(w.bytes, off - w.base + 4, p.littleEndian);
    if (len < 12 || len % 4 !== 0 || len > MAX_BLOCK_BYTES || off + len > w.end) {
      this.skip(k, p, off, badLength(off, len));
      return k + 1;
    }
    if (avail < len) {
      avail = await w.ensure(off, len, Math.max(this.runEnd, off + len));
      if (avail < len) {
        this.skip(k, p, off, `the block at offset ${off} is cut short (${avail} of ${len} bytes)`);
        return k + 1;
      }
    }
    return k;
  }

  /** Waits for reads in flight: call when done (also after stopping early). */
  async close(): Promise<void> {
    await this.windows?.close();
    this.windows = null;
  }

  private async use(p: PartFile): Promise<void> {
    await this.windows?.close();
    this.part = p;
    this.windows = p.windows(this.windowBytes);
  }

  private partOf(n: number): PartFile | undefined {
    if (this.part?.part === n) return this.part;
    return this.parts.find((p) => p.part === n);
  }

  /**
   * The run that starts at positions[k]: the wanted blocks that follow it in
   * the same part with gaps under GAP_BYTES; it ends where the index says
   * the last one's block ends (the next entry's offset), or at the part's end.
   */
  private planRun(k: number): void {
    const t = this.table;
    const part = t.part(this.positions[k]!);
    let last = k;
    while (last + 1 < this.count) {
      const a = this.positions[last]!;
      const b = this.positions[last + 1]!;
      if (t.part(b) !== part || t.offset(b) - t.offset(a) > GAP_BYTES) break;
      last++;
    }
    const lastPos = this.positions[last]!;
    const after = lastPos + 1;
    this.runLast = last;
    this.runEnd = after < t.length && t.part(after) === part && t.offset(after) > t.offset(lastPos) ? t.offset(after) : (this.part?.size ?? Infinity);
  }

  private skip(k: number, p: PartFile, offset: number, message: string): void {
    this.lengths[k] = -1;
    this.onProblem(p, offset, message);
  }
}

const u32 = (b: Uint8Array, at: number, le: boolean): number =>
  le ? (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0 : ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;

function badLength(off: number, len: number): string {
  return `the index points at offset ${off}, where there is ${len < 12 || len % 4 !== 0 || len > MAX_BLOCK_BYTES ? `a block length of ${len}` : `a block of ${len} bytes, past the end of the file`}`;
}

/** The session metadata in block k of the current window; undefined when it is not ours, or broken (onProblem says why). */
export function sessionMetaAt(blocks: IndexedBlocks, k: number, onProblem: (part: PartFile, offset: number, message: string) => void): SessionMeta | undefined {
  const len = blocks.lengths[k]!;
  if (len <= 0) return undefined;
  const at = blocks.starts[k]!;
  const w = blocks.window;
  const part = blocks.part!;
  const type = u32(w, at, part.littleEndian);
  const meta = decodeSessionBlock({ type, offset: blocks.base + at, length: len, body: w.subarray(at + 8, at + len - 4), littleEndian: part.littleEndian, section: 0 });
  if (typeof meta === 'string') {
    onProblem(part, blocks.base + at, meta);
    return undefined;
  }
  return meta ?? undefined;
}
