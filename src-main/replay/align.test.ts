import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { alignStates } from './align';

const split = (s: string): string[] => (s === '' ? [] : s.split(''));
const align = (c: string, r: string) => alignStates(split(c), split(r));

describe('state alignment', () => {
  it('identical timelines match throughout', () => {
    expect(align('ABCD', 'ABCD')).toMatchObject({ divergence: null, coalesced: 0, finalMatch: true, matches: [[0, 0], [1, 1], [2, 2], [3, 3]] });
  });

  it('versions one side merged into one batch are coalesced, not a difference', () => {
    expect(align('ABCD', 'ABD')).toMatchObject({ divergence: null, coalesced: 1, finalMatch: true });
    expect(align('ABD', 'ABCD')).toMatchObject({ divergence: null, coalesced: 1, finalMatch: true });
    expect(align('ABCDE', 'AE')).toMatchObject({ divergence: null, coalesced: 3 });
  });

  it('different states on both sides between two agreements are a divergence at the first captured one', () => {
    expect(align('ABCD', 'AXYD')).toMatchObject({ divergence: { captured: 1, replayed: 1 }, finalMatch: true });
  });

  it('after the last agreement: captured states never reached, or states the capture never had', () => {
    expect(align('ABCD', 'AB')).toMatchObject({ divergence: { captured: 2, replayed: 1 }, finalMatch: false });
    expect(align('ABCD', 'ABXY')).toMatchObject({ divergence: { captured: 2, replayed: 2 } });
    expect(align('AB', 'ABX')).toMatchObject({ divergence: { captured: 1, replayed: 2 }, finalMatch: false });
  });

  it('nothing in common: the first states are compared; an empty replay has nothing to show', () => {
    expect(align('AB', 'XY')).toMatchObject({ divergence: { captured: 0, replayed: 0 }, matches: [] });
    expect(align('AB', '')).toMatchObject({ divergence: { captured: 0, replayed: null } });
    expect(align('', 'XY')).toMatchObject({ divergence: null, finalMatch: false });
    expect(align('', '')).toMatchObject({ divergence: null, finalMatch: true });
  });

  it('a state repeated on one side (a batch that changed nothing visible) is neither coalesced nor a difference', () => {
    expect(align('ABBC', 'ABC')).toMatchObject({ divergence: null, coalesced: 0 });
  });

  it('matches go forward only: a captured state that comes back later is matched later', () => {
    expect(align('ABA', 'ABA').matches).toEqual([[0, 0], [1, 1], [2, 2]]);
  });

  it('verify can refuse a fingerprint match (tolerance checks)', () => {
    const a = alignStates(['A', 'B'], ['A', 'B'], (i) => i !== 1);
    expect(a.divergence).toEqual({ captured: 1, replayed: 1 });
  });

  it('property: dropping states from either side never creates a divergence, when the ends are kept', () => {
    const uniq = fc.uniqueArray(fc.constantFrom(...'ABCDEFGHIJKLMNOP'.split('')), { minLength: 2, maxLength: 16 });
    fc.assert(
      fc.property(uniq, fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }), (states, keep) => {
        const thinned = states.filter((_, i) => i === 0 || i === states.length - 1 || keep[i]);
        expect(alignStates(states, thinned).divergence).toBeNull();
        expect(alignStates(thinned, states).divergence).toBeNull();
      }),
    );
  });

  it('property: changing one interior state on both sides is found exactly there', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.constantFrom(...'ABCDEFGHIJKLMNOP'.split('')), { minLength: 3, maxLength: 16 }), fc.nat(), (states, k) => {
        const i = 1 + (k % (states.length - 2));
        const replayed = states.map((s, j) => (j === i ? 'x' : s));
        expect(alignStates(states, replayed).divergence).toEqual({ captured: i, replayed: i });
      }),
    );
  });

  it('a long timeline (200 000 versions, a third merged away by the replay)', () => {
    const n = 200_000;
    const c = Array.from({ length: n }, (_, i) => `s${i}`);
    const r = c.filter((_, i) => i % 3 !== 1 || i === n - 1);
    const a = alignStates(c, r);
    expect(a.divergence).toBeNull();
    expect(a.coalesced).toBe(c.length - r.length);
    expect(a.finalMatch).toBe(true);
  });
});
