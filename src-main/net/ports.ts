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
 * - Speed hardly argues for it on UP/2.0 bodies. Side by side on a loaded
 *   2-core machine (scratch measurements, µs per call, TS / lz4-napi):
 *   compress 16 / 16 at 200 B, 16 / 26 at 4 KiB, 830 / 300 at 64 KiB;
 *   decompress 6 / 9 at 200 B, 31 / 15 at 4 KiB, 405 / 91 at 64 KiB.
 *   lz4-napi wins on large blocks and on decompressing multi-KiB ones.
 *   Its `uncompressSync` did not leak in our runs (4 KiB and 64 KiB, RSS flat),
 *   so a port that compresses with the TS code and decompresses with
 *   lz4-napi is an option if profiles ever show decompression hot. Until then,
 *   one implementation on the hot path, and no native code parsing
 *   hostile blocks. `npm run bench:codec` (LZ4 table) re-measures both.
 * - The TS port reproduces liblz4's bytes, so our frames equal the spec's
 *   vectors and any reference implementation's, byte for byte.
 *
 * The two are interchangeable on the wire (src-main/net/lz4.test.ts);
 * `lz4NapiCompressor()` stays available for comparison and tests.
 */
import { lz4Js, type Aead, type BlockCompressor } from '../../src-shared/protocol';
import { nodeAead } from './aead';
import { batchedGcm } from './gcm';
import { loadLz4Napi, makeLz4NapiCompressor } from './lz4';

export interface CodecPorts {
  readonly aead: Aead;
  readonly compressor: BlockCompressor;
}

/**
 * AES-256-GCM: `batchedGcm` (gcm.ts), node:crypto with the keystream of a
 * key's next frames made in one call; node:crypto alone (`nodeAead`) with
 * OTBRIDGE_AEAD=node in the environment.
 */
export const codecPorts: CodecPorts = { aead: aeadFromEnv(process.env.OTBRIDGE_AEAD), compressor: lz4Js };

export function aeadFromEnv(value: string | undefined): Aead {
  if (value === undefined || value === '' || value === 'batched') return batchedGcm;
  if (value === 'node') return nodeAead;
  throw new Error(`OTBRIDGE_AEAD must be "batched" or "node", not ${JSON.stringify(value)}`);
}

/** lz4-napi as a BlockCompressor, or null where its binary does not load. Leaks on compress: see above. */
export function lz4NapiCompressor(): BlockCompressor | null {
  const lib = loadLz4Napi();
  return lib ? makeLz4NapiCompressor(lib) : null;
}
