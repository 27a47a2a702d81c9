/**
 * XTEA as the OT game protocol uses it: 32 rounds (64 Feistel steps) on
 * 8-byte blocks read as two little-endian u32, ECB, key of four u32 chosen by
 * the client and carried in the RSA block of its login packet.
 *
 * A key is expanded once into its round schedule (the sum + key word of each
 * step, as Canary's Protocol::XTEA_transform precomputes it): decrypting is
 * then two table reads per step, on four blocks at once. Measured in
 * bench/otgame.bench.ts.
 */

const DELTA = 0x9e3779b9;

export type XteaKey = readonly [number, number, number, number];

/** The per-step constants of one key, for both directions. */
export interface XteaSchedule {
  readonly key: XteaKey;
  /** enc[2i], enc[2i+1]: the two steps of round i when encrypting. */
  readonly enc: Int32Array;
  /** dec[2i], dec[2i+1]: the two steps of round i when decrypting. */
  readonly dec: Int32Array;
}

export function xteaSchedule(key: XteaKey): XteaSchedule {
  const k = key.map((w) => w >>> 0);
  const enc = new Int32Array(64);
  const dec = new Int32Array(64);
  let sum = 0;
  for (let i = 0; i < 32; i++) {
    enc[2 * i] = (sum + k[sum & 3]!) | 0;
    sum = (sum + DELTA) >>> 0;
    enc[2 * i + 1] = (sum + k[(sum >>> 11) & 3]!) | 0;
  }
  // Decryption walks the sums backwards from DELTA * 32.
  sum = Math.imul(DELTA, 32) >>> 0;
  for (let i = 0; i < 32; i++) {
    dec[2 * i] = (sum + k[(sum >>> 11) & 3]!) | 0;
    sum = (sum - DELTA) >>> 0;
    dec[2 * i + 1] = (sum + k[sum & 3]!) | 0;
  }
  return { key: [k[0]!, k[1]!, k[2]!, k[3]!], enc, dec };
}

const readLE = (b: Uint8Array, i: number): number => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);

function writeLE(b: Uint8Array, i: number, v: number): void {
  b[i] = v;
  b[i + 1] = v >>> 8;
  b[i + 2] = v >>> 16;
  b[i + 3] = v >>> 24;
}

/** Decrypts bytes[start, end) in place; the length must be a multiple of 8 (the caller checks and reports it). */
export function xteaDecryptInPlace(s: XteaSchedule, bytes: Uint8Array, start = 0, end = bytes.length): void {
  xteaDecryptInto(s, bytes, start, end, bytes, start);
}

/*
 * Why four blocks at a time: one XTEA step depends on the step before, so a
 * single block runs at the latency of that chain (~5 cycles a step) while
 * most of the core idles. ECB blocks are independent, so decrypting four
 * side by side lets the CPU overlap their chains: 1.9× the one-block loop on
 * 300- and 2 000-byte bodies, 1.3× (two side by side) on a 3-block frame
 * (measured on the 2-core EPYC, CPU time, alternating rounds). Unrolling the
 * 32 rounds or reading through an Int32Array gained nothing (±5 %).
 * Each group reads all its input words before writing, so dst may be src.
 */

/**
 * Decrypts src[start, end) into dst from dstStart on (dst may be src with
 * dstStart = start: in place). The proxy decrypts each frame straight into
 * its message buffer this way, with no view objects per frame.
 */
