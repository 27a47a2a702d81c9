/**
 * The random-access index of a capture: one fixed 32-byte entry per record
 * or session block, in file order, kept in one ArrayBuffer both on disk
 * (`name.pcapng.idx`) and in memory — loading it is one read into the
 * buffer the table then uses, appending is one write, and nothing is parsed
 * per entry until asked.
 *
 * File: 32-byte header — "OTBIDX01", u32 version 1, u32 entry size 32,
 * 16-byte capture id (from the capture's section header) — then entries.
 * Entry (little-endian):
 *   0 f64 id (records) or session number (session blocks)
 *   8 f64 time, ms since the epoch
 *  16 u32 offset low, 20 u16 offset high (48-bit offset in the part)
 *  22 u16 part number
 *  24 u32 session
 *  28 u16 type code
 *  30 u8 bits: 1 = s2c, 2 = session-metadata block
 *  31 u8 zero
 *
 * Every field sits at a multiple of its own size, so the table reads it
 * through typed-array views (Float64Array, Uint32Array, …) instead of a
 * DataView: a plain indexed load, about twice as fast in the indexer's and
 * the reader's loops. Typed arrays use the host's byte order; on a
 * big-endian host the entries are swapped once as they are loaded and
 * saved, so the file stays little-endian.
 */
import { type BlockLocations, type IndexSink } from './index-sink';
import { type EntryChunk } from './entry-chunk';
import { EntryViews } from './entry-views';

export const INDEX_MAGIC = 'OTBIDX01';
export const INDEX_VERSION = 1;
export const ENTRY_SIZE = 32;
export const INDEX_HEADER_SIZE = 32;

export const EntryBits = { S2C: 1, SESSION_BLOCK: 2 } as const;

/** True on little-endian hosts (every platform Node ships for but s390x). */
export const HOST_LE = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

export interface IndexEntry {
  readonly id: number;
  readonly time: number;
  readonly part: number;
  readonly offset: number;
  readonly session: number;
  readonly code: number;
  readonly bits: number;
}

const TWO_32 = 0x1_0000_0000;

export class IndexTable extends EntryViews implements IndexSink, BlockLocations {
  private buf!: ArrayBuffer;
  private n = 0;
  /** False once an id is not above the one before it; lookups then build a map. */
  private sorted = true;
  private lastRecordId = -Infinity;
  private byId: Map<number, number> | null = null;
  private records = 0;

  constructor(initialCapacity = 1024) {
    super();
    this.use(new ArrayBuffer(Math.max(1, Math.floor(initialCapacity)) * ENTRY_SIZE));
  }

  /** Copies entries read from disk (whole entries only; a partial last entry is ignored). */
  static fromBytes(bytes: Uint8Array): IndexTable {
    const count = Math.floor(bytes.length / ENTRY_SIZE);
    const buf = new ArrayBuffer((count + 1024) * ENTRY_SIZE);
    new Uint8Array(buf).set(bytes.subarray(0, count * ENTRY_SIZE));
    return IndexTable.adopt(buf, count);
  }

  /**
   * Takes over `buf`, whose first `count` entries are in file (little-endian)
   * order — what the loader reads the index file into, with room to grow —
   * without copying it.
   */
  static adopt(buf: ArrayBuffer, count: number): IndexTable {
    if (count * ENTRY_SIZE > buf.byteLength) throw new RangeError(`${count} entries do not fit in ${buf.byteLength} bytes`);
    const t = new IndexTable(1);
    t.use(buf);
    if (!HOST_LE) swapEntries(t.u8, 0, count);
    t.n = count;
    t.recount();
    return t;
  }

  private use(buf: ArrayBuffer): void {
    this.buf = buf;
    this.view(buf);
  }

  get length(): number {
    return this.n;
  }

  /** Entries that are records (not session blocks). */
  get recordCount(): number {
    return this.records;
  }

  /** True while record ids increase in file order (the proxy's ids do): ranges can stop early. */
  get idsAscending(): boolean {
    return this.sorted;
  }

  push(e: IndexEntry): void {
    this.pushFields(e.id, e.time, e.part, e.offset, e.session, e.code, e.bits);
  }

  /** push() without an entry object, for the indexer's hot loop. */
  pushFields(id: number, time: number, part: number, offset: number, session: number, code: number, bits: number): void {
    const i = this.n;
    if ((i + 1) * ENTRY_SIZE > this.buf.byteLength) this.grow();
    this.setEntry(i, id, time, part, offset, session, code, bits);
    this.n = i + 1;
    if ((bits & EntryBits.SESSION_BLOCK) === 0) {
      this.records++;
      if (id <= this.lastRecordId) this.sorted = false;
      this.lastRecordId = id;
      if (this.byId) this.byId.set(id, i);
    }
  }

  pushEntries(chunk: EntryChunk): void {
    const count = chunk.length;
    while ((this.n + count) * ENTRY_SIZE > this.buf.byteLength) this.grow();
    this.u8.set(chunk.u8.subarray(0, count * ENTRY_SIZE), this.n * ENTRY_SIZE);
    // What pushFields keeps besides, for the entries just copied.
    for (let k = 0; k < count; k++) {
      if ((chunk.bits(k) & EntryBits.SESSION_BLOCK) !== 0) continue;
      const id = chunk.id(k);
      this.records++;
      if (id <= this.lastRecordId) this.sorted = false;
      this.lastRecordId = id;
      if (this.byId) this.byId.set(id, this.n + k);
    }
    this.n += count;
  }

