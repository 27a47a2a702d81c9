import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { lz4Js, utf8Encode, bytesEqual } from '../../src-shared/protocol';
import { loadLz4Napi, makeLz4NapiCompressor } from './lz4';
import { codecPorts, lz4NapiCompressor } from './ports';

const lib = loadLz4Napi();

describe('lz4-napi port', () => {
  it('loads on this platform (its binary ships in the npm package)', () => {
    expect(lib).not.toBeNull();
    expect(lz4NapiCompressor()).not.toBeNull();
  });

  const napi = makeLz4NapiCompressor(lib!);
  const json = utf8Encode(JSON.stringify(Array.from({ length: 4000 }, (_, i) => ({ id: `c${i}`, name: 'Rat', health: i % 20 }))));

  it('is interchangeable with lz4Js: each decompresses what the other compressed, >64 KiB included', () => {
    expect(json.length).toBeGreaterThan(65_536);
    for (const input of [json, json.subarray(0, 1500), new Uint8Array(100_000), utf8Encode('x')]) {
      expect(bytesEqual(lz4Js.decompress(napi.compress(input), input.length), input)).toBe(true);
      expect(bytesEqual(napi.decompress(lz4Js.compress(input), input.length), input)).toBe(true);
    }
  });

  it('any bytes cross round-trip (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), (data) => {
        expect(bytesEqual(napi.decompress(lz4Js.compress(data), data.length), data)).toBe(true);
        expect(bytesEqual(lz4Js.decompress(napi.compress(data), data.length), data)).toBe(true);
      }),
      { seed: 5, numRuns: 200 },
    );
  });

  it('refuses a declared size that differs from the block, and hostile blocks, with an Error', () => {
    const block = napi.compress(json);
    expect(() => napi.decompress(block, json.length + 1)).toThrow(Error);
    expect(() => napi.decompress(block, json.length - 1)).toThrow(Error);
    expect(() => napi.decompress(new Uint8Array(0), 0)).toThrow(Error);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat({ max: 4000 }), (b, size) => {
        let out: Uint8Array;
        try {
          out = napi.decompress(b, size);
        } catch (e) {
          expect(e).toBeInstanceOf(Error);
          return;
        }
        expect(out.length).toBe(size);
      }),
      { seed: 6, numRuns: 2000 },
    );
  });

  it('is not the default: its compressSync leaks native memory (antoniomuso/lz4-napi#678; see ports.ts)', () => {
    expect(codecPorts.compressor).toBe(lz4Js);
  });
});
