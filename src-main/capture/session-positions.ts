/**
 * Per-session positions and counts, taken from index entries as they pass
 * (a StreamSink): for each session, where its records' blocks are (part and
 * offset, in file order) and what a session list needs — message counts by
 * direction, first and last time, and counts of a few message codes the
 * caller watches. No object per record: positions go into shared
 * typed-array slabs, 4 bytes a record (offset ÷ 4: pcapng blocks are
 * 4-byte aligned).
 *
 * This is the per-record step of opening a capture with no index (a million
 * times for the benchmark's capture), and the scan that feeds it streams
 * megabytes through the cache between two chunks of entries. So what one
 * record touches is kept small: a session's counters live in one 64-byte
 * row of a shared Int32Array (not in an object, its typed arrays and its
 * block list, several cache lines apart), its times in a shared
 * Float64Array, and its next position's place in the slabs is one index.
 * SessionEntries objects are made when asked for.
 */
import { EntryBits, type IndexEntry } from './index-table';
import { type BlockLocations } from './index-sink';
import { doubled } from '../../src-shared/typed-arrays';
import { type StreamSink } from './index-stream';
import { type EntryChunk } from './entry-chunk';
import { passBuffers } from './buffer-pool';

/** Positions per block: a session takes blocks of 256 from the slabs as it fills them. */
const BLOCK = 256;
/** Positions per slab (1 MiB): slab = position index >>> SLAB_SHIFT. */
const SLAB_SHIFT = 18;
const SLAB_MASK = (1 << SLAB_SHIFT) - 1;
const TWO_32 = 0x1_0000_0000;
const TWO_34 = 0x4_0000_0000;

// A session's row in `rows`: these counters, then [c2s, s2c] per watched code.
const MESSAGES = 0;
const C2S = 1;
const S2C = 2;
/**
 * Index, across the slabs, of the session's next position. Blocks start at
 * multiples of BLOCK, so a full block (or none yet: 0) is NEXT % BLOCK = 0.
 */
const NEXT = 3;
/** Part and offset ÷ 2^34 of the current block's positions, as one number: part << 14 | high (a block holds one of each). */
const KEY = 4;
const CODES = 5;
/** Offsets up to 2^48 (the index's 48-bit offsets): offset ÷ 2^34 takes 14 bits. */
const HIGH_BITS = 14;

/** Blocks of one session, in file order: where each starts across the slabs, and its part and high bits. */
interface SessionBlocks {
  readonly starts: number[];
  readonly parts: number[];
  readonly highs: number[];
}

/** What the session list needs of one session, and where its records are. */
export class SessionEntries {
  constructor(
    readonly session: number,
    readonly messages: number,
    readonly c2s: number,
    readonly s2c: number,
    /** Time of the first and the last record (ms since the epoch). */
    readonly first: number,
    readonly last: number,
    private readonly watch: readonly number[],
    /** Per watched code: [c2s count, s2c count]. */
    readonly codeCounts: Uint32Array,
    private readonly owner: SessionPositions,
    private readonly slot: number,
    private readonly generation: number,
  ) {}

  /** How many messages of this code went this way. */
  count(code: number, s2c: boolean): number {
    const k = this.watch.indexOf(code);
    return k < 0 ? 0 : this.codeCounts[(k << 1) + (s2c ? 1 : 0)]!;
  }

  /** Where this session's records are, as positions 0 … messages - 1 in file order (made when asked: a few bytes a record). */
  locations(): BlockLocations {
    return this.owner.locationsOf(this.slot, this.session, this.messages, this.generation);
  }
}

export class SessionPositions implements StreamSink {
  /** Session → slot + 1 for small session numbers (every proxy's); 0: none yet. Zero-filled pages cost nothing until touched. */
  private smallSlots = new Int32Array(65536);
  private bigSlots = new Map<number, number>();
  /** Session number of each slot, in the order first seen. */
  private slotSession: number[] = [];
  private slotBlocks: SessionBlocks[] = [];
  /** One row of `stride` int32 per slot (see MESSAGES …). */
  private rows: Int32Array;
  /** [first, last] time per slot. */
  private times: Float64Array;
  private readonly stride: number;
  /** By message code: 1 + its c2s counter's place in a row, or 0 when the code is not watched. */
  private readonly watchAt = new Uint8Array(65536);
  private slabs: Uint32Array[] = [];
  /** Per slot, the fill of its blocks closed before they were full (rare: a part or the high bits changed). */
  private fills: (number[] | undefined)[] = [];
  /** Blocks taken so far, across the slabs. */
  private blocks = 0;
  /** Bumped by reset(): SessionEntries of an earlier pass refuse to read. */
  private generation = 0;
  /** Session-metadata blocks: part and offset. */
  private metaParts: number[] = [];
  private metaOffsets: number[] = [];
  messages = 0;