  private grow(): void {
    const bigger = new ArrayBuffer(this.buf.byteLength * 2);
    new Uint8Array(bigger).set(this.u8.subarray(0, this.n * ENTRY_SIZE));
    this.use(bigger);
  }

  /** Drops entries from `count` on (a stale tail). */
  truncate(count: number): void {
    if (count >= this.n) return;
    this.n = Math.max(0, count);
    this.recount();
  }

  /** Record count, order and the last id, from the entries (one tight pass: a million entries in a few ms). */
  private recount(): void {
    const u8 = this.u8;
    const f64 = this.f64;
    let records = 0;
    let sorted = true;
    let last = -Infinity;
    for (let i = 0; i < this.n; i++) {
      if ((u8[(i << 5) + 30]! & EntryBits.SESSION_BLOCK) !== 0) continue;
      records++;
      const id = f64[i << 2]!;
      if (id <= last) sorted = false;
      last = id;
    }
    this.records = records;
    this.sorted = sorted;
    this.lastRecordId = last;
    this.byId = null;
  }

  isSessionBlock(i: number): boolean {
    return (this.u8[(i << 5) + 30]! & EntryBits.SESSION_BLOCK) !== 0;
  }
  entry(i: number): IndexEntry {
    return { id: this.id(i), time: this.time(i), part: this.part(i), offset: this.offset(i), session: this.session(i), code: this.code(i), bits: this.bits(i) };
  }

  /** Position of the record with this id, or -1. */
  find(id: number): number {
    if (this.sorted) {
      // Record ids increase; session blocks sit between them, so search and then step over them.
      let lo = 0;
      let hi = this.n - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        let m = mid;
        while (m <= hi && this.isSessionBlock(m)) m++;
        if (m > hi) {
          hi = mid - 1;
          continue;
        }
        const v = this.id(m);
        if (v === id) return m;
        if (v < id) lo = m + 1;
        else hi = mid - 1;
      }
      return -1;
    }
    if (!this.byId) {
      this.byId = new Map();
      for (let i = 0; i < this.n; i++) if (!this.isSessionBlock(i)) this.byId.set(this.id(i), i);
    }
    return this.byId.get(id) ?? -1;
  }

  /** Position of the first record with id ≥ `id` (for ranges), assuming sorted ids; n when none. */
  lowerBound(id: number): number {
    if (!this.sorted) {
      for (let i = 0; i < this.n; i++) if (!this.isSessionBlock(i) && this.id(i) >= id) return i;
      return this.n;
    }
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      let m = mid;
      while (m < hi && this.isSessionBlock(m)) m++;
      if (m === hi || this.id(m) >= id) hi = mid;
      else lo = m + 1;
    }
    return lo;
  }

  /** Entries [from, to) as the file holds them (little-endian), for writing to disk: a view, or a swapped copy on a big-endian host. */
  bytes(from = 0, to = this.n): Uint8Array {
    const view = this.u8.subarray(from * ENTRY_SIZE, to * ENTRY_SIZE);
    if (HOST_LE) return view;
    const copy = view.slice();
    swapEntries(copy, 0, to - from);
    return copy;
  }
}

/**
 * Reverses the byte order of every field of `count` entries in place: file
 * order ↔ host order on a big-endian host (its own inverse).
 */
export function swapEntries(u8: Uint8Array, from: number, count: number): void {
  const swap = (at: number, size: number): void => {
    for (let a = at, b = at + size - 1; a < b; a++, b--) {
      const x = u8[a]!;
      u8[a] = u8[b]!;
      u8[b] = x;
    }
  };
  for (let i = from; i < from + count; i++) {
    const e = i * ENTRY_SIZE;
    swap(e, 8);
    swap(e + 8, 8);
    swap(e + 16, 4);
    swap(e + 20, 2);
    swap(e + 22, 2);
    swap(e + 24, 4);
    swap(e + 28, 2);
  }
}

export function writeEntry(dv: DataView, at: number, e: IndexEntry): void {
  const low = e.offset >>> 0;
  dv.setFloat64(at, e.id, true);
  dv.setFloat64(at + 8, e.time, true);
  dv.setUint32(at + 16, low, true);
  dv.setUint16(at + 20, (e.offset - low) / TWO_32, true);
  dv.setUint16(at + 22, e.part, true);
  dv.setUint32(at + 24, e.session >>> 0, true);
  dv.setUint16(at + 28, e.code & 0xffff, true);
  dv.setUint8(at + 30, e.bits & 0xff);
  dv.setUint8(at + 31, 0);
}

export function encodeIndexHeader(captureId: Uint8Array): Uint8Array {
  const out = new Uint8Array(INDEX_HEADER_SIZE);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) out[i] = INDEX_MAGIC.charCodeAt(i);
  dv.setUint32(8, INDEX_VERSION, true);
  dv.setUint32(12, ENTRY_SIZE, true);
  out.set(captureId.subarray(0, 16), 16);
  return out;
}

/** The capture id of an index header, or a problem text. */
export function decodeIndexHeader(bytes: Uint8Array): Uint8Array | string {
  if (bytes.length < INDEX_HEADER_SIZE) return 'index file is shorter than its header';
  for (let i = 0; i < 8; i++) if (bytes[i] !== INDEX_MAGIC.charCodeAt(i)) return 'index file has the wrong magic';
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(8, true) !== INDEX_VERSION) return `index version ${dv.getUint32(8, true)} is not ${INDEX_VERSION}`;
  if (dv.getUint32(12, true) !== ENTRY_SIZE) return `index entry size ${dv.getUint32(12, true)} is not ${ENTRY_SIZE}`;
  return bytes.slice(16, 32);
}
