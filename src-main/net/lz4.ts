/**
 * LZ4 block compression for the main process, on lz4-napi (N-API: one binary
 * for Node and every Electron version). lz4-napi frames its blocks with a
 * little-endian u32 size prefix that UP/2.0 does not use, so it is stripped
 * on the way out and added on the way in.
 *
 * Not the default compressor: lz4-napi 2.10's compressSync leaks native
 * memory (antoniomuso/lz4-napi#678; measured in ports.ts). Kept for
 * interoperability tests and comparison.
 */
import { createRequire } from 'node:module';
import type { BlockCompressor } from '../../src-shared/protocol';

interface Lz4Napi {
  compressSync(data: Buffer | Uint8Array): Buffer;
  uncompressSync(data: Buffer | Uint8Array): Buffer;
}

let native: Lz4Napi | null | undefined;

/** lz4-napi when its binary loads on this platform, else null. */
export function loadLz4Napi(): Lz4Napi | null {
  if (native !== undefined) return native;
  try {
    native = createRequire(import.meta.url)('lz4-napi') as Lz4Napi;
  } catch {
    native = null;
  }
  return native;
}

export function makeLz4NapiCompressor(lib: Lz4Napi): BlockCompressor {
  return {
    compress(input) {
      return lib.compressSync(input).subarray(4);
    },
    decompress(block, originalSize) {
      const prefixed = Buffer.allocUnsafe(4 + block.length);
      prefixed.writeUInt32LE(originalSize, 0);
      prefixed.set(block, 4);
      const out = lib.uncompressSync(prefixed);
      if (out.length !== originalSize) throw new Error(`block produced ${out.length} bytes, declared ${originalSize}`);
      return out;
    },
  };
}
