/**
 * Raw DEFLATE (RFC 1951) decompression in plain TypeScript, for the
 * compressed server frames of 12.90+ (bit 31 of the sequence field).
 *
 * Why not node:zlib's inflateRawSync: it builds and frees a native zlib
 * stream on every call (its sync API closes the handle after one buffer),
 * which costs ~87 µs per message here — more than everything else the
 * dialect does to a map description together. Each OT message is its own
 * small DEFLATE stream, so a decoder with no per-call setup wins by an
 * order of magnitude (bench/otgame.bench.ts). Tests check it against
 * node:zlib on random and damaged streams.
 *
 * Decoding follows the canonical-Huffman method of Mark Adler's puff.c
 * (count of codes per length, symbols in code order), with the output
 * bounded by the caller.
 */

import { allocBytes } from '../../../../src-shared/protocol/alloc';

export class InflateError extends Error {}

const MAXBITS = 15;
const LBASE = Uint16Array.of(3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258);
const LEXT = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0);
const DBASE = Uint16Array.of(1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577);
const DEXT = Uint8Array.of(0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13);
const ORDER = Uint8Array.of(16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15);

interface Huffman {
  readonly count: Uint16Array;
  readonly symbol: Uint16Array;
  /**
   * Codes of up to FAST_BITS bits, looked up by the next FAST_BITS input
   * bits (LSB first): symbol << 4 | length, or -1 for a longer code (then
   * the canonical bit-by-bit walk). Most literals and lengths are short, so
   * this skips the walk for nearly every symbol.
   */
  readonly fast: Int16Array;
}

const FAST_BITS = 9;
const FAST_MASK = (1 << FAST_BITS) - 1;
/** REVERSED[c]: the FAST_BITS-bit value c with its bits in reverse order. */
const REVERSED = Uint16Array.from({ length: 1 << FAST_BITS }, (_, c) => {
  let r = 0;
  for (let b = 0; b < FAST_BITS; b++) r |= ((c >>> b) & 1) << (FAST_BITS - 1 - b);
  return r;
});
const huffman = (symbols: number): Huffman => ({ count: new Uint16Array(MAXBITS + 1), symbol: new Uint16Array(symbols), fast: new Int16Array(1 << FAST_BITS) });

/** Fills h from code lengths; returns 0 complete, > 0 incomplete, < 0 over-subscribed. */
function construct(h: Huffman, lengths: Uint8Array, n: number, from = 0): number {
  h.count.fill(0);
  for (let s = 0; s < n; s++) h.count[lengths[from + s]!]!++;
  if (h.count[0] === n) return 0;
  let left = 1;
  for (let len = 1; len <= MAXBITS; len++) {
    left <<= 1;
    left -= h.count[len]!;
    if (left < 0) return left;
  }
  const offs = OFFS.fill(0);
  for (let len = 1; len < MAXBITS; len++) offs[len + 1] = offs[len]! + h.count[len]!;
  for (let s = 0; s < n; s++) if (lengths[from + s] !== 0) h.symbol[offs[lengths[from + s]!]!++] = s;
  // Canonical codes in order of (length, symbol); short ones go into the lookup table, bit-reversed.
  h.fast.fill(-1);
  let code = 0;
  let index = 0;
  for (let len = 1; len <= FAST_BITS; len++) {
    for (let k = 0; k < h.count[len]!; k++, index++, code++) {
      const rev = REVERSED[code << (FAST_BITS - len)]!;
      const entry = (h.symbol[index]! << 4) | len;
      for (let fill = rev; fill <= FAST_MASK; fill += 1 << len) h.fast[fill] = entry;
    }
    code <<= 1;
  }
  return left;
}

function fixedTables(): { len: Huffman; dist: Huffman } {
  const lengths = new Uint8Array(288 + 30);
  lengths.fill(8, 0, 144).fill(9, 144, 256).fill(7, 256, 280).fill(8, 280, 288).fill(5, 288);
  const len = huffman(288);
  const dist = huffman(30);
  construct(len, lengths, 288);
  construct(dist, lengths, 30, 288);
  return { len, dist };
}

const OFFS = new Uint16Array(MAXBITS + 1);
const FIXED = fixedTables();

/*
 * Tables shared by every call (the decoder is synchronous and never
 * re-entered): a fresh typed array per stream costs a malloc, several per
 * message, which under load took longer than the decoding itself.
 */
const LENGTHS = new Uint8Array(320);
const CLCODE = huffman(19);
const LENCODE = huffman(288);
const DISTCODE = huffman(30);

let shared = new Uint8Array(65536);

class State {
  pos = 0;
  bitbuf = 0;
  bitcnt = 0;
  out: Uint8Array;
  outLen = 0;

  constructor(
    readonly input: Uint8Array,
    start: number,
    readonly end: number,
    readonly max: number,
  ) {
    this.pos = start;
    // Inflate into one shared buffer (growing as needed); the result is copied out once, at its final size.
    if (shared.length < Math.min(max, 65536)) shared = new Uint8Array(Math.min(max, 65536));
    this.out = shared;
  }

  bits(need: number): number {
    let val = this.bitbuf;
    let cnt = this.bitcnt;
    while (cnt < need) {
      if (this.pos >= this.end) throw new InflateError('unexpected end of data');
      val |= this.input[this.pos++]! << cnt;
      cnt += 8;
    }
    this.bitbuf = val >>> need;
    this.bitcnt = cnt - need;
    return val & ((1 << need) - 1);
  }

  room(n: number): void {
    const want = this.outLen + n;
    if (want > this.max) throw new InflateError(`output exceeds ${this.max} bytes`);
    if (want <= this.out.length) return;
    const next = new Uint8Array(Math.min(this.max, Math.max(want, this.out.length * 2)));
    next.set(this.out.subarray(0, this.outLen));
    this.out = next;
    shared = next;
  }

