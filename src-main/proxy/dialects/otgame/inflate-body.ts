/**
 * Inflating one compressed message body with whichever decoder is faster
 * for its size, with the same answers and the same error reports either
 * way.
 *
 * Canary compresses each message on its own (deflate with Z_FINISH, then
 * deflateReset: one complete raw-DEFLATE stream per message, window bits
 * -15) and OTClient inflates each on its own (inflate with Z_FINISH, then
 * inflateReset): no dictionary or window carries from one message to the
 * next, so any raw inflater can take any message alone.
 *
 * node:zlib's inflateRawSync builds and frees a native stream per call
 * (its sync path closes the handle; there is no supported way to reuse
 * one synchronously), a fixed ~5 µs; our decoder (inflate.ts) has no setup
 * but decodes slower. Map data at Canary's level 6, CPU time, alternating
 * rounds on the 2-core EPYC: 91 compressed bytes ours 302 k/s vs zlib
 * 180 k/s; 150 B 225 k vs 160 k; 259 B 169 k vs 179 k; 400 B 131 k vs
 * 166 k; 893 B 60 k vs 124 k; 1369 B 37 k vs 103 k. So zlib from 256
 * compressed bytes on.
 *
 * zlib's errors are terse ("invalid distance too far back", "unexpected
 * end of file"); when it refuses a body, our decoder runs on the same
 * bytes and its InflateError names what is wrong and where the limit was,
 * as for small bodies. Both agree on every stream (inflate.test.ts,
 * inflate-body.test.ts).
 */
import { inflateRawSync } from 'node:zlib';
import { inflatedBytes, inflateRawShared } from './inflate';

/** Compressed bodies from this size on go to node:zlib (see above). */
export const ZLIB_FROM = 256;

/**
 * Inflates input[start, end) (at most `maxOutput` bytes) and returns the
 * output: a view valid until the next call. Throws InflateError naming the
 * problem, from our decoder, whichever decoder ran first.
 */
export function inflateBody(input: Uint8Array, start: number, end: number, maxOutput: number): Uint8Array {
  if (end - start >= ZLIB_FROM) {
    try {
      return inflateRawSync(input.subarray(start, end), { maxOutputLength: maxOutput });
    } catch {
      // Refused: our decoder says precisely why (or, should the two ever disagree, decodes it).
    }
  }
  const n = inflateRawShared(input, maxOutput, start, end);
  return inflatedBytes().subarray(0, n);
}
