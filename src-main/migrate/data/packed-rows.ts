/**
 * Rows of values packed column-wise into a few flat buffers, the form in
 * which a batch crosses from the reader thread to the writer.
 *
 * Why not post the rows as they are: structured cloning 1000 player rows
 * (26 values each) as arrays costs ~2.2 µs per row to serialise and as much
 * again to deserialise on the receiving thread (measured with v8.serialize
 * on the bench's rows) — as much main-thread time as writing them. Packed,
 * the numbers and bytes move by transfer (no copy), the texts as one string.
 *
 * Layout, cell = row × width + column, row-major so rows unpack in order:
 * - tags[cell]: NULL, NUMBER, TEXT, BLOB or BIGINT;
 * - nums[cell]: the number, or for TEXT/BIGINT the string's length in UTF-16
 *   units, for BLOB the byte length;
 * - text: every TEXT and BIGINT (decimal) cell's string, one after another;
 * - bytes: every BLOB cell's bytes, one after another.
 */
import { type Value } from './values';

const NULL = 0;
const NUMBER = 1;
const TEXT = 2;
const BLOB = 3;
const BIGINT = 4;

export interface PackedRows {
  readonly rows: number;
  readonly width: number;
  readonly tags: Uint8Array;
  readonly nums: Float64Array;
  readonly text: string;
  readonly bytes: Uint8Array;
}

export function packRows(rows: readonly (readonly Value[])[], width: number): PackedRows {
  const cells = rows.length * width;
  const tags = new Uint8Array(cells);
  const nums = new Float64Array(cells);
  const texts: string[] = [];
  const blobs: Uint8Array[] = [];
  let blobBytes = 0;
  let cell = 0;
  for (const row of rows) {
    if (row.length !== width) throw new Error(`a row of ${row.length} values in a batch ${width} wide`);
    for (let c = 0; c < width; c++, cell++) {
      const v = row[c];
      if (typeof v === 'number') {
        tags[cell] = NUMBER;
        nums[cell] = v;
      } else if (typeof v === 'string') {
        tags[cell] = TEXT;
        nums[cell] = v.length;
        texts.push(v);
      } else if (v === null || v === undefined) {
        tags[cell] = NULL;
      } else if (v instanceof Uint8Array) {
        tags[cell] = BLOB;
        nums[cell] = v.byteLength;
        blobs.push(v);
        blobBytes += v.byteLength;
      } else if (typeof v === 'bigint') {
        const s = v.toString();
        tags[cell] = BIGINT;
        nums[cell] = s.length;
        texts.push(s);
      } else throw new Error(`cannot pack a ${typeof v}`);
    }
  }
  const bytes = new Uint8Array(blobBytes);
  let at = 0;
  for (const b of blobs) {
    bytes.set(b, at);
    at += b.byteLength;
  }
  return { rows: rows.length, width, tags, nums, text: texts.join(''), bytes };
}

/** The buffers postMessage can move rather than copy. */
export function transferablesOf(p: PackedRows): ArrayBuffer[] {
  return [p.tags.buffer as ArrayBuffer, p.nums.buffer as ArrayBuffer, p.bytes.buffer as ArrayBuffer];
}

/**
 * The rows back as arrays of values. BLOBs come back as views into one
 * buffer (no copy); they live as long as the batch. Throws on a packing
 * that does not add up (lengths past the end of text or bytes, unknown tags).
 */
export function unpackRows(p: PackedRows): Value[][] {
  const { rows, width, tags, nums, text, bytes } = p;
  if (!Number.isInteger(rows) || !Number.isInteger(width) || rows < 0 || width < 0 || tags.length !== rows * width || nums.length !== rows * width)
    throw new Error('packed rows: sizes do not match');
  const out: Value[][] = new Array(rows);
  let cell = 0;
  let t = 0;
  let b = 0;
  for (let r = 0; r < rows; r++) {
    const row: Value[] = new Array(width);
    for (let c = 0; c < width; c++, cell++) {
      switch (tags[cell]) {
        case NUMBER:
          row[c] = nums[cell]!;
          break;
        case NULL:
          row[c] = null;
          break;
        case TEXT:
        case BIGINT: {
          const end = t + lengthAt(nums, cell);
          if (end > text.length) throw new Error('packed rows: text runs past its end');
          const s = text.slice(t, end);
          t = end;
          row[c] = tags[cell] === TEXT ? s : BigInt(s);
          break;
        }
        case BLOB: {
          const end = b + lengthAt(nums, cell);
          if (end > bytes.byteLength) throw new Error('packed rows: bytes run past their end');
          row[c] = bytes.subarray(b, end);
          b = end;
          break;
        }
        default:
          throw new Error(`packed rows: unknown tag ${tags[cell]}`);
      }
    }
    out[r] = row;
  }
  return out;
}

function lengthAt(nums: Float64Array, cell: number): number {
  const n = nums[cell]!;
  if (!Number.isInteger(n) || n < 0) throw new Error(`packed rows: ${n} is not a length`);
  return n;
}
