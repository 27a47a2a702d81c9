/**
 * The codec's platform ports as the main process provides them.
 *
 * Compression: the spec's vectors were made by liblz4's fast compressor;
 * our TypeScript port of it (src-shared/protocol/lz4.ts) reproduces them
 * byte for byte, lz4-napi (lz4_flex inside) does not, and on UP/2.0 bodies
 * (a few KiB of JSON) the port is also faster than lz4-napi once the N-API
 * call and the size-prefix copy are counted — see docs/benchmarks.md
 * (`npm run bench:codec`, rows "lz4"). lz4-napi stays available as
 * `lz4napi` for large blocks and for comparison.
 */
import { lz4Js, type Aead, type BlockCompressor } from '../../src-shared/protocol';
import { nodeAead } from './aead';
import { loadLz4Napi, makeLz4NapiCompressor } from './lz4';

export interface CodecPorts {
  readonly aead: Aead;
  readonly compressor: BlockCompressor;
}

export const codecPorts: CodecPorts = { aead: nodeAead, compressor: lz4Js };

export function lz4NapiCompressor(): BlockCompressor | null {
  const lib = loadLz4Napi();
  return lib ? makeLz4NapiCompressor(lib) : null;
}
