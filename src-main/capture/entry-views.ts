/**
 * One index entry of the index file's 32-byte layout (index-table.ts names
 * the bytes), read and written through typed-array views in the host's
 * byte order. The growing index table and the fixed-size chunks that carry
 * entries in bulk are both made of these entries; this is the one place
 * that knows where each field sits.
 */
const TWO_32 = 0x1_0000_0000;
/** The views' byte order is the host's: on a little-endian host a 16-bit field is the low or high half of its 32-bit word. */
const LITTLE_ENDIAN_HOST = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

export abstract class EntryViews {
  u8!: Uint8Array;
  u16!: Uint16Array;
  u32!: Uint32Array;
  f64!: Float64Array;

  protected view(buf: ArrayBuffer): void {
    this.u8 = new Uint8Array(buf);
    this.u16 = new Uint16Array(buf, 0, buf.byteLength >> 1);
    this.u32 = new Uint32Array(buf, 0, buf.byteLength >> 2);
    this.f64 = new Float64Array(buf, 0, buf.byteLength >> 3);
  }

  protected setEntry(i: number, id: number, time: number, part: number, offset: number, session: number, code: number, bits: number): void {
    this.f64[i << 2] = id;
    this.f64[(i << 2) + 1] = time;
    // `>>> 0` is offset mod 2^32 (exact for any integer below 2^53); `%` on a double would call fmod.
    const low = offset >>> 0;
    if (LITTLE_ENDIAN_HOST) {
      // The same bytes as below in four word stores instead of seven: [offset high 16 | part], session, [code | bits, 0].
      const u32 = this.u32;
      u32[(i << 3) + 4] = low;
      u32[(i << 3) + 5] = (((offset - low) / TWO_32) & 0xffff) | ((part & 0xffff) << 16);
      u32[(i << 3) + 6] = session >>> 0;
      u32[(i << 3) + 7] = (code & 0xffff) | ((bits & 0xff) << 16);
      return;
    }
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
  /** The unused byte 31 of an entry: zero in every index otbridge writes. */
  reserved(i: number): number {
    return this.u8[(i << 5) + 31]!;
  }
}

/**
 * Entries in file order, each inside its part: parts never go back, offsets
 * within a part only grow, every entry names a part of this capture and
 * points at a block boundary (pcapng blocks are multiples of 4 bytes) with
 * room for a block header, and no unknown flag bit is set — true of every
 * index otbridge writes, so one that breaks it was damaged or belongs to
 * other files. Fed entry by entry, from a whole table or chunk by chunk.
 */
export class EntryOrder {
  /** The part and offset of the last entry accepted (-1, -1 before any). */
  part = -1;
  last = -1;
  private size = 0;

  constructor(private readonly partSizes: ReadonlyMap<number, { readonly size: number }>) {}

  /** Why entry `k` of `v` (entry `i` of the index) breaks the order, or null — then it is the new last. */
  check(v: EntryViews, k: number, i: number): string | null {
    const p = v.part(k);
    const at = v.offset(k);
    if (p !== this.part) {
      const f = this.partSizes.get(p);
      if (!f) return `entry ${i} names part ${p}, which is not in this capture`;
      if (p < this.part) return `entry ${i} goes back from part ${this.part} to part ${p}`;
      this.part = p;
      this.size = f.size;
      this.last = -1;
    }
    if (at <= this.last) return `entry ${i} is not after the entry before it`;
    if (at + 12 > this.size) return `entry ${i} points past the end of its part`;
    if (at % 4 !== 0) return `entry ${i} does not point at a block boundary`;
    if (v.bits(k) > 3 || v.reserved(k) !== 0) return `entry ${i} has unknown flag bits`;
    this.last = at;
    return null;
  }
}
