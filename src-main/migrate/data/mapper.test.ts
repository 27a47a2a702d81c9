/**
 * The generated row function against the reference: the plain loop over each
 * column's general step (compileTable with generate: false). Any column spec
 * a profile can hold, any value a source can hand over — the two must agree
 * on every value and every reason, in order.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileTable } from './mapper';
import { parseProfile, type ColumnSpec, type TableSpec } from './profile';
import { type SourceRow, type Value } from './values';

const SOURCES = ['a', 'b', 'c'] as const;

/** Values as the adapters hand them over, and some they never should (booleans, undefined, objects). */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.integer({ min: -4, max: 4 }),
  fc.integer({ min: -300, max: 300 }),
  fc.integer(),
  fc.constantFrom(0, -0, 1, -1, 127, 128, -128, -129, 255, 256, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 53 - 1, 2 ** 53, -(2 ** 53), 1e300, NaN, Infinity, -Infinity, 0.5),
  fc.double(),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  fc.constantFrom(2n ** 53n, 2n ** 63n - 1n, 2n ** 64n - 1n, -(2n ** 63n)),
  fc.string({ maxLength: 6 }),
  fc.constantFrom('', ' ', '\t\n', '12', '-7', ' 42 ', '1.5', 'abc', '€€€', '😀😀', 'a\u0000b', '\ud800'),
  fc.uint8Array({ maxLength: 6 }),
  fc.constant(new Uint8Array(0)),
  fc.boolean(),
  fc.constant({}),
);

// Small bounds meet small values often: off-by-one mistakes show.
const bound = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.integer({ min: -200, max: 200 }),
  fc.constantFrom(-2147483648, 2147483647, 4294967295, 0),
  fc.constantFrom('9223372036854775807', '18446744073709551615', '-9223372036854775808', '9007199254740993', '-9007199254740993'),
);

const scalar = fc.oneof(fc.constant(null), fc.integer({ min: -5, max: 5 }), fc.constantFrom('', 'x', 'abc', '7', ' '), fc.boolean());

// Plain copies are where the generated code has its own fast path: most columns are one.
const transformed: fc.Arbitrary<Partial<ColumnSpec>> = fc.oneof(
  { arbitrary: fc.record({ from: fc.constantFrom(...SOURCES) }), weight: 12 },
  fc.record({ transform: fc.constant('bit'), args: fc.record({ bit: fc.integer({ min: 0, max: 52 }) }), from: fc.constantFrom('a', 'b') }),
  fc.record({ transform: fc.constant('clamp'), args: fc.constant({ min: -10, max: 10 }), from: fc.constant('a') }),
  fc.record({ transform: fc.constant('scale'), args: fc.constantFrom({ factor: 1000 }, { factor: 0.5 }), from: fc.constant('b') }),
  fc.record({ transform: fc.constant('map'), args: fc.constantFrom({ map: { '1': 2, x: 'y' }, otherwise: 0 }, { map: { '0': null } }), from: fc.constant('c') }),
  fc.record({ transform: fc.constant('coalesce'), from: fc.constant(['a', 'b', 'c']) }),
  fc.record({ transform: fc.constantFrom('premiumDaysLeft', 'premiumLastDay'), from: fc.constant('a') }),
  fc.record({ transform: fc.constant('now') }),
  fc.record({ value: scalar }),
);

/** Mostly absent: a rule present on every column would keep most of them off the fast path. */
const rarely = <T>(a: fc.Arbitrary<T>, weight = 4): fc.Arbitrary<T | undefined> => fc.oneof({ arbitrary: fc.constant(undefined), weight }, { arbitrary: a, weight: 1 });

const column: fc.Arbitrary<ColumnSpec> = fc
  .record({
    type: fc.constantFrom('int', 'real', 'text', 'blob'),
    how: transformed,
    default: rarely(scalar, 2),
    nullable: rarely(fc.boolean(), 1),
    min: rarely(bound, 1),
    max: rarely(bound, 1),
    maxLength: rarely(fc.integer({ min: 0, max: 5 }), 1),
    notEmpty: rarely(fc.boolean(), 1),
    enum: rarely(fc.constantFrom([1, 2, 'x'], ['abc', '7'])),
    pattern: rarely(fc.constantFrom('^a', '^\\d+$')),
    hint: rarely(fc.constant('a hint')),
  })
  .map(({ how, ...rest }) => {
    const c = Object.fromEntries(Object.entries({ ...rest, ...how }).filter(([, v]) => v !== undefined));
    if ('value' in c) delete c.default;
    return c as unknown as ColumnSpec;
  });