  decode(h: Huffman): number {
    // Fast path: enough bits buffered and a short code.
    while (this.bitcnt < FAST_BITS && this.pos < this.end) {
      this.bitbuf |= this.input[this.pos++]! << this.bitcnt;
      this.bitcnt += 8;
    }
    const entry = h.fast[this.bitbuf & FAST_MASK]!;
    if (entry >= 0 && (entry & 15) <= this.bitcnt) {
      this.bitbuf >>>= entry & 15;
      this.bitcnt -= entry & 15;
      return entry >> 4;
    }
    return this.slowDecode(h);
  }

  /** The canonical walk, one bit at a time (puff.c's decode), for long codes and the last bits of the input. */
  slowDecode(h: Huffman): number {
    let code = 0;
    let first = 0;
    let index = 0;
    let bitbuf = this.bitbuf;
    let left = this.bitcnt;
    for (let len = 1; len <= MAXBITS; len++) {
      if (left === 0) {
        if (this.pos >= this.end) throw new InflateError('unexpected end of data');
        bitbuf = this.input[this.pos++]!;
        left = 8;
      }
      code |= bitbuf & 1;
      bitbuf >>>= 1;
      left--;
      const count = h.count[len]!;
      if (code - count < first) {
        this.bitbuf = bitbuf;
        this.bitcnt = left;
        return h.symbol[index + (code - first)]!;
      }
      index += count;
      first += count;
      first <<= 1;
      code <<= 1;
    }
    throw new InflateError('ran out of codes (invalid Huffman code)');
  }

  stored(): void {
    this.bitbuf = 0;
    this.bitcnt = 0; // skip to the byte boundary
    if (this.pos + 4 > this.end) throw new InflateError('unexpected end of data');
    const i = this.input;
    const len = i[this.pos]! | (i[this.pos + 1]! << 8);
    const nlen = i[this.pos + 2]! | (i[this.pos + 3]! << 8);
    this.pos += 4;
    if (len !== (~nlen & 0xffff)) throw new InflateError('stored block length does not match its complement');
    if (this.pos + len > this.end) throw new InflateError('unexpected end of data');
    this.room(len);
    this.out.set(i.subarray(this.pos, this.pos + len), this.outLen);
    this.outLen += len;
    this.pos += len;
  }

  codes(lencode: Huffman, distcode: Huffman): void {
    for (;;) {
      let symbol = this.decode(lencode);
      if (symbol < 256) {
        if (this.outLen >= this.out.length || this.outLen >= this.max) this.room(1);
        this.out[this.outLen++] = symbol;
      } else if (symbol === 256) return;
      else {
        symbol -= 257;
        if (symbol >= 29) throw new InflateError('invalid literal/length symbol');
        const len = LBASE[symbol]! + this.bits(LEXT[symbol]!);
        const ds = this.decode(distcode);
        if (ds >= 30) throw new InflateError('invalid distance symbol');
        const dist = DBASE[ds]! + this.bits(DEXT[ds]!);
        if (dist > this.outLen) throw new InflateError('distance too far back');
        this.room(len);
        const out = this.out;
        let o = this.outLen;
        for (let k = 0; k < len; k++, o++) out[o] = out[o - dist]!;
        this.outLen = o;
      }
    }
  }

  dynamic(): void {
    const nlen = this.bits(5) + 257;
    const ndist = this.bits(5) + 1;
    const ncode = this.bits(4) + 4;
    if (nlen > 286 || ndist > 30) throw new InflateError('bad counts of literal/length or distance codes');
    const lengths = LENGTHS;
    lengths.fill(0, 0, 19);
    for (let i = 0; i < ncode; i++) lengths[ORDER[i]!] = this.bits(3);
    if (construct(CLCODE, lengths, 19) !== 0) throw new InflateError('incomplete code-length code');
    let index = 0;
    while (index < nlen + ndist) {
      let symbol = this.decode(CLCODE);
      if (symbol < 16) lengths[index++] = symbol;
      else {
        let len = 0;
        if (symbol === 16) {
          if (index === 0) throw new InflateError('repeat with no first length');
          len = lengths[index - 1]!;
          symbol = 3 + this.bits(2);
        } else if (symbol === 17) symbol = 3 + this.bits(3);
        else symbol = 11 + this.bits(7);
        if (index + symbol > nlen + ndist) throw new InflateError('too many code lengths');
        lengths.fill(len, index, index + symbol);
        index += symbol;
      }
    }
    if (lengths[256] === 0) throw new InflateError('no end-of-block code');
    let err = construct(LENCODE, lengths, nlen);
    if (err < 0 || (err > 0 && nlen - LENCODE.count[0]! !== 1)) throw new InflateError('invalid literal/length code lengths');
    err = construct(DISTCODE, lengths, ndist, nlen);
    if (err < 0 || (err > 0 && ndist - DISTCODE.count[0]! !== 1)) throw new InflateError('invalid distance code lengths');
    this.codes(LENCODE, DISTCODE);
  }
}

/** Inflates a raw DEFLATE stream; throws InflateError (naming the problem) on damage or when the output would pass `maxOutput`. */
export function inflateRaw(input: Uint8Array, maxOutput: number, start = 0, end = input.length): Uint8Array {
  const s = new State(input, start, end, maxOutput);
  let last: number;
  do {
    last = s.bits(1);
    const type = s.bits(2);
    if (type === 0) s.stored();
    else if (type === 1) s.codes(FIXED.len, FIXED.dist);
    else if (type === 2) s.dynamic();
    else throw new InflateError('invalid block type 3');
  } while (!last);
  const result = allocBytes(s.outLen);
  result.set(s.out.subarray(0, s.outLen));
  return result;
}
