/**
 * The codec's platform ports as the main process provides them.
 *
 * Compression: lz4-napi (lz4_flex inside) when its binary loads, else the
 * TypeScript port (src-shared/protocol/lz4.ts). Measured, not assumed
 * (`npm run bench:codec`, docs/benchmarks.md, LZ4 table): on UP/2.0 JSON
 * bodies lz4-napi compresses + decompresses about 3× faster at 4 KiB and 4×
 * at 64 KiB, N-API call and size-prefix copy included (compression alone:
 * ~5 µs against ~26 µs for 4 KiB), at the same compressed size.
 *
 * The two are interchangeable on the wire: each decompresses the other's
 * blocks (src-main/net/lz4.test.ts) and every receiver must accept any
 * valid block. What only the TypeScript port does is reproduce liblz4's
 * exact bytes, so the spec's compressed encode vectors are produced with
 * `lz4Js` explicitly (codec.test.ts); use it where byte-identical output
 * matters more than speed.
 */
import { lz4Js, type Aead, type BlockCompressor } from '../../src-shared/protocol';
import { nodeAead } from './aead';
import { loadLz4Napi, makeLz4NapiCompressor } from './lz4';

export interface CodecPorts {
  readonly aead: Aead;
  readonly compressor: BlockCompressor;
}

export function lz4NapiCompressor(): BlockCompressor | null {
  const lib = loadLz4Napi();
  return lib ? makeLz4NapiCompressor(lib) : null;
}

export const codecPorts: CodecPorts = { aead: nodeAead, compressor: lz4NapiCompressor() ?? lz4Js };