  /** `watch`: message codes to count per session and direction. */
  constructor(private readonly watch: readonly number[] = []) {
    // A row fits in one 64-byte cache line for up to five watched codes.
    this.stride = Math.ceil((CODES + 2 * watch.length) / 16) * 16;
    // Each watched code's place in a row, by code (the first place when a code is listed twice, as count() finds it).
    for (let k = watch.length - 1; k >= 0; k--) {
      const code = watch[k]!;
      if (Number.isInteger(code) && code >= 0 && code < 65536) this.watchAt[code] = CODES + 2 * k + 1;
    }
    this.rows = new Int32Array(64 * this.stride);
    this.times = new Float64Array(64 * 2);
  }

  pushFields(_id: number, time: number, part: number, offset: number, session: number, code: number, bits: number): void {
    if ((bits & EntryBits.SESSION_BLOCK) !== 0) {
      this.metaParts.push(part);
      this.metaOffsets.push(offset);
      return;
    }
    const low = offset >>> 0;
    this.add(session, time, part, (offset - low) / TWO_32, low, (bits & EntryBits.S2C) !== 0, code);
  }

  push(e: IndexEntry): void {
    this.pushFields(e.id, e.time, e.part, e.offset, e.session, e.code, e.bits);
  }

  /**
   * A chunk of entries, read straight from its typed arrays (the field
   * layout of entry-views.ts): no accessor call and no offset rebuilt as a
   * double per entry.
   */
  pushEntries(c: EntryChunk): void {
    const { f64, u32, u16, u8 } = c;
    for (let k = 0; k < c.length; k++) {
      const bits = u8[(k << 5) + 30]!;
      if ((bits & EntryBits.SESSION_BLOCK) !== 0) {
        this.metaParts.push(u16[(k << 4) + 11]!);
        this.metaOffsets.push(c.offset(k));
        continue;
      }
      this.add(u32[(k << 3) + 6]!, f64[(k << 2) + 1]!, u16[(k << 4) + 11]!, u16[(k << 4) + 10]!, u32[(k << 3) + 4]!, (bits & EntryBits.S2C) !== 0, u16[(k << 4) + 14]!);
    }
  }

  /**
   * One record, its offset as the index entry holds it: high 16 bits and
   * low 32 (offset = hi16 × 2^32 + low32, a multiple of 4). Its position,
   * (offset ÷ 4) mod 2^32, and its block's high bits (offset ÷ 2^34) are
   * then integer operations.
   */
  private add(session: number, time: number, part: number, hi16: number, low32: number, s2c: boolean, code: number): void {
    this.messages++;
    let slot = session < 65536 ? this.smallSlots[session]! - 1 : (this.bigSlots.get(session) ?? -1);
    if (slot < 0) slot = this.newSlot(session);
    const rows = this.rows;
    const r = slot * this.stride;
    const n = ++rows[r + MESSAGES]!;
    rows[r + (s2c ? S2C : C2S)]!++;
    const times = this.times;
    if (n === 1) times[slot << 1] = time;
    times[(slot << 1) + 1] = time;
    const w = code < 65536 ? this.watchAt[code]! : 0;
    if (w !== 0) rows[r + w - 1 + (s2c ? 1 : 0)]!++;
    const key = (part << HIGH_BITS) | (hi16 >>> 2);
    let at = rows[r + NEXT]!;
    if ((at & (BLOCK - 1)) === 0 || key !== rows[r + KEY]) at = this.newBlock(slot, r, key);
    // ((hi16 mod 4) × 2^32 + low32) ÷ 4, exact: the offset is a multiple of 4.
    this.slabs[at >>> SLAB_SHIFT]![at & SLAB_MASK] = ((hi16 & 3) << 30) | (low32 >>> 2);
    rows[r + NEXT] = at + 1;
  }

