/**
 * The codec's platform ports as the main process provides them.
 *
 * Compression is the TypeScript LZ4 port (src-shared/protocol/lz4.ts), on
 * purpose, although lz4-napi is available:
 *
 * - lz4-napi 2.10's `compressSync` leaks native memory, about 330 bytes per
 *   call, that no GC returns (measured here: RSS +16 MiB per 50 000 calls of
 *   a 260-byte body, heap flat; upstream: antoniomuso/lz4-napi#678, open,
 *   which reports the sync variants leaking). A proxy compressing tens of
 *   thousands of frames a second cannot use it; its async API would cost a
 *   thread-pool hop per frame.
 * - Speed does not argue for it on UP/2.0 bodies: side by side, the TS
 *   compressor takes ~12 µs for a 200-byte body (lz4-napi ~11 µs) and ~15 µs
 *   for 4 KiB (lz4-napi ~30 µs, N-API call and size-prefix copy included);
 *   lz4-napi wins only on large blocks (64 KiB: ~220 µs against ~580 µs).
 *   Decompression is about even at 4 KiB. See `npm run bench:codec` (LZ4 table).
 * - The TS port reproduces liblz4's bytes, so our frames equal the spec's
 *   vectors and any reference implementation's, byte for byte.
 *
 * The two are interchangeable on the wire (src-main/net/lz4.test.ts);
 * `lz4NapiCompressor()` stays available for comparison and tests.
 */
import { lz4Js, type Aead, type BlockCompressor } from '../../src-shared/protocol';
import { nodeAead } from './aead';
import { loadLz4Napi, makeLz4NapiCompressor } from './lz4';

export interface CodecPorts {
  readonly aead: Aead;
  readonly compressor: BlockCompressor;
}

export const codecPorts: CodecPorts = { aead: nodeAead, compressor: lz4Js };

/** lz4-napi as a BlockCompressor, or null where its binary does not load. Leaks on compress: see above. */
export function lz4NapiCompressor(): BlockCompressor | null {
  const lib = loadLz4Napi();
  return lib ? makeLz4NapiCompressor(lib) : null;
}