const table = (columns: Record<string, ColumnSpec>): TableSpec => ({ source: 's', target: 't', key: ['k0'], columns });

describe('generated row function', () => {
  it('agrees with the general steps on every value and reason, for any column spec and any value (property)', () => {
    fc.assert(
      fc.property(
        fc.array(column, { minLength: 1, maxLength: 5 }),
        fc.array(fc.tuple(anyValue, anyValue, anyValue), { minLength: 1, maxLength: 8 }),
        (cols, rows) => {
          const spec = table(Object.fromEntries(cols.map((c, i) => [`k${i}`, c])));
          const ctx = { now: 1_700_000_000, options: {} };
          const generated = compileTable(spec, ctx, SOURCES);
          const reference = compileTable(spec, ctx, SOURCES, { generate: false });
          for (const row of rows) expect(generated.map(row as SourceRow)).toEqual(reference.map(row as SourceRow));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('inlines the common case and keeps the general wording for the rest (the bench profile shape)', () => {
    const p = parseProfile({
      name: 'p',
      source: { name: 's' },
      target: { name: 't' },
      tables: [
        {
          source: 'players',
          target: 'players',
          key: ['id'],
          columns: {
            id: { type: 'int', min: 1, max: 2147483647 },
            name: { type: 'text', maxLength: 5, notEmpty: true },
            experience: { type: 'int', min: 0, max: '9223372036854775807' },
            conditions: { type: 'blob', default: '', maxLength: 4 },
            bless1: { type: 'int', from: 'blessings', transform: 'bit', args: { bit: 0 } },
            version: { type: 'int', value: 3 },
          },
        },
      ],
    });
    const m = compileTable(p.tables[0]!, { now: 0, options: {} }, ['id', 'name', 'experience', 'conditions', 'blessings']);
    const ok = m.map([7, 'Bob', 2n ** 62n, null, 5]);
    expect(ok).toEqual({ values: [7, 'Bob', 2n ** 62n, new Uint8Array(0), 1, 3] });
    const bytes = new Uint8Array([1, 2]);
    expect(m.map([8, 'Al', 12, bytes, 2]).values![3]).toBe(bytes);
    expect(m.map([0, '   ', 2n ** 63n, new Uint8Array(9), null]).reasons).toEqual([
      'id: 0 is below the minimum 1',
      'name: empty',
      'experience: 9223372036854775808 is above the maximum 9223372036854775807',
      'conditions: 9 bytes, longer than 4',
      'bless1: NULL where the target needs a value',
    ]);
    // A value that needs converting takes the general path and comes out in the column's type.
    expect(m.map(['12', 42, '5', 'ab', 3n]).values).toEqual([12, '42', 5, new Uint8Array([97, 98]), 1, 3]);
  });

  it('never puts profile text into the generated code: odd bounds fall back to the general steps', () => {
    // parseProfile refuses these; compileTable may still be handed an unchecked spec.
    const hostile = { type: 'blob', maxLength: '0 || (globalThis.pwned = 1)' } as unknown as ColumnSpec;
    const long = { type: 'text', maxLength: '1; globalThis.pwned = 1' } as unknown as ColumnSpec;
    const m = compileTable(table({ k0: hostile, k1: long }), { now: 0, options: {} }, ['k0', 'k1']);
    const reference = compileTable(table({ k0: hostile, k1: long }), { now: 0, options: {} }, ['k0', 'k1'], { generate: false });
    for (const row of [[new Uint8Array(1), 'x'], [new Uint8Array(0), 'xy'], [null, null]] as Value[][]) expect(m.map(row)).toEqual(reference.map(row));
    expect((globalThis as Record<string, unknown>).pwned).toBeUndefined();
  });
});
