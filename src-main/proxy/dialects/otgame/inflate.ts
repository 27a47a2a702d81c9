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
 * Codes are canonical Huffman codes as in Mark Adler's puff.c (count of
 * codes per length, symbols in code order), decoded through a lookup table
 * of the next few input bits, with puff's bit-by-bit walk for the rare
 * longer codes. Output is bounded by the caller.
 */

export class InflateError extends Error {}

const MAXBITS = 15;
const LBASE = Uint16Array.of(3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258);
const LEXT = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0);
const DBASE = Uint16Array.of(1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577);
const DEXT = Uint8Array.of(0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13);
const ORDER = Uint8Array.of(16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15);

/** REV15[c]: the 15-bit value c with its bits in reverse order (DEFLATE sends Huffman codes MSB first into an LSB-first stream). */
const REV15 = Uint16Array.from({ length: 1 << MAXBITS }, (_, c) => {
  let r = 0;
  for (let b = 0; b < MAXBITS; b++) r |= ((c >>> b) & 1) << (MAXBITS - 1 - b);
  return r;
});

interface Huffman {
  readonly count: Uint16Array;
  readonly symbol: Uint16Array;
  /** Bits the first lookup takes (the root table's index width). */
  readonly bits: number;
  /**
   * Two-level lookup, zlib-style. The root table (the first 1 << bits
   * entries) is indexed by the next `bits` input bits (LSB first); an entry
   * is one of:
   *   symbol << 4 | code length       a code of at most `bits` bits;
   *   LINK | start << 4 | subBits     a longer code: look up the next subBits
   *                                   bits in the sub-table at `start`;
   *   -1                              no such code (the canonical walk reports it).
   * Sub-table entries are symbol << 4 | full code length, or -1.
   */
  readonly fast: Int32Array;
}

const LINK = 0x40000000;
/** Sub-tables never need more room than this for 288 symbols (zlib's ENOUGH_LENS is 852 for a 9-bit root). */
const SUB_ROOM = 1024;

/*
 * Table sizes: every dynamic block rebuilds its tables, and OT messages are
 * small (a few hundred bytes), so building must cost little next to
 * decoding. Item ids make map data's literals spread out: about 30 % of
 * them get codes longer than 9 bits, which is why long codes have
 * sub-tables rather than the bit-by-bit walk (that walk made inflating a
 * 300-byte map message cost 4× its XTEA).
 */
const huffman = (symbols: number, bits: number): Huffman => ({
  count: new Uint16Array(MAXBITS + 1),
  symbol: new Uint16Array(symbols),
  bits,
  fast: new Int32Array((1 << bits) + SUB_ROOM),
});

const OFFS = new Uint16Array(MAXBITS + 1);

/** Fills h from code lengths; returns 0 complete, > 0 incomplete, < 0 over-subscribed (puff's construct). */
function construct(h: Huffman, lengths: Uint8Array, n: number, from = 0): number {
  const count = h.count;
  count.fill(0);
  for (let s = 0; s < n; s++) count[lengths[from + s]!]!++;
  if (count[0] === n) {
    h.fast.fill(-1, 0, 1 << h.bits); // no codes at all: any lookup must fail
    return 0;
  }
  let left = 1;
  for (let len = 1; len <= MAXBITS; len++) {
    left <<= 1;
    left -= count[len]!;
    if (left < 0) return left;
  }
  const offs = OFFS;
  offs[1] = 0;
  for (let len = 1; len < MAXBITS; len++) offs[len + 1] = offs[len]! + count[len]!;
  const symbol = h.symbol;
  for (let s = 0; s < n; s++) {
    const l = lengths[from + s]!;
    if (l !== 0) symbol[offs[l]!++] = s;
  }
  fillTables(h, left > 0);
  return left;
}

/**
 * The lookup tables, in canonical code order. The root is not cleared
 * first when the code is complete: then every root entry is reached by a
 * short code (replicated) or is the prefix of long ones (a link), so nothing
 * stale survives. An incomplete code leaves holes, which are cleared.
 */
