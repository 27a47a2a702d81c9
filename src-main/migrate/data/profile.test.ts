import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { ProfileError, parseProfile, resolveOptions } from './profile';
import { compileTable } from './mapper';
import { loadProfile } from '../profiles/index';
import { coerce, fromJsonValue, toJsonValue, type ColumnType } from './values';

const minimal = () => ({
  name: 'p',
  source: { name: 's' },
  target: { name: 't' },
  tables: [{ source: 'a', target: 'a', key: ['id'], columns: { id: 'int', name: { type: 'text', maxLength: 3 } } }],
});

const problems = (json: unknown): string[] => {
  try {
    parseProfile(json);
    return [];
  } catch (e) {
    expect(e).toBeInstanceOf(ProfileError);
    return [...(e as ProfileError).problems];
  }
};

describe('profiles', () => {
  it('the built-in tfs-canary profile is valid', () => {
    const p = loadProfile('tfs-canary');
    expect(p.tables.map((t) => t.source)).toContain('player_items');
    expect(p.finalize.setConfig[0]).toMatchObject({ key: 'db_version', value: '58' });
  });

  it('the profile examples in docs/migrations.md are valid', () => {
    const doc = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'migrations.md'), 'utf8');
    const blocks = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!) as Record<string, unknown>).filter((j) => 'tables' in j);
    expect(blocks.length).toBeGreaterThan(0);
    for (const b of blocks) expect(() => parseProfile(b)).not.toThrow();
  });

  it('reports every problem at once, each with its JSON path', () => {
    const bad = {
      name: '',
      source: { name: 's' },
      target: {},
      extra: 1,
      tables: [
        {
          source: 'a b',
          target: 'a',
          key: ['nope'],
          write: 'merge',
          columns: {
            id: 'integer',
            x: { type: 'int', transform: 'frobnicate' },
            y: { type: 'int', transform: 'bit', args: { bit: 99 } },
            z: { type: 'text', value: 'c', from: 'q' },
            w: { type: 'text', pattern: '(' },
            v: { type: 'int', min: 'ten' },
          },
        },
        { source: 'a', target: 'b', key: ['id'], columns: {} },
      ],
      ignore: { a: 'also mapped' },
      selectors: { s: { description: 'x', tables: { a: 'id = 1', nope: 'id IN (:ids)' } } },
    };
    const p = problems(bad);
    for (const expected of [
      /^\$\.extra: unknown field/,
      /^\$\.name: expected a non-empty string/,
      /^\$\.target\.name: expected/,
      /^\$\.tables\[0\]\.source: expected an identifier/,
      /^\$\.tables\[0\]\.write: expected "upsert" or "replace"/,
      /^\$\.tables\[0\]\.key: nope is not one of its columns/,
      /^\$\.tables\[0\]\.columns\.id: "integer" is not a type/,
      /^\$\.tables\[0\]\.columns\.x\.transform: unknown transform "frobnicate"/,
      /^\$\.tables\[0\]\.columns\.y\.args: expected \{"bit": 0\.\.52\}/,
      /^\$\.tables\[0\]\.columns\.z: "value" is a constant/,
      /^\$\.tables\[0\]\.columns\.w\.pattern:/,
      /^\$\.tables\[0\]\.columns\.v\.min: expected a number/,
      /^\$\.tables\[1\]\.columns: no columns/,
      /^\$\.tables\[1\]\.key: id is not one of its columns/,
      /^\$\.selectors\.s\.tables\.a: the condition must use :ids/,
      /^\$\.selectors\.s\.tables\.nope: not a mapped source table/,
    ])
      expect(p.some((x) => expected.test(x)), `${expected} in\n${p.join('\n')}`).toBe(true);
  });

  it('refuses what is not a profile at all, and a replace table without a plain group column', () => {
    expect(problems(null)).toEqual(['$: expected an object']);
    expect(problems([])).toEqual(['$: expected an object']);
    const m = minimal();
    (m.tables[0] as Record<string, unknown>).write = 'replace';
    expect(problems(m)).toEqual(['$.tables[0].group: expected an identifier (letters, digits, _), got undefined']);
    (m.tables[0] as Record<string, unknown>).group = 'name';
    (m.tables[0]!.columns as Record<string, unknown>).name = { type: 'text', transform: 'coalesce' };
    expect(problems(m)).toEqual(['$.tables[0].group: the group column must be copied from one source column, without a transform']);
  });

  it('options: defaults, overrides, and clear errors', () => {
    const p = loadProfile('tfs-canary');
    expect(resolveOptions(p, {})).toMatchObject({ emptyEmail: 'reject' });
    expect(resolveOptions(p, { emptyEmail: 'placeholder' })).toMatchObject({ emptyEmail: 'placeholder' });
    expect(() => resolveOptions(p, { emptyEmail: 'ignore' })).toThrow(/not one of reject, placeholder/);
    expect(() => resolveOptions(p, { colour: 'red' })).toThrow(/no such option/);
  });

  it('a column rule failing names the column, the value and the hint', () => {
    const p = parseProfile(minimal());
    const m = compileTable(p.tables[0]!, { now: 0, options: {} });
    expect(m.map([1, 'abc'])).toEqual({ values: [1, 'abc'] });
    expect(m.map([null, 'abcd'])).toEqual({ reasons: ['id: NULL where the target needs a value', 'name: 4 characters, longer than 3'] });
    expect(m.map(['1.5', 'ab'])).toEqual({ reasons: ['id: string 1.5 is not an integer'] });
    expect(m.map([2n ** 70n, '€€€'])).toEqual({ values: [2n ** 70n, '€€€'] });
  });
});

describe('values', () => {
  const value = fc.oneof(
    fc.constant(null),
    fc.integer(),
    fc.double(),
    fc.bigInt(),
    fc.string(),
    fc.uint8Array({ maxLength: 40 }),
    fc.boolean(),
    fc.object(),
  );

  it('coerce never throws: a value or an Error for every type (hostile input)', () => {
    fc.assert(
      fc.property(value, fc.constantFrom<ColumnType>('int', 'real', 'text', 'blob'), (v, t) => {
        const r = coerce(v, t);
        expect(r === null || r instanceof Error || ['number', 'bigint', 'string'].includes(typeof r) || r instanceof Uint8Array).toBe(true);
      }),
    );
  });

  it('JSON encoding round-trips every value exactly', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constant(null), fc.integer(), fc.bigInt(), fc.string(), fc.uint8Array({ maxLength: 40 })), (v) => {
        const back = fromJsonValue(JSON.parse(JSON.stringify(toJsonValue(v))));
        if (typeof v === 'bigint') expect(BigInt(back as number | bigint)).toBe(v);
        else expect(back).toEqual(v);
      }),
    );
    expect(fromJsonValue({ $b64: 'not base64!' })).toBeInstanceOf(Error);
    expect(fromJsonValue({ $int: '1e5' })).toBeInstanceOf(Error);
    expect(fromJsonValue({ $int: '1', extra: 1 })).toBeInstanceOf(Error);
    expect(fromJsonValue([1])).toBeInstanceOf(Error);
  });
});
