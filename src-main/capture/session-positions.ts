/**
 * Per-session positions and counts, taken from index entries as they pass
 * (a StreamSink): for each session, where its records' blocks are (part and
 * offset, in file order) and what a session list needs — message counts by
 * direction, first and last time, and counts of a few message codes the
 * caller watches. No object per record: positions go into shared
 * typed-array slabs, 4 bytes a record (offset ÷ 4: pcapng blocks are
 * 4-byte aligned).
 */
import { EntryBits, type IndexEntry } from './index-table';
import { type BlockLocations } from './index-sink';
import { type StreamSink } from './index-stream';
import { type EntryChunk } from './entry-chunk';

/**
 * Positions of every session, in blocks of 256 taken from shared slabs
 * (4 KiB at first, doubling to 1 MiB) as sessions fill them: memory grows with the records, with at most
 * one part-filled block per session (chunks that double per session would
 * waste up to half, and fresh memory is what a pass like this pays for most).
 * A position is (offset ÷ 4) mod 2^32; its block keeps the part and the
 * offset's high bits (parts past 16 GiB), and a session starts a new block
 * when either changes.
 */
export class PositionSlabs {
  static readonly BLOCK = 256;
  /** Blocks in the largest slab (1 MiB); the first slabs are smaller, so that a small capture takes little. */
  private static readonly LARGEST = 1024;
  private slab: Uint32Array = new Uint32Array(0);
  private used = 0;
  readonly blockPart: number[] = [];
  readonly blockHigh: number[] = [];
  /** Positions in each block once its session moved on to another (a block is closed early when the part or the high bits change). */
  readonly blockFill: number[] = [];
  private readonly blockSlab: Uint32Array[] = [];
  private readonly blockStart: number[] = [];

  /** A new block for positions in `part` with these high bits; its number. */
  take(part: number, high: number): number {
    const b = this.blockPart.length;
    if (this.used === this.slab.length) {
      const blocks = Math.min(PositionSlabs.LARGEST, Math.max(4, (this.slab.length / PositionSlabs.BLOCK) * 2));
      this.slab = new Uint32Array(blocks * PositionSlabs.BLOCK);
      this.used = 0;
    }
    this.blockSlab.push(this.slab);
    this.blockStart.push(this.used);
    this.used += PositionSlabs.BLOCK;
    this.blockPart.push(part);
    this.blockHigh.push(high);
    this.blockFill.push(0);
    return b;
  }

  /** The slab block `b` lives in, and where in it. */
  slabOf(b: number): Uint32Array {
    return this.blockSlab[b]!;
  }
  startOf(b: number): number {
    return this.blockStart[b]!;
  }
}

const TWO_34 = 0x4_0000_0000;

export class SessionEntries {
  messages = 0;
  c2s = 0;
  s2c = 0;
  first = NaN;
  last = NaN;
  /** Per watched code: [c2s count, s2c count]. */
  readonly codeCounts: Uint32Array;
  /** This session's blocks in the slabs, in file order; the last holds `fill` positions. */
  private readonly blocks: number[] = [];
  private fill = PositionSlabs.BLOCK;
  private slab: Uint32Array | null = null;
  private at = 0;
  private part = -1;
  private high = -1;

  constructor(
    readonly session: number,
    private readonly watch: readonly number[],
    private readonly slabs: PositionSlabs,
  ) {
    this.codeCounts = new Uint32Array(watch.length * 2);
  }

  /** One record; `offset` must be a multiple of 4 (a pcapng block boundary). */
  add(time: number, part: number, offset: number, s2c: boolean, code: number): void {
    this.messages++;
    if (s2c) this.s2c++;
    else this.c2s++;
    if (this.messages === 1) this.first = time;
    this.last = time;
    const w = this.watch;
    for (let k = 0; k < w.length; k++) if (w[k] === code) this.codeCounts[(k << 1) + (s2c ? 1 : 0)]!++;
    const high = offset < TWO_34 ? 0 : Math.floor(offset / TWO_34);
    if (this.fill === PositionSlabs.BLOCK || part !== this.part || high !== this.high) {
      if (this.blocks.length > 0) this.slabs.blockFill[this.blocks[this.blocks.length - 1]!] = this.fill;
      const b = this.slabs.take(part, high);
      this.blocks.push(b);
      this.slab = this.slabs.slabOf(b);
      this.at = this.slabs.startOf(b);
      this.fill = 0;
      this.part = part;
      this.high = high;
    }
    this.slab![this.at + this.fill++] = (offset - high * TWO_34) / 4;
  }

