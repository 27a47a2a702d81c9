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

  it('findPrefix: a key cached under a hint is found at the start of longer bytes, never past their end, never for other bytes', () => {
    const cache = new BytesCache<string>();
    const key = Uint8Array.of(0, 12, 0, 4, 0x75, 0x70, 0x32, 0, 0, 0, 0, 0);
    const buf = new Uint8Array(64);
    buf.set(key, 4);
    buf.set([9, 9, 9], 16); // what follows the key is not looked at
    cache.setPrefix(7, buf, 4, key.length, 'tags of 7');
    expect(cache.findPrefix(7, buf, 4, 40)).toBe('tags of 7');
    expect(cache.findPrefix(7, buf, 4, key.length)).toBe('tags of 7');
    expect(cache.findPrefix(7, buf, 4, key.length - 1)).toBeUndefined(); // the bytes end before the key would
    expect(cache.findPrefix(8, buf, 4, 40)).toBeUndefined(); // another hint
    buf[10] = 0x33;
    expect(cache.findPrefix(7, buf, 4, 40)).toBeUndefined(); // other bytes
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.uint8Array({ minLength: 1, maxLength: 24 }), fc.uint8Array({ maxLength: 8 })), { maxLength: 100 }), (ops) => {
        const c = new BytesCache<string>();
        const b = new Uint8Array(40);
        for (const [hint, k, tail] of ops) {
          b.fill(0);
          b.set(k, 0);
          b.set(tail, k.length);
          const found = c.findPrefix(hint, b, 0, k.length + tail.length);
          // Whatever is found is a key the bytes start with.
          if (found !== undefined) expect(hex(b, 0, found.length / 2)).toBe(found);
          c.setPrefix(hint, b, 0, k.length, hex(b, 0, k.length));
          expect(c.findPrefix(hint, b, 0, k.length + tail.length)).toBeDefined();
        }
      }),
      { numRuns: 200 },
    );
  });
});