export function xteaDecryptInto(s: XteaSchedule, src: Uint8Array, start: number, end: number, dst: Uint8Array, dstStart = 0): void {
  const d = s.dec;
  let j = start;
  let o = dstStart;
  for (; j + 32 <= end; j += 32, o += 32) {
    let a0 = readLE(src, j);
    let a1 = readLE(src, j + 4);
    let b0 = readLE(src, j + 8);
    let b1 = readLE(src, j + 12);
    let c0 = readLE(src, j + 16);
    let c1 = readLE(src, j + 20);
    let e0 = readLE(src, j + 24);
    let e1 = readLE(src, j + 28);
    for (let i = 0; i < 64; i += 2) {
      const k0 = d[i]!;
      const k1 = d[i + 1]!;
      a1 = (a1 - ((((a0 << 4) ^ (a0 >>> 5)) + a0) ^ k0)) | 0;
      b1 = (b1 - ((((b0 << 4) ^ (b0 >>> 5)) + b0) ^ k0)) | 0;
      c1 = (c1 - ((((c0 << 4) ^ (c0 >>> 5)) + c0) ^ k0)) | 0;
      e1 = (e1 - ((((e0 << 4) ^ (e0 >>> 5)) + e0) ^ k0)) | 0;
      a0 = (a0 - ((((a1 << 4) ^ (a1 >>> 5)) + a1) ^ k1)) | 0;
      b0 = (b0 - ((((b1 << 4) ^ (b1 >>> 5)) + b1) ^ k1)) | 0;
      c0 = (c0 - ((((c1 << 4) ^ (c1 >>> 5)) + c1) ^ k1)) | 0;
      e0 = (e0 - ((((e1 << 4) ^ (e1 >>> 5)) + e1) ^ k1)) | 0;
    }
    writeLE(dst, o, a0);
    writeLE(dst, o + 4, a1);
    writeLE(dst, o + 8, b0);
    writeLE(dst, o + 12, b1);
    writeLE(dst, o + 16, c0);
    writeLE(dst, o + 20, c1);
    writeLE(dst, o + 24, e0);
    writeLE(dst, o + 28, e1);
  }
  for (; j + 16 <= end; j += 16, o += 16) {
    let a0 = readLE(src, j);
    let a1 = readLE(src, j + 4);
    let b0 = readLE(src, j + 8);
    let b1 = readLE(src, j + 12);
    for (let i = 0; i < 64; i += 2) {
      const k0 = d[i]!;
      const k1 = d[i + 1]!;
      a1 = (a1 - ((((a0 << 4) ^ (a0 >>> 5)) + a0) ^ k0)) | 0;
      b1 = (b1 - ((((b0 << 4) ^ (b0 >>> 5)) + b0) ^ k0)) | 0;
      a0 = (a0 - ((((a1 << 4) ^ (a1 >>> 5)) + a1) ^ k1)) | 0;
      b0 = (b0 - ((((b1 << 4) ^ (b1 >>> 5)) + b1) ^ k1)) | 0;
    }
    writeLE(dst, o, a0);
    writeLE(dst, o + 4, a1);
    writeLE(dst, o + 8, b0);
    writeLE(dst, o + 12, b1);
  }
  if (j + 8 <= end) {
    let v0 = readLE(src, j);
    let v1 = readLE(src, j + 4);
    for (let i = 0; i < 64; i += 2) {
      v1 = (v1 - ((((v0 << 4) ^ (v0 >>> 5)) + v0) ^ d[i]!)) | 0;
      v0 = (v0 - ((((v1 << 4) ^ (v1 >>> 5)) + v1) ^ d[i + 1]!)) | 0;
    }
    writeLE(dst, o, v0);
    writeLE(dst, o + 4, v1);
  }
}

/** Encrypts bytes[start, end) in place; the length must be a multiple of 8. Off the hot path (test doubles, rewritten frames): one block at a time. */
export function xteaEncryptInPlace(s: XteaSchedule, bytes: Uint8Array, start = 0, end = bytes.length): void {
  const e = s.enc;
  for (let j = start; j + 8 <= end; j += 8) {
    let v0 = readLE(bytes, j);
    let v1 = readLE(bytes, j + 4);
    for (let i = 0; i < 64; i += 2) {
      v0 = (v0 + ((((v1 << 4) ^ (v1 >>> 5)) + v1) ^ e[i]!)) | 0;
      v1 = (v1 + ((((v0 << 4) ^ (v0 >>> 5)) + v0) ^ e[i + 1]!)) | 0;
    }
    writeLE(bytes, j, v0);
    writeLE(bytes, j + 4, v1);
  }
}

/** The key as the login packet carries it: four little-endian u32 from `at`. */
export function readXteaKey(bytes: Uint8Array, at: number): XteaKey {
  return [readLE(bytes, at) >>> 0, readLE(bytes, at + 4) >>> 0, readLE(bytes, at + 8) >>> 0, readLE(bytes, at + 12) >>> 0];
}

export function writeXteaKey(bytes: Uint8Array, at: number, key: XteaKey): void {
  for (let i = 0; i < 4; i++) writeLE(bytes, at + 4 * i, key[i]!);
}
