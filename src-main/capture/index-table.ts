/**
 * The random-access index of a capture: one fixed 32-byte entry per record
 * or session block, in file order, kept as raw bytes both on disk
 * (`name.pcapng.idx`) and in memory — loading it is one read, appending is
 * one write, and nothing is parsed per entry until asked.
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
 */
export const INDEX_MAGIC = 'OTBIDX01';
export const INDEX_VERSION = 1;
export const ENTRY_SIZE = 32;
export const INDEX_HEADER_SIZE = 32;

export const EntryBits = { S2C: 1, SESSION_BLOCK: 2 } as const;

export interface IndexEntry {
  readonly id: number;
  readonly time: number;
  readonly part: number;
  readonly offset: number;
  readonly session: number;
  readonly code: number;
  readonly bits: number;
}

export class IndexTable {
  private buf: Uint8Array;
  private dv: DataView;
  private n = 0;
  /** False once an id is not above the one before it; lookups then build a map. */
  private sorted = true;
  private lastRecordId = -Infinity;
  private byId: Map<number, number> | null = null;
  private records = 0;

  constructor(initialCapacity = 1024) {
    this.buf = new Uint8Array(Math.max(1, initialCapacity) * ENTRY_SIZE);
    this.dv = new DataView(this.buf.buffer);
  }

  /** Wraps entries read from disk (whole entries only; a partial last entry is ignored). */
  static fromBytes(bytes: Uint8Array): IndexTable {
    const count = Math.floor(bytes.length / ENTRY_SIZE);
    const t = new IndexTable(count + 1024);
    t.buf.set(bytes.subarray(0, count * ENTRY_SIZE));
    for (let i = 0; i < count; i++) t.noteAppended(i);
    t.n = count;
    return t;
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
    if ((this.n + 1) * ENTRY_SIZE > this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
      this.dv = new DataView(bigger.buffer);
    }
    const at = this.n * ENTRY_SIZE;
    const dv = this.dv;
    dv.setFloat64(at, id, true);
    dv.setFloat64(at + 8, time, true);
    dv.setUint32(at + 16, offset % 0x1_0000_0000, true);
    dv.setUint16(at + 20, Math.floor(offset / 0x1_0000_0000), true);
    dv.setUint16(at + 22, part, true);
    dv.setUint32(at + 24, session >>> 0, true);
    dv.setUint16(at + 28, code & 0xffff, true);
    this.buf[at + 30] = bits & 0xff;
    this.buf[at + 31] = 0;
    this.noteAppended(this.n);
    this.n++;
  }

  /** Drops entries from `count` on (a stale tail). */
  truncate(count: number): void {
    if (count >= this.n) return;
    this.n = Math.max(0, count);
    this.byId = null;
    this.sorted = true;
    this.records = 0;
    this.lastRecordId = -Infinity;
    for (let i = 0; i < this.n; i++) this.noteAppended(i);
  }

  private noteAppended(i: number): void {
    if (this.isSessionBlock(i)) return;
    this.records++;
    const id = this.id(i);
    if (id <= this.lastRecordId) this.sorted = false;
    this.lastRecordId = id;
    if (this.byId) this.byId.set(id, i);
  }

  id(i: number): number {
    return this.dv.getFloat64(i * ENTRY_SIZE, true);
  }
  time(i: number): number {
    return this.dv.getFloat64(i * ENTRY_SIZE + 8, true);
  }
  offset(i: number): number {
    const at = i * ENTRY_SIZE;
    return this.dv.getUint16(at + 20, true) * 0x1_0000_0000 + this.dv.getUint32(at + 16, true);
  }
  part(i: number): number {
    return this.dv.getUint16(i * ENTRY_SIZE + 22, true);
  }
  session(i: number): number {
    return this.dv.getUint32(i * ENTRY_SIZE + 24, true);
  }
  code(i: number): number {
    return this.dv.getUint16(i * ENTRY_SIZE + 28, true);
  }
  bits(i: number): number {
    return this.buf[i * ENTRY_SIZE + 30]!;
  }
  isSessionBlock(i: number): boolean {
    return (this.buf[i * ENTRY_SIZE + 30]! & EntryBits.SESSION_BLOCK) !== 0;
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

  /** Raw bytes of entries [from, to), for writing to disk. */
  bytes(from = 0, to = this.n): Uint8Array {
    return this.buf.subarray(from * ENTRY_SIZE, to * ENTRY_SIZE);
  }
}

export function writeEntry(dv: DataView, at: number, e: IndexEntry): void {
  dv.setFloat64(at, e.id, true);
  dv.setFloat64(at + 8, e.time, true);
  dv.setUint32(at + 16, e.offset % 0x1_0000_0000, true);
  dv.setUint16(at + 20, Math.floor(e.offset / 0x1_0000_0000), true);
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