function fillTables(h: Huffman, incomplete: boolean): void {
  const { count, symbol, fast, bits } = h;
  const size = 1 << bits;
  if (incomplete) fast.fill(-1, 0, size);
  let code = 0;
  let index = 0;
  let len = 1;
  for (; len <= bits; len++) {
    for (let k = count[len]!; k > 0; k--, index++, code++) {
      const entry = (symbol[index]! << 4) | len;
      for (let at = REV15[code]! >>> (MAXBITS - len); at < size; at += 1 << len) fast[at] = entry;
    }
    code <<= 1;
  }
  // Longer codes, in canonical order: those sharing their first `bits` bits are consecutive and share a sub-table.
  let nLong = 0;
  for (; len <= MAXBITS; len++) {
    for (let k = count[len]!; k > 0; k--, code++, nLong++) {
      LONG_CODE[nLong] = code;
      LONG_LEN[nLong] = len;
    }
    code <<= 1;
  }
  let next = size;
  for (let i = 0; i < nLong; ) {
    const prefix = LONG_CODE[i]! >>> (LONG_LEN[i]! - bits);
    let last = i;
    while (last + 1 < nLong && LONG_CODE[last + 1]! >>> (LONG_LEN[last + 1]! - bits) === prefix) last++;
    // As wide as the group's longest code (the last one, codes being sorted by length).
    const subBits = LONG_LEN[last]! - bits;
    const start = next;
    next += 1 << subBits;
    if (next > fast.length) throw new InflateError('Huffman code too large for its tables'); // not reachable for ≤ 288 symbols
    fast.fill(-1, start, next);
    fast[REV15[prefix]! >>> (MAXBITS - bits)] = LINK | (start << 4) | subBits;
    for (; i <= last; i++, index++) {
      const drop = LONG_LEN[i]! - bits;
      const entry = (symbol[index]! << 4) | LONG_LEN[i]!;
      for (let at = start + (REV15[LONG_CODE[i]! & ((1 << drop) - 1)]! >>> (MAXBITS - drop)); at < next; at += 1 << drop) fast[at] = entry;
    }
  }
}

/** Scratch for fillTables: the codes longer than the root, with their lengths. */
const LONG_CODE = new Int32Array(288);
const LONG_LEN = new Uint8Array(288);

function fixedTables(): { len: Huffman; dist: Huffman } {
  const lengths = new Uint8Array(288 + 30);
  lengths.fill(8, 0, 144).fill(9, 144, 256).fill(7, 256, 280).fill(8, 280, 288).fill(5, 288);
  const len = huffman(288, 9);
  const dist = huffman(30, 5);
  construct(len, lengths, 288);
  construct(dist, lengths, 30, 288);
  return { len, dist };
}

const FIXED = fixedTables();

/*
 * Tables and output shared by every call (the decoder is synchronous and
 * never re-entered): a fresh typed array per stream costs a malloc, several
 * per message, which under load took longer than the decoding itself.
 */
const LENGTHS = new Uint8Array(320);
const CLCODE = huffman(19, 7);
const LENCODE = huffman(288, 9);
const DISTCODE = huffman(30, 7);

let shared = new Uint8Array(65536);

const ERR_EOF = 'unexpected end of data';

/**
 * The decoder's position. The hot loop (codes) copies these into locals
 * and writes them back when it returns or hands over to the slow walk.
 */
