/**
 * Values decoded from byte strings that repeat endlessly in a capture — the
 * Exported PDU tags of a session's direction, a summary's dialect, type and
 * flags, its error and fault texts — made once and then found again by
 * their bytes, without decoding them or building a string key per record.
 *
 * An open-addressed table of 4096 slots; a key may sit in any of the 4
 * slots from the one its hash names, and a hit is confirmed by comparing
 * the bytes, so a collision costs a decode, never a wrong value. When all
 * 4 are taken by other bytes, a new key replaces one of them: the table
 * cannot grow, whatever a file holds.
 *
 * The hash is either of the bytes, or a number the caller already has that
 * tells the keys apart well enough (the session and direction for Exported
 * PDU tags): only the comparison then reads the bytes. Comparing goes four
 * bytes at a time when the bytes start at a multiple of 4 in their buffer —
 * true of every field the reader looks up (pcapng aligns blocks and options
 * to 4, and the reader's windows start at block boundaries). Together these
 * made a lookup about four times cheaper than hashing and comparing byte by
 * byte, which had been a third of the cost of reading a record's summary.
 */
const SLOTS = 4096;
/** Slots a key may take, from the one its hash names. */
const WAYS = 4;
/** Byte strings longer than this are decoded each time (they are not the repeating kind). */
export const MAX_INTERNED_BYTES = 512;

interface Key {
  readonly bytes: Uint8Array;
  /** The same bytes as 32-bit words (zero-padded), for word-wise comparison. */
  readonly words: Int32Array;
}

/** Mixed into hints used alone, so that they land elsewhere than the same hints used with a length. */
const HINT_ONLY = 0x5bd1e995;

/** A 32-bit value with its bits spread (murmur3's finaliser): neighbouring hints land far apart. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

export class BytesCache<T> {
  private readonly keys: (Key | undefined)[] = new Array<Key | undefined>(SLOTS);
  private readonly values: (T | undefined)[] = new Array<T | undefined>(SLOTS);
  /**
   * The byte array last looked up in, its offset in its buffer, and a word
   * view of that buffer: a reader looks up thousands of times in one window
   * (the same array), and reading `.buffer` and `.byteOffset` each time cost
   * as much as the rest of the lookup.
   */
  private array: Uint8Array | null = null;
  private arrayOffset = 0;
  private words: Int32Array<ArrayBufferLike> = new Int32Array(0);
  /** Which of a full set's slots the next new key replaces. */
  private evict = 0;

  /** The value for b[at, at + len): cached, or made by `make` (which sees the same bytes) and cached. */
  get(b: Uint8Array, at: number, len: number, make: (b: Uint8Array, at: number, len: number) => T): T {
    if (len > MAX_INTERNED_BYTES) return make(b, at, len);
    const w = this.wordIndex(b, at);
    const nw = w >= 0 ? len >> 2 : 0;
    let h = 0x811c9dc5 ^ len;
    const words = this.words;
    for (let i = 0; i < nw; i++) h = Math.imul(h ^ words[w + i]!, 0x01000193);
    for (let i = at + (nw << 2); i < at + len; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
    return this.lookup(mix(h), b, at, len, w, make);
  }

  /** get(), with the slot chosen from `hint` instead of a hash of the bytes (which are still compared). */
  getHinted(hint: number, b: Uint8Array, at: number, len: number, make: (b: Uint8Array, at: number, len: number) => T): T {
    if (len > MAX_INTERNED_BYTES) return make(b, at, len);
    return this.lookup(mix(hint ^ Math.imul(len, 0x9e3779b1)), b, at, len, this.wordIndex(b, at), make);
  }

  /**
   * The value of a key cached under `hint` that b[at, at + maxLen) starts
   * with, or undefined. For keys that are whole by their own syntax (a list
   * of tags up to its end tag): when the bytes start with such a key, reading
   * them would stop where the key ends, so the caller need not read them to
   * find out how long the key is.
   */
  findPrefix(hint: number, b: Uint8Array, at: number, maxLen: number): T | undefined {
    const w = this.wordIndex(b, at);
    const home = mix(hint ^ HINT_ONLY) & (SLOTS - 1);
    for (let i = 0; i < WAYS; i++) {
      const slot = (home + i) & (SLOTS - 1);
      const key = this.keys[slot];
      if (key !== undefined && key.bytes.length <= maxLen && this.same(key, b, at, key.bytes.length, w)) return this.values[slot];
    }
    return undefined;
  }

  /** Caches the value of b[at, at + len) under `hint` alone, for findPrefix(). */
  setPrefix(hint: number, b: Uint8Array, at: number, len: number, value: T): void {
    if (len > MAX_INTERNED_BYTES) return;
    this.store(mix(hint ^ HINT_ONLY) & (SLOTS - 1), b, at, len, value);
  }

  /** Index in `this.words` of b[at] when it is 4-aligned in its buffer, else -1. */
  private wordIndex(b: Uint8Array, at: number): number {
    if (b !== this.array) {
      this.array = b;
      this.arrayOffset = b.byteOffset;
      this.words = new Int32Array(b.buffer, 0, b.buffer.byteLength >> 2);
    }
    const abs = this.arrayOffset + at;
    return (abs & 3) === 0 ? abs >> 2 : -1;
  }

  private lookup(h: number, b: Uint8Array, at: number, len: number, w: number, make: (b: Uint8Array, at: number, len: number) => T): T {
    const home = h & (SLOTS - 1);
    let free = -1;
    for (let i = 0; i < WAYS; i++) {
      const slot = (home + i) & (SLOTS - 1);
      const key = this.keys[slot];
      if (key === undefined) {
        if (free < 0) free = slot;
      } else if (key.bytes.length === len && this.same(key, b, at, len, w)) return this.values[slot]!;
    }
    const value = make(b, at, len);
    this.store(home, b, at, len, value, free);
    return value;
  }

  /** Puts a key in one of the slots from `home`: `free` if known, else an empty one, else the next victim. */
  private store(home: number, b: Uint8Array, at: number, len: number, value: T, free = -1): void {
    for (let i = 0; free < 0 && i < WAYS; i++) if (this.keys[(home + i) & (SLOTS - 1)] === undefined) free = (home + i) & (SLOTS - 1);
    const words = new Int32Array((len + 3) >> 2);
    const bytes = new Uint8Array(words.buffer, 0, len);
    bytes.set(b.subarray(at, at + len));
    const slot = free >= 0 ? free : (home + (this.evict++ & (WAYS - 1))) & (SLOTS - 1);
    this.keys[slot] = { bytes, words };
    this.values[slot] = value;
  }

  private same(key: Key, b: Uint8Array, at: number, len: number, w: number): boolean {
    const nw = w >= 0 ? len >> 2 : 0;
    const kw = key.words;
    const words = this.words;
    for (let i = 0; i < nw; i++) if (kw[i] !== words[w + i]) return false;
    const kb = key.bytes;
    for (let i = nw << 2; i < len; i++) if (kb[i] !== b[at + i]) return false;
    return true;
  }
}