  /** How many messages of this code went this way. */
  count(code: number, s2c: boolean): number {
    const k = this.watch.indexOf(code);
    return k < 0 ? 0 : this.codeCounts[(k << 1) + (s2c ? 1 : 0)]!;
  }

  /** Where this session's records are, as positions 0 … messages - 1 in file order (made when asked: a few bytes a record). */
  locations(): BlockLocations {
    const parts = new Uint16Array(this.messages);
    const offsets = new Float64Array(this.messages);
    let i = 0;
    const s = this.slabs;
    for (let j = 0; j < this.blocks.length; j++) {
      const b = this.blocks[j]!;
      const n = j === this.blocks.length - 1 ? this.fill : s.blockFill[b]!;
      const slab = s.slabOf(b);
      const start = s.startOf(b);
      const base = s.blockHigh[b]! * TWO_34;
      const part = s.blockPart[b]!;
      for (let k = 0; k < n; k++, i++) {
        parts[i] = part;
        offsets[i] = base + slab[start + k]! * 4;
      }
    }
    return listedLocations(parts, offsets, false);
  }
}

/** Locations from parallel lists. */
export function listedLocations(parts: Uint16Array, offsets: Float64Array, sessionBlocks: boolean): BlockLocations {
  return {
    length: offsets.length,
    part: (i) => parts[i]!,
    offset: (i) => offsets[i]!,
    isSessionBlock: () => sessionBlocks,
  };
}

export class SessionPositions implements StreamSink {
  /** By session number, in the order first seen. */
  private bySession = new Map<number, SessionEntries>();
  /** Small session numbers (every proxy's) found without a map lookup. */
  private small: (SessionEntries | undefined)[] = [];
  private slabs = new PositionSlabs();
  /** Session-metadata blocks: part and offset. */
  private metaParts: number[] = [];
  private metaOffsets: number[] = [];
  messages = 0;

  /** `watch`: message codes to count per session and direction. */
  constructor(private readonly watch: readonly number[] = []) {}

  pushFields(_id: number, time: number, part: number, offset: number, session: number, code: number, bits: number): void {
    if ((bits & EntryBits.SESSION_BLOCK) !== 0) {
      this.metaParts.push(part);
      this.metaOffsets.push(offset);
      return;
    }
    this.messages++;
    const s = (session < 65536 ? this.small[session] : undefined) ?? this.entriesOf(session);
    s.add(time, part, offset, (bits & EntryBits.S2C) !== 0, code);
  }

  push(e: IndexEntry): void {
    this.pushFields(e.id, e.time, e.part, e.offset, e.session, e.code, e.bits);
  }

  pushEntries(c: EntryChunk): void {
    for (let k = 0; k < c.length; k++) this.pushFields(0, c.time(k), c.part(k), c.offset(k), c.session(k), c.code(k), c.bits(k));
  }

  reset(): void {
    this.bySession = new Map();
    this.small = [];
    this.slabs = new PositionSlabs();
    this.metaParts = [];
    this.metaOffsets = [];
    this.messages = 0;
  }

  private entriesOf(session: number): SessionEntries {
    let s = this.bySession.get(session);
    if (!s) {
      s = new SessionEntries(session, this.watch, this.slabs);
      this.bySession.set(session, s);
      if (session < 65536) this.small[session] = s;
    }
    return s;
  }

  /** Sessions with records, by number. */
  sessions(): SessionEntries[] {
    return [...this.bySession.values()].sort((a, b) => a.session - b.session);
  }

  get(session: number): SessionEntries | undefined {
    return this.bySession.get(session);
  }

  /** Where the session-metadata blocks are, in file order. */
  metaLocations(): BlockLocations {
    return listedLocations(Uint16Array.from(this.metaParts), Float64Array.from(this.metaOffsets), true);
  }
}
