/**
 * LZ4 block format in plain TypeScript: a strict decompressor and a
 * compressor that makes the same choices as liblz4's fast compressor with a
 * 32-bit-index table on a 64-bit machine (4096 entries, 5-byte hash,
 * acceleration 1). That is what produced the spec's vectors: with it our
 * compressed frames are byte-identical to theirs (test: protocol vectors).
 *
 * It is also the main process's default (src-main/net/ports.ts says why,
 * with measurements): lz4-napi leaks on compress and compresses bodies of
 * a few KiB no faster.
 */
import type { BlockCompressor } from './ports';

const MINMATCH = 4;
const LASTLITERALS = 5;
const MFLIMIT = 12;
const MIN_LENGTH = MFLIMIT + 1;
const SKIP_TRIGGER = 6;
const HASH_LOG = 12;
const MAX_DISTANCE = 65535;
// 889523592379, liblz4's 5-byte prime, split in 32-bit halves.
const PRIME5_HI = 207;
const PRIME5_LO = 465362107;

function read32(b: Uint8Array, p: number): number {
  return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
}

/** Worst-case compressed size (LZ4_compressBound). */
export function lz4CompressBound(n: number): number {
  return n + Math.floor(n / 255) + 16;
}

/**
 * The 5-byte hash of liblz4 (LZ4_hash5) in 32-bit arithmetic: the top
 * HASH_LOG bits of ((bytes p..p+4 as a little-endian integer) << 24) × prime
 * modulo 2^64. With v = hi·2^32 + lo (hi = bytes p+1..p+4, lo = byte p << 24),
 * the top word is hi·Plo + lo·Phi + carry(lo·Plo), all modulo 2^32.
 */
function hash5(src: Uint8Array, p: number): number {
  const b0 = src[p]!;
  const hi = read32(src, p + 1);
  const top = (Math.imul(hi, PRIME5_LO) + Math.imul(b0 << 24, PRIME5_HI) + Math.floor((b0 * PRIME5_LO) / 256)) >>> 0;
  return top >>> (32 - HASH_LOG);
}

/**
 * Writes the final literals-only sequence and returns the block. A separate
 * function, not a closure: a closure that assigns `op` would make V8 keep
 * `op` and `anchor` in a heap context, turning every access in the hot loop
 * into a memory load/store (measured: the compressor ran ~2× slower).
 */
function finish(src: Uint8Array, out: Uint8Array, op: number, anchor: number): Uint8Array {
  const n = src.length;
  const lastRun = n - anchor;
  if (lastRun >= 15) {
    out[op++] = 15 << 4;
    let acc = lastRun - 15;
    for (; acc >= 255; acc -= 255) out[op++] = 255;
    out[op++] = acc;
  } else {
    out[op++] = lastRun << 4;
  }
  const result = new Uint8Array(op + lastRun);
  result.set(out.subarray(0, op), 0);
  result.set(src.subarray(anchor, n), op);
  return result;
}

// One table and one work buffer for every call (the codec is synchronous): no 16 KiB
// allocation per block. The table is cleared per call, as liblz4 starts from a zeroed one.
const table = new Uint32Array(1 << HASH_LOG);
let work = new Uint8Array(0);
/** The shared work buffer grows up to this (a 1 MiB block's bound); larger blocks get a buffer of their own. */
const MAX_WORK = lz4CompressBound(1_048_576);

