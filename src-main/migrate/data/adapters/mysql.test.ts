/**
 * The MySQL adapter's own SQL literals (the batch INSERT is built from them)
 * against mysql2's escape(), which the adapter used before: the same text for
 * every value a row can hold, hostile strings included. The adapter against a
 * real server is tested in ../mariadb.test.ts.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import mysql from 'mysql2';
import { literal } from './mysql';
import { type Value } from '../values';

const viaMysql2 = (v: Value): string => mysql.escape(v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v);

describe('MySQL literals', () => {
  it('are exactly what mysql2 escape() gives, for any value (property)', () => {
    const value: fc.Arbitrary<Value> = fc.oneof(
      fc.constant(null),
      fc.integer(),
      fc.double(),
      fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }),
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.constantFrom("'; DROP TABLE players; --", 'a\\', '\\\'', '\0\b\t\n\r\u001a"', '\ud800', 'Ærøskøbing'),
      fc.uint8Array({ maxLength: 40 }),
    );
    fc.assert(
      fc.property(value, (v) => {
        expect(literal(v)).toBe(viaMysql2(v));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads bytes from a view at an offset, not the whole buffer behind it', () => {
    const backing = new Uint8Array([9, 1, 2, 255, 9]);
    expect(literal(backing.subarray(1, 4))).toBe("X'0102ff'");
    expect(literal(Buffer.from('ab'))).toBe("X'6162'");
    expect(literal(new Uint8Array(0))).toBe("X''");
  });
});
