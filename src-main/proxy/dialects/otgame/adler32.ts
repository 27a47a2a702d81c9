/**
 * Adler-32 (RFC 1950) over a byte range: the checksum OTClient and Canary
 * put after the length of every frame when the session is not sequenced
 * (OTClient enables it from protocol 8.40; Canary's ADLER32 checksum method).
 */

const MOD = 65521;
/** Largest run of additions before b can overflow 2^53 is far above this; 5552 keeps both sums below 2^32 like zlib. */
const NMAX = 5552;

export function adler32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let a = 1;
  let b = 0;
  let i = start;
  while (i < end) {
    const stop = Math.min(end, i + NMAX);
    for (; i < stop; i++) {
      a += bytes[i]!;
      b += a;
    }
    a %= MOD;
    b %= MOD;
  }
  return ((b << 16) | a) >>> 0;
}
