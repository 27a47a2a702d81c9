/**
 * A run of index entries in the index file's layout (index-table.ts), in
 * the host's byte order, filled and read through typed-array views: how
 * entries travel in bulk from the indexer to the index's consumers (the
 * table, the file writer, per-session positions) — one call per few
 * thousand entries, and no number boxed per entry on the way.
 */
import { ENTRY_SIZE, HOST_LE, swapEntries } from './index-table';

const TWO_32 = 0x1_0000_0000;

export class EntryChunk {
  readonly u8: Uint8Array;
  readonly u16: Uint16Array;
  readonly u32: Uint32Array;
  readonly f64: Float64Array;
  length = 0;

  constructor(readonly capacity: number) {
    this.u8 = new Uint8Array(capacity * ENTRY_SIZE);
    this.u16 = new Uint16Array(this.u8.buffer);
    this.u32 = new Uint32Array(this.u8.buffer);
    this.f64 = new Float64Array(this.u8.buffer);
  }

  get full(): boolean {
    return this.length === this.capacity;
  }

  push(id: number, time: number, part: number, offset: number, session: number, code: number, bits: number): void {
    const i = this.length++;
    this.f64[i << 2] = id;
    this.f64[(i << 2) + 1] = time;
    const low = offset >>> 0;
    this.u32[(i << 3) + 4] = low;
    this.u16[(i << 4) + 10] = (offset - low) / TWO_32;
    this.u16[(i << 4) + 11] = part;
    this.u32[(i << 3) + 6] = session >>> 0;
    this.u16[(i << 4) + 14] = code;
    this.u8[(i << 5) + 30] = bits;
    this.u8[(i << 5) + 31] = 0;
  }

  id(i: number): number {
    return this.f64[i << 2]!;
  }
  time(i: number): number {
    return this.f64[(i << 2) + 1]!;
  }
  offset(i: number): number {
    return this.u16[(i << 4) + 10]! * TWO_32 + this.u32[(i << 3) + 4]!;
  }
  part(i: number): number {
    return this.u16[(i << 4) + 11]!;
  }
  session(i: number): number {
    return this.u32[(i << 3) + 6]!;
  }
  code(i: number): number {
    return this.u16[(i << 4) + 14]!;
  }
  bits(i: number): number {
    return this.u8[(i << 5) + 30]!;
  }

  /** The entries as the index file holds them (little-endian): a view, or a swapped copy on a big-endian host. */
  fileBytes(): Uint8Array {
    const view = this.u8.subarray(0, this.length * ENTRY_SIZE);
    if (HOST_LE) return view;
    const copy = view.slice();
    swapEntries(copy, 0, this.length);
    return copy;
  }
}
