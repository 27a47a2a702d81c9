import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { StateHasher } from './state-hash';
import { equalUnder } from './compare';
import { buildRules, compareRules } from './rules';
import { applyOps, type JsonObject } from '../../src-shared/sync';

describe('state fingerprints', () => {
  const rules = buildRules({ ignore: ['state:/ui/notifications/*/at'], unordered: ['/world/items'] });
  const cmp = compareRules(rules);
  const hash = (v: unknown): string => new StateHasher({ matcher: rules.matcher, epsilon: 0 }).hash(v);

  it('member order does not matter; ignored paths do not count; unordered arrays are multisets', () => {
    expect(hash({ a: 1, b: 2 })).toBe(hash({ b: 2, a: 1 }));
    expect(hash({ ui: { notifications: [{ text: 'x', at: 1 }] } })).toBe(hash({ ui: { notifications: [{ text: 'x', at: 2 }] } }));
    expect(hash({ ui: { notifications: [{ text: 'x', at: 1 }] } })).not.toBe(hash({ ui: { notifications: [{ text: 'y', at: 1 }] } }));
    expect(hash({ world: { items: [1, 2, 2] } })).toBe(hash({ world: { items: [2, 1, 2] } }));
    expect(hash({ world: { items: [1, 2, 2] } })).not.toBe(hash({ world: { items: [1, 1, 2] } }));
    expect(hash({ a: '1' })).not.toBe(hash({ a: 1 }));
    expect(hash({ a: [] })).not.toBe(hash({ a: {} }));
  });

  it('translated identities fingerprint like the replayed values, as keys and as values', () => {
    const h = new StateHasher({ matcher: rules.matcher, epsilon: 0, translate: (s) => (s === 'p-1' ? 'p-9' : undefined) });
    expect(h.hash({ players: { 'p-1': { id: 'p-1' } } })).toBe(hash({ players: { 'p-9': { id: 'p-9' } } }));
  });

  it('numbers under a tolerance are hashed loosely (and flagged, so matches get confirmed)', () => {
    const loose = new StateHasher({ matcher: buildRules({ tolerances: [{ path: '/hp', epsilon: 1 }] }).matcher, epsilon: 0 });
    expect(loose.hash({ hp: 10 })).toBe(loose.hash({ hp: 99 }));
    expect(loose.loose).toBe(true);
  });

  it('versions of one copy-on-write history reuse the fingerprints of unchanged subtrees, and stay correct', () => {
    const h = new StateHasher({ matcher: rules.matcher, epsilon: 0 });
    let state: JsonObject = { player: { position: { x: 1, y: 1 } }, world: { items: Array.from({ length: 100 }, (_, i) => ({ id: i })) }, ui: {} };
    const seen: string[] = [h.hash(state)];
    for (let i = 2; i < 50; i++) {
      state = applyOps(state, [{ op: 'replace', path: '/player/position/x', value: i }]).state as JsonObject;
      seen.push(h.hash(state));
      expect(seen[seen.length - 1]).toBe(hash(structuredClone(state)));
    }
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('property: equal fingerprints exactly when the comparison finds no difference (no tolerances)', () => {
    const value = fc.jsonValue({ maxDepth: 3 });
    fc.assert(
      fc.property(value, value, (a, b) => {
        const state = (x: unknown): unknown => ({ world: { items: Array.isArray(x) ? x : [x] }, other: x });
        expect(hash(state(a)) === hash(state(b))).toBe(equalUnder(state(a), state(b), cmp, 'state'));
      }),
      { numRuns: 300 },
    );
  });
});
