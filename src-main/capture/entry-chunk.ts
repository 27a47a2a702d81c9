/**
 * A run of index entries in the index file's layout (index-table.ts), in
 * the host's byte order, filled and read through typed-array views: how
 * entries travel in bulk from the indexer to the index's consumers (the
 * table, the file writer, per-session positions) — one call per few
 * thousand entries, and no number boxed per entry on the way.
 */
import { EntryViews } from './entry-views';
import { ENTRY_SIZE, HOST_LE, swapEntries } from './index-table';

export class EntryChunk extends EntryViews {
  length = 0;

  /** `buf`, when given, must hold `capacity` entries (a pooled buffer: its old bytes are overwritten before they are read). */
  constructor(
    readonly capacity: number,
    buf: ArrayBuffer = new ArrayBuffer(capacity * ENTRY_SIZE),
  ) {
    super();
    if (buf.byteLength !== capacity * ENTRY_SIZE) throw new RangeError(`an EntryChunk of ${capacity} entries needs ${capacity * ENTRY_SIZE} bytes, not ${buf.byteLength}`);
    this.view(buf);
  }

  /** The chunk's memory, for giving it back to a pool once nothing reads it. */
  get buffer(): ArrayBuffer {
    return this.u8.buffer as ArrayBuffer;
  }

  get full(): boolean {
    return this.length === this.capacity;
  }

  push(id: number, time: number, part: number, offset: number, session: number, code: number, bits: number): void {
    this.setEntry(this.length++, id, time, part, offset, session, code, bits);
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
