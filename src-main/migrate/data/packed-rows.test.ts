import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MessageChannel } from 'node:worker_threads';
import { packRows, transferablesOf, unpackRows, type PackedRows } from './packed-rows';
import { type Value } from './values';

const value: fc.Arbitrary<Value> = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.double(),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  fc.string({ unit: 'binary' }),
  fc.uint8Array({ maxLength: 40 }).map((a) => new Uint8Array(a)),
);

const plain = (rows: Value[][]) => rows.map((r) => r.map((v) => (v instanceof Uint8Array ? { bytes: [...v] } : v)));

describe('packed rows', () => {
  it('round-trips every kind of value, row by row, in order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6 }).chain((w) => fc.array(fc.array(value, { minLength: w, maxLength: w }), { maxLength: 30 }).map((rows) => ({ w, rows }))),
        ({ w, rows }) => {
          const back = unpackRows(packRows(rows, w));
          expect(plain(back)).toEqual(plain(rows));
          for (let r = 0; r < rows.length; r++)
            for (let c = 0; c < w; c++) {
              const a = rows[r]![c];
              // Types survive exactly: a BigInt stays a BigInt even when small, -0 stays -0.
              expect(typeof back[r]![c]).toBe(typeof a);
              if (typeof a === 'number') expect(Object.is(back[r]![c], a)).toBe(true);
            }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps astral characters, empty texts and empty blobs', () => {
    const rows: Value[][] = [
      ['😀 Ünïcode', '', new Uint8Array(0), 2n ** 64n],
      ['x', null, new Uint8Array([0, 255]), -(2n ** 63n)],
    ];
    expect(plain(unpackRows(packRows(rows, 4)))).toEqual(plain(rows));
  });

  it('survives a trip through postMessage with its buffers transferred', async () => {
    const rows: Value[][] = [[1, 'a', new Uint8Array([1, 2, 3])], [2.5, null, new Uint8Array([9])]];
    const packed = packRows(rows, 3);
    const { port1, port2 } = new MessageChannel();
    const got = new Promise<PackedRows>((resolve) => port2.once('message', resolve));
    port1.postMessage(packed, transferablesOf(packed));
    const received = await got;
    port1.close();
    port2.close();
    // Transferred, not copied: the sender's buffers are detached.
    expect(packed.nums.byteLength).toBe(0);
    expect(plain(unpackRows(received))).toEqual(plain(rows));
  });

  it('refuses rows of the wrong width and values it cannot carry', () => {
    expect(() => packRows([[1, 2]], 3)).toThrow(/2 values in a batch 3 wide/);
    expect(() => packRows([[true as unknown as Value]], 1)).toThrow(/cannot pack a boolean/);
  });

  it('refuses packings that do not add up instead of reading past them', () => {
    const good = packRows([['abc', new Uint8Array([1, 2])]], 2);
    const bad = (patch: Partial<PackedRows>) => () => unpackRows({ ...good, ...patch });
    expect(bad({ rows: 2 })).toThrow(/sizes do not match/);
    expect(bad({ width: -1 })).toThrow(/sizes do not match/);
    expect(bad({ rows: 0.5 })).toThrow(/sizes do not match/);
    expect(bad({ text: 'ab' })).toThrow(/text runs past/);
    expect(bad({ bytes: new Uint8Array(1) })).toThrow(/bytes run past/);
    expect(bad({ nums: new Float64Array([-1, 2]) })).toThrow(/not a length/);
    expect(bad({ nums: new Float64Array([NaN, 2]) })).toThrow(/not a length/);
    expect(bad({ nums: new Float64Array([1e300, 2]) })).toThrow(/text runs past/);
    expect(bad({ tags: new Uint8Array([9, 3]) })).toThrow(/unknown tag 9/);
    // A BIGINT cell whose text is not digits.
    expect(bad({ tags: new Uint8Array([4, 3]) })).toThrow();
  });

  it('packs an empty batch', () => {
    expect(unpackRows(packRows([], 26))).toEqual([]);
  });
});
