import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BytesCache, MAX_INTERNED_BYTES } from './intern';

const hex = (b: Uint8Array, at: number, len: number): string => Buffer.from(b.subarray(at, at + len)).toString('hex');

describe('BytesCache', () => {
  it('gives back the value made from equal bytes, wherever they are, and makes it once', () => {
    const cache = new BytesCache<string>();
    let made = 0;
    const make = (b: Uint8Array, at: number, len: number): string => {
      made++;
      return hex(b, at, len);
    };
    const key = Uint8Array.from({ length: 44 }, (_, i) => i * 7);
    const a = new Uint8Array(200);
    a.set(key, 8); // 4-aligned: compared word by word
    const b = new Uint8Array(200);
    b.set(key, 13); // not aligned: byte by byte
    const first = cache.get(a, 8, 44, make);
    expect(cache.get(a, 8, 44, make)).toBe(first);
    expect(cache.getHinted(12345, a, 8, 44, make)).toBe(first); // another slot, same bytes: made again once, then found
    expect(cache.get(b, 13, 44, make)).toBe(first);
    expect(first).toBe(hex(key, 0, 44));
    expect(made).toBeLessThanOrEqual(3);
    const before = made;
    for (let i = 0; i < 100; i++) cache.get(a, 8, 44, make);
    expect(made).toBe(before);
  });

  it('never gives a value made from other bytes, whatever the hints and collisions', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.uint8Array({ minLength: 0, maxLength: 40 }), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 300 }),
        (lookups) => {
          const cache = new BytesCache<string>();
          const buf = new Uint8Array(64);
          for (const [hint, bytes, shift] of lookups) {
            buf.fill(0xee);
            buf.set(bytes, shift);
            // A handful of hints for many different keys: sets fill up and keys evict each other.
            const got = hint === 0 ? cache.get(buf, shift, bytes.length, hex) : cache.getHinted(hint, buf, shift, bytes.length, hex);
            expect(got).toBe(hex(buf, shift, bytes.length));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('stays bounded: keys beyond what a slot set holds are made again, and long ones are never kept', () => {
    const cache = new BytesCache<number>();
    let made = 0;
    const buf = new Uint8Array(8);
    for (let round = 0; round < 3; round++) {
      for (let k = 0; k < 16; k++) {
        buf[0] = k;
        expect(cache.getHinted(1, buf, 0, 8, () => ++made && k)).toBe(k); // one hint, 16 keys: at most 4 stay
      }
    }
    expect(made).toBeGreaterThan(16);
    const long = new Uint8Array(MAX_INTERNED_BYTES + 1);
    let longMade = 0;
    cache.get(long, 0, long.length, () => ++longMade);
    cache.get(long, 0, long.length, () => ++longMade);
    expect(longMade).toBe(2);
  });
});
