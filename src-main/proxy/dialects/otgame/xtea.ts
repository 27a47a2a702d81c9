/**
 * XTEA as the OT game protocol uses it: 32 rounds (64 Feistel steps) on
 * 8-byte blocks read as two little-endian u32, ECB, key of four u32 chosen by
 * the client and carried in the RSA block of its login packet.
 *
 * A key is expanded once into its round schedule (the sum + key word of each
 * step, as Canary's Protocol::XTEA_transform precomputes it): decrypting is
 * then two table reads per step. Measured in bench/otgame.bench.ts.
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
  const d = s.dec;
  for (let j = start; j + 8 <= end; j += 8) {
    let v0 = readLE(bytes, j);
    let v1 = readLE(bytes, j + 4);
    for (let i = 0; i < 64; i += 2) {
      v1 = (v1 - ((((v0 << 4) ^ (v0 >>> 5)) + v0) ^ d[i]!)) | 0;
      v0 = (v0 - ((((v1 << 4) ^ (v1 >>> 5)) + v1) ^ d[i + 1]!)) | 0;
    }
    writeLE(bytes, j, v0);
    writeLE(bytes, j + 4, v1);
  }
}

/**
 * Decrypts src[start, end) into dst from dstStart on, leaving src untouched.
 * The proxy decrypts each frame into one reused scratch buffer this way:
 * no view objects per frame (bench/otgame.bench.ts).
 */
export function xteaDecryptInto(s: XteaSchedule, src: Uint8Array, start: number, end: number, dst: Uint8Array, dstStart = 0): void {
  const d = s.dec;
  for (let j = start, o = dstStart; j + 8 <= end; j += 8, o += 8) {
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

/** Encrypts bytes[start, end) in place; the length must be a multiple of 8. */
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