/** Compresses `src` into one LZ4 block (a new array of exactly its size). */
export function lz4CompressBlock(src: Uint8Array): Uint8Array {
  const n = src.length;
  const bound = lz4CompressBound(n);
  if (work.length < bound && bound <= MAX_WORK) work = new Uint8Array(Math.min(MAX_WORK, Math.max(bound, 2 * work.length)));
  const out = bound <= work.length ? work : new Uint8Array(bound);
  let op = 0;
  let anchor = 0;

  if (n < MIN_LENGTH) return finish(src, out, op, anchor);

  table.fill(0);
  const mflimitPlusOne = n - MFLIMIT + 1;
  const matchLimit = n - LASTLITERALS;
  let ip = 0;
  table[hash5(src, ip)] = ip;
  ip++;
  let forwardH = hash5(src, ip);

  for (;;) {
    let match = 0;
    // Find a match, skipping faster the longer nothing is found.
    {
      let forwardIp = ip;
      let step = 1;
      let searchMatchNb = 1 << SKIP_TRIGGER;
      for (;;) {
        const h = forwardH;
        const current = forwardIp;
        const matchIndex = table[h]!;
        ip = forwardIp;
        forwardIp += step;
        step = searchMatchNb++ >> SKIP_TRIGGER;
        if (forwardIp > mflimitPlusOne) return finish(src, out, op, anchor);
        match = matchIndex;
        forwardH = hash5(src, forwardIp);
        table[h] = current;
        if (matchIndex + MAX_DISTANCE < current) continue;
        if (read32(src, match) === read32(src, ip)) break;
      }
    }
    // Catch up: extend the match backwards over equal bytes.
    while (ip > anchor && match > 0 && src[ip - 1] === src[match - 1]) {
      ip--;
      match--;
    }
    // Literals.
    const litLength = ip - anchor;
    let token = op++;
    if (litLength >= 15) {
      out[token] = 15 << 4;
      let len = litLength - 15;
      for (; len >= 255; len -= 255) out[op++] = 255;
      out[op++] = len;
    } else {
      out[token] = litLength << 4;
    }
    for (let k = 0; k < litLength; k++) out[op + k] = src[anchor + k]!;
    op += litLength;

    for (;;) {
      // Offset and match length.
      const offset = ip - match;
      out[op++] = offset & 0xff;
      out[op++] = offset >> 8;
      let a = ip + MINMATCH;
      let b = match + MINMATCH;
      while (a < matchLimit && src[a] === src[b]) {
        a++;
        b++;
      }
      let matchCode = a - (ip + MINMATCH);
      ip = a;
      if (matchCode >= 15) {
        out[token]! += 15;
        matchCode -= 15;
        for (; matchCode >= 255; matchCode -= 255) out[op++] = 255;
        out[op++] = matchCode;
      } else {
        out[token]! += matchCode;
      }
      anchor = ip;
      if (ip >= mflimitPlusOne) return finish(src, out, op, anchor);
      // Fill the table with ip-2, then test the next position for an immediate match.
      table[hash5(src, ip - 2)] = ip - 2;
      const h = hash5(src, ip);
      const matchIndex = table[h]!;
      table[h] = ip;
      if (matchIndex + MAX_DISTANCE >= ip && read32(src, matchIndex) === read32(src, ip)) {
        match = matchIndex;
        token = op++;
        out[token] = 0;
        continue;
      }
      break;
    }
    forwardH = hash5(src, ++ip);
  }
}

/**
 * Decompresses one LZ4 block that must produce exactly `size` bytes. Every
 * length and offset is checked against both buffers; malformed input throws
 * an Error naming what is wrong, never reads or writes out of bounds.
 */
export function lz4DecompressBlock(src: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  const n = src.length;
  let i = 0;
  let o = 0;
  // Even an empty input compresses to one token, so an empty block is malformed (as liblz4 and lz4-napi say).
  if (n === 0) throw new Error('empty block');
  for (;;) {
    if (i >= n) throw new Error('truncated block: missing token');
    const token = src[i++]!;
    let lit = token >>> 4;
    if (lit === 15) {
      let b: number;
      do {
        if (i >= n) throw new Error('truncated literal length');
        b = src[i++]!;
        lit += b;
      } while (b === 255);
    }
    if (i + lit > n) throw new Error(`literal run of ${lit} bytes overruns the block`);
    if (o + lit > size) throw new Error(`literal run of ${lit} bytes overruns the declared size`);
    if (lit < 16) {
      for (let k = 0; k < lit; k++) out[o + k] = src[i + k]!;
    } else {
      out.set(src.subarray(i, i + lit), o);
    }
    i += lit;
    o += lit;
    if (i === n) break; // the last sequence is literals only
    if (i + 2 > n) throw new Error('truncated match offset');
    const offset = src[i]! | (src[i + 1]! << 8);
    i += 2;
    if (offset === 0 || offset > o) throw new Error(`match offset ${offset} points before the start of the output`);
    let len = (token & 15) + MINMATCH;
    if ((token & 15) === 15) {
      let b: number;
      do {
        if (i >= n) throw new Error('truncated match length');
        b = src[i++]!;
        len += b;
      } while (b === 255);
    }
    if (o + len > size) throw new Error(`match of ${len} bytes overruns the declared size`);
    let from = o - offset;
    if (offset >= len && len > 32) {
      out.copyWithin(o, from, from + len);
      o += len;
    } else {
      const end = o + len;
      while (o < end) out[o++] = out[from++]!;
    }
  }
  if (o !== size) throw new Error(`block produced ${o} bytes, declared ${size}`);
  return out;
}

/** The pure-TypeScript BlockCompressor. */
export const lz4Js: BlockCompressor = {
  compress: lz4CompressBlock,
  decompress: lz4DecompressBlock,
};