class State {
  pos: number;
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
    // Inflate into one shared buffer (growing as needed); the caller copies the result out.
    if (shared.length < Math.min(max, 65536)) shared = new Uint8Array(Math.min(max, 65536));
    this.out = shared;
  }

  bits(need: number): number {
    let val = this.bitbuf;
    let cnt = this.bitcnt;
    while (cnt < need) {
      if (this.pos >= this.end) throw new InflateError(ERR_EOF);
      val |= this.input[this.pos++]! << cnt;
      cnt += 8;
    }
    this.bitbuf = val >>> need;
    this.bitcnt = cnt - need;
    return val & ((1 << need) - 1);
  }

  /** Room for n more bytes at outLen: refuses past max, else grows the buffer. */
  room(n: number): Uint8Array {
    const want = this.outLen + n;
    if (want > this.max) throw new InflateError(`output exceeds ${this.max} bytes`);
    if (want <= this.out.length) return this.out;
    const next = new Uint8Array(Math.min(this.max, Math.max(want, this.out.length * 2)));
    next.set(this.out.subarray(0, this.outLen));
    this.out = next;
    shared = next;
    return next;
  }

  decode(h: Huffman): number {
    while (this.bitcnt <= 24 && this.pos < this.end) {
      this.bitbuf |= this.input[this.pos++]! << this.bitcnt;
      this.bitcnt += 8;
    }
    let entry = h.fast[this.bitbuf & ((1 << h.bits) - 1)]!;
    if (entry >= LINK) entry = h.fast[((entry >>> 4) & 0xffff) + ((this.bitbuf >>> h.bits) & ((1 << (entry & 15)) - 1))]!;
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
        if (this.pos >= this.end) throw new InflateError(ERR_EOF);
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
    // Skip to the byte boundary: whole bytes still in the bit buffer go back to the input.
    this.pos -= this.bitcnt >>> 3;
    this.bitbuf = 0;
    this.bitcnt = 0;
    if (this.pos + 4 > this.end) throw new InflateError(ERR_EOF);
    const i = this.input;
    const len = i[this.pos]! | (i[this.pos + 1]! << 8);
    const nlen = i[this.pos + 2]! | (i[this.pos + 3]! << 8);
    this.pos += 4;
    if (len !== (~nlen & 0xffff)) throw new InflateError('stored block length does not match its complement');
    if (this.pos + len > this.end) throw new InflateError(ERR_EOF);
    this.room(len).set(i.subarray(this.pos, this.pos + len), this.outLen);
    this.outLen += len;
    this.pos += len;
  }

  /**
   * One block's literals and matches. Everything the loop touches lives in
   * locals (V8 keeps them in registers; fields would be loads and stores per
   * bit operation): this loop is most of the dialect's time on compressed
   * traffic.
   */
  codes(lencode: Huffman, distcode: Huffman): void {
    const input = this.input;
    const end = this.end;
    const max = this.max;
    const lfast = lencode.fast;
    const lbits = lencode.bits;
    const lmask = (1 << lbits) - 1;
    const dfast = distcode.fast;
    const dbits = distcode.bits;
    const dmask = (1 << dbits) - 1;
    let pos = this.pos;
    let bitbuf = this.bitbuf;
    let bitcnt = this.bitcnt;
    let out = this.out;
    let outLen = this.outLen;
    for (;;) {
      // At least 25 bits when the input has them: a literal/length code (≤ 15) and its extra bits (≤ 5).
      while (bitcnt <= 24 && pos < end) {
        bitbuf |= input[pos++]! << bitcnt;
        bitcnt += 8;
      }
      let entry = lfast[bitbuf & lmask]!;
      if (entry >= LINK) entry = lfast[((entry >>> 4) & 0xffff) + ((bitbuf >>> lbits) & ((1 << (entry & 15)) - 1))]!;
      let symbol: number;
      if (entry >= 0 && (entry & 15) <= bitcnt) {
        bitbuf >>>= entry & 15;
        bitcnt -= entry & 15;
        symbol = entry >> 4;
      } else {
        this.pos = pos;
        this.bitbuf = bitbuf;
        this.bitcnt = bitcnt;
        symbol = this.slowDecode(lencode);
        pos = this.pos;
        bitbuf = this.bitbuf;
        bitcnt = this.bitcnt;
      }
      if (symbol < 256) {
        if (outLen >= out.length || outLen >= max) {
          this.outLen = outLen;
          out = this.room(1);
        }
        out[outLen++] = symbol;
        continue;
      }
      if (symbol === 256) break;
      symbol -= 257;
      if (symbol >= 29) throw new InflateError('invalid literal/length symbol');
      let len = LBASE[symbol]!;
      const lext = LEXT[symbol]!;
      if (lext > 0) {
        if (bitcnt < lext) throw new InflateError(ERR_EOF);
        len += bitbuf & ((1 << lext) - 1);
        bitbuf >>>= lext;
        bitcnt -= lext;
      }
      while (bitcnt <= 24 && pos < end) {
        bitbuf |= input[pos++]! << bitcnt;
        bitcnt += 8;
      }
      entry = dfast[bitbuf & dmask]!;
      if (entry >= LINK) entry = dfast[((entry >>> 4) & 0xffff) + ((bitbuf >>> dbits) & ((1 << (entry & 15)) - 1))]!;
      let ds: number;
      if (entry >= 0 && (entry & 15) <= bitcnt) {
        bitbuf >>>= entry & 15;
        bitcnt -= entry & 15;
        ds = entry >> 4;
      } else {
        this.pos = pos;
        this.bitbuf = bitbuf;
        this.bitcnt = bitcnt;
        ds = this.slowDecode(distcode);
        pos = this.pos;
        bitbuf = this.bitbuf;
        bitcnt = this.bitcnt;
      }
      if (ds >= 30) throw new InflateError('invalid distance symbol');
      let dist = DBASE[ds]!;
      const dext = DEXT[ds]!;
      if (dext > 0) {
        while (bitcnt <= 24 && pos < end) {
          bitbuf |= input[pos++]! << bitcnt;
          bitcnt += 8;
        }
        if (bitcnt < dext) throw new InflateError(ERR_EOF);
        dist += bitbuf & ((1 << dext) - 1);
        bitbuf >>>= dext;
        bitcnt -= dext;
      }
      if (dist > outLen) throw new InflateError('distance too far back');
      if (outLen + len > out.length || outLen + len > max) {
        this.outLen = outLen;
        out = this.room(len);
      }
      // Byte by byte: matches overlap their source when dist < len (runs), and most are short.
      for (const stop = outLen + len; outLen < stop; outLen++) out[outLen] = out[outLen - dist]!;
    }
    this.pos = pos;
    this.bitbuf = bitbuf;
    this.bitcnt = bitcnt;
    this.outLen = outLen;
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
    // The code lengths themselves, with the bit state in locals (as in codes(): a few hundred symbols per block).
    const input = this.input;
    const end = this.end;
    const fast = CLCODE.fast;
    const mask = (1 << CLCODE.bits) - 1;
    const total = nlen + ndist;
    let pos = this.pos;
    let bitbuf = this.bitbuf;
    let bitcnt = this.bitcnt;
    let index = 0;
    while (index < total) {
      while (bitcnt <= 24 && pos < end) {
        bitbuf |= input[pos++]! << bitcnt;
        bitcnt += 8;
      }
      const entry = fast[bitbuf & mask]!; // code-length codes are at most 7 bits: never a link
      let symbol: number;
      if (entry >= 0 && (entry & 15) <= bitcnt) {
        bitbuf >>>= entry & 15;
        bitcnt -= entry & 15;
        symbol = entry >> 4;
      } else {
        this.pos = pos;
        this.bitbuf = bitbuf;
        this.bitcnt = bitcnt;
        symbol = this.slowDecode(CLCODE);
        pos = this.pos;
        bitbuf = this.bitbuf;
        bitcnt = this.bitcnt;
      }
      if (symbol < 16) {
        lengths[index++] = symbol;
        continue;
      }
      let len = 0;
      let extra: number;
      let repeat: number;
      if (symbol === 16) {
        if (index === 0) throw new InflateError('repeat with no first length');
        len = lengths[index - 1]!;
        extra = 2;
        repeat = 3;
      } else if (symbol === 17) {
        extra = 3;
        repeat = 3;
      } else {
        extra = 7;
        repeat = 11;
      }
      if (bitcnt < extra) throw new InflateError(ERR_EOF);
      repeat += bitbuf & ((1 << extra) - 1);
      bitbuf >>>= extra;
      bitcnt -= extra;
      if (index + repeat > total) throw new InflateError('too many code lengths');
      for (const stop = index + repeat; index < stop; index++) lengths[index] = len;
    }
    this.pos = pos;
    this.bitbuf = bitbuf;
    this.bitcnt = bitcnt;
    if (lengths[256] === 0) throw new InflateError('no end-of-block code');
    let err = construct(LENCODE, lengths, nlen);
    if (err < 0 || (err > 0 && nlen - LENCODE.count[0]! !== 1)) throw new InflateError('invalid literal/length code lengths');
    err = construct(DISTCODE, lengths, ndist, nlen);
    if (err < 0 || (err > 0 && ndist - DISTCODE.count[0]! !== 1)) throw new InflateError('invalid distance code lengths');
    this.codes(LENCODE, DISTCODE);
  }
}

/**
 * Inflates input[start, end) into a buffer shared by every call and returns
 * the output's length: out() holds the bytes until the next call. The
 * dialect copies them straight into its message slab (one copy, no
 * allocation). Throws InflateError (naming the problem) on damage or when
 * the output would pass `maxOutput`.
 */
export function inflateRawShared(input: Uint8Array, maxOutput: number, start = 0, end = input.length): number {
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
  return s.outLen;
}

/** The buffer inflateRawShared wrote to (valid until its next call). */
export const inflatedBytes = (): Uint8Array => shared;

/** Inflates a raw DEFLATE stream into a fresh array; throws InflateError (naming the problem) on damage or when the output would pass `maxOutput`. */
export function inflateRaw(input: Uint8Array, maxOutput: number, start = 0, end = input.length): Uint8Array {
  const n = inflateRawShared(input, maxOutput, start, end);
  return shared.slice(0, n);
}