  private newSlot(session: number): number {
    const slot = this.slotSession.length;
    this.slotSession.push(session);
    this.slotBlocks.push({ starts: [], parts: [], highs: [] });
    if (session < 65536) this.smallSlots[session] = slot + 1;
    else this.bigSlots.set(session, slot);
    if ((slot + 1) * this.stride > this.rows.length) {
      this.rows = doubled(this.rows);
      this.times = doubled(this.times);
    }
    return slot;
  }

  /** The slot's next BLOCK positions go into a new block, for this part and high bits (`key`); where its first goes. */
  private newBlock(slot: number, r: number, key: number): number {
    const b = this.blocks++;
    if (b >>> (SLAB_SHIFT - 8) >= this.slabs.length) this.slabs.push(new Uint32Array(passBuffers.take((1 << SLAB_SHIFT) * 4)));
    const start = b * BLOCK;
    const list = this.slotBlocks[slot]!;
    const rows = this.rows;
    // The block before, closed early (the part or the high bits changed): how far it was filled.
    const used = rows[r + NEXT]! & (BLOCK - 1);
    if (list.starts.length > 0 && used > 0) (this.fills[slot] ??= [])[list.starts.length - 1] = used;
    list.starts.push(start);
    list.parts.push(key >>> HIGH_BITS);
    list.highs.push(key & ((1 << HIGH_BITS) - 1));
    rows[r + NEXT] = start;
    rows[r + KEY] = key;
    return start;
  }

  /** Where a slot's `count` records are (SessionEntries.locations). */
  locationsOf(slot: number, session: number, count: number, generation: number): BlockLocations {
    if (generation !== this.generation) throw new Error(`the positions of session ${session} were released (its index was closed)`);
    const parts = new Uint16Array(count);
    const offsets = new Float64Array(count);
    const list = this.slotBlocks[slot]!;
    let i = 0;
    for (let j = 0; j < list.starts.length && i < count; j++) {
      const start = list.starts[j]!;
      const base = list.highs[j]! * TWO_34;
      const part = list.parts[j]!;
      // Every block but the last is full, unless it was closed early; the last holds the rest.
      const n = j + 1 < list.starts.length ? (this.fills[slot]?.[j] ?? BLOCK) : count - i;
      for (let k = 0; k < n; k++, i++) {
        const at = start + k;
        parts[i] = part;
        offsets[i] = base + this.slabs[at >>> SLAB_SHIFT]![at & SLAB_MASK]! * 4;
      }
    }
    return listedLocations(parts, offsets, false);
  }


  /** Forgets every session and gives the slabs back to the pool (an index that did not check out, or close()). */
  reset(): void {
    for (const slab of this.slabs) passBuffers.give(slab.buffer as ArrayBuffer);
    this.slabs = [];
    this.blocks = 0;
    this.generation++;
    this.smallSlots = new Int32Array(65536);
    this.bigSlots = new Map();
    this.slotSession = [];
    this.slotBlocks = [];
    this.fills = [];
    this.rows = new Int32Array(64 * this.stride);
    this.times = new Float64Array(64 * 2);
    this.metaParts = [];
    this.metaOffsets = [];
    this.messages = 0;
  }

  /** Done with these positions (the index is closed): their memory goes back to the pool, and entries handed out refuse to read. */
  release(): void {
    this.reset();
  }

  /** Sessions with records, by number. */
  sessions(): SessionEntries[] {
    return this.slotSession.map((_, slot) => this.entriesAt(slot)).sort((a, b) => a.session - b.session);
  }

  get(session: number): SessionEntries | undefined {
    const slot = session < 65536 && session >= 0 ? this.smallSlots[session]! - 1 : (this.bigSlots.get(session) ?? -1);
    return slot < 0 ? undefined : this.entriesAt(slot);
  }

  private entriesAt(slot: number): SessionEntries {
    const r = slot * this.stride;
    const rows = this.rows;
    const codes = Uint32Array.from(rows.subarray(r + CODES, r + CODES + 2 * this.watch.length), (x) => x >>> 0);
    return new SessionEntries(this.slotSession[slot]!, rows[r + MESSAGES]! >>> 0, rows[r + C2S]! >>> 0, rows[r + S2C]! >>> 0, this.times[slot << 1]!, this.times[(slot << 1) + 1]!, this.watch, codes, this, slot, this.generation);
  }

  /** Where the session-metadata blocks are, in file order. */
  metaLocations(): BlockLocations {
    return listedLocations(Uint16Array.from(this.metaParts), Float64Array.from(this.metaOffsets), true);
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
