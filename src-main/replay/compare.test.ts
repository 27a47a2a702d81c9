import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compareJson, equalUnder } from './compare';
import { buildRules, compareRules, DEFAULT_IGNORES } from './rules';

const rules = (o: Parameters<typeof buildRules>[0] = {}, translate?: (s: string) => string | undefined) => compareRules(buildRules(o), translate);

describe('compareJson', () => {
  it('reports changed, missing and unexpected members with their pointers', () => {
    const r = compareJson({ a: 1, b: { c: 'x', d: [1, 2] }, gone: true }, { a: 2, b: { c: 'x', d: [1, 2, 3] }, extra: null }, rules(), 'X');
    expect(r.differences).toEqual([
      { path: '/a', kind: 'changed', captured: 1, replayed: 2 },
      { path: '/b/d/2', kind: 'unexpected', replayed: 3 },
      { path: '/gone', kind: 'missing', captured: true },
      { path: '/extra', kind: 'unexpected', replayed: null },
    ]);
    expect(r.total).toBe(4);
  });

  it('a change of kind is one difference at that path', () => {
    expect(compareJson({ a: [1] }, { a: { 0: 1 } }, rules(), 'X').differences).toEqual([{ path: '/a', kind: 'changed', captured: [1], replayed: { 0: 1 } }]);
  });

  it('the default ignores leave out tokens, session ids and clock stamps', () => {
    expect(DEFAULT_IGNORES).toContain('**/ts');
    const r = compareJson(
      { ok: true, accessToken: 'a', refreshToken: 'b', ops: [{ path: '/x', ts: { wall: 1 } }] },
      { ok: true, accessToken: 'c', refreshToken: 'd', ops: [{ path: '/x', ts: { wall: 2 } }] },
      rules(),
      'AUTH_LOGIN',
    );
    expect(r.total).toBe(0);
    expect(compareJson({ accessToken: 'a' }, { accessToken: 'b' }, rules({ defaultIgnores: false, identity: { kinds: [], learn: [], use: [] } }), 'X').total).toBe(1);
  });

  it('user ignore rules, scoped or not', () => {
    const r = rules({ ignore: ['EVENT_BROADCAST:/data/at', '/noise'] });
    expect(compareJson({ data: { at: 1 }, noise: 1 }, { data: { at: 2 }, noise: 2 }, r, 'EVENT_BROADCAST').total).toBe(0);
    expect(compareJson({ data: { at: 1 } }, { data: { at: 2 } }, r, 'EVENT_RESPONSE').total).toBe(1);
    // An ignored member may also be absent on one side.
    expect(compareJson({ noise: 1 }, {}, r, 'X').total).toBe(0);
  });

  it('numbers within epsilon, globally or per path', () => {
    expect(compareJson({ a: 1.0 }, { a: 1.05 }, rules({ epsilon: 0.1 }), 'X').total).toBe(0);
    expect(compareJson({ a: 1.0 }, { a: 1.2 }, rules({ epsilon: 0.1 }), 'X').total).toBe(1);
    const per = rules({ tolerances: [{ path: '/player/health', epsilon: 5 }] });
    expect(compareJson({ player: { health: 100, mana: 10 } }, { player: { health: 96, mana: 10 } }, per, 'state').total).toBe(0);
    expect(compareJson({ player: { health: 100, mana: 10 } }, { player: { health: 100, mana: 11 } }, per, 'state').total).toBe(1);
  });

  it('unordered arrays compare as multisets: missing and unexpected elements, duplicates counted', () => {
    const r = rules({ unordered: ['/items'] });
    expect(compareJson({ items: [1, 2, 3] }, { items: [3, 1, 2] }, r, 'X').total).toBe(0);
    expect(compareJson({ items: [1, 1, 2] }, { items: [1, 2, 2] }, r, 'X').differences).toEqual([
      { path: '/items/1', kind: 'missing', captured: 1 },
      { path: '/items/2', kind: 'unexpected', replayed: 2 },
    ]);
    expect(compareJson({ items: [{ a: 1, t: 5 }] }, { items: [{ a: 1, t: 6 }] }, rules({ unordered: ['/items'], ignore: ['/items/*/t'] }), 'X').total).toBe(0);
    // Elsewhere order still matters.
    expect(compareJson({ other: [1, 2] }, { other: [2, 1] }, r, 'X').total).toBe(2);
  });

  it('identities are translated from their captured form, values and member names', () => {
    const translate = (s: string): string | undefined => ({ 'p-1': 'p-9' })[s];
    const r = rules({}, translate);
    expect(compareJson({ source: 'p-1', players: { 'p-1': { hp: 1 } } }, { source: 'p-9', players: { 'p-9': { hp: 1 } } }, r, 'X').total).toBe(0);
    expect(compareJson({ source: 'p-1' }, { source: 'p-1' }, r, 'X').differences).toEqual([{ path: '/source', kind: 'changed', captured: 'p-9', replayed: 'p-1' }]);
  });

  it('keeps the first `limit` differences and counts them all', () => {
    const a = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i]));
    const b = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i + 1]));
    const r = compareJson(a, b, rules(), 'X', 5);
    expect(r.differences).toHaveLength(5);
    expect(r.total).toBe(50);
  });

  it('hostile input: __proto__ members, deep nesting, huge arrays — compared as data, nothing polluted', () => {
    const a = JSON.parse('{"__proto__": {"polluted": 1}, "x": 1}') as unknown;
    const b = JSON.parse('{"__proto__": {"polluted": 2}, "x": 1}') as unknown;
    expect(compareJson(a, b, rules(), 'X').differences).toEqual([{ path: '/__proto__/polluted', kind: 'changed', captured: 1, replayed: 2 }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    let deep: unknown = 1;
    for (let i = 0; i < 2000; i++) deep = { d: deep };
    expect(compareJson(deep, deep, rules(), 'X').total).toBe(0);
    const big = Array.from({ length: 100_000 }, (_, i) => i);
    expect(compareJson(big, [...big.slice(0, -1), -1], rules(), 'X').total).toBe(1);
  });

  it('property: a value equals itself; equalUnder agrees with compareJson; differences are symmetric in count', () => {
    const r = rules({ ignore: ['/ignored'] });
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.jsonValue({ maxDepth: 4 }), (a, b) => {
        expect(compareJson(a, structuredClone(a), r, 'X').total).toBe(0);
        const ab = compareJson(a, b, r, 'X');
        expect(equalUnder(a, b, r, 'X')).toBe(ab.total === 0);
        expect(compareJson(b, a, r, 'X').total).toBe(ab.total);
      }),
      { numRuns: 300 },
    );
  });
});
