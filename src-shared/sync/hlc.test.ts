import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compareStamps, HybridClock, stampError, stampKey, type HlcStamp } from './hlc';

/** A physical clock driven by a script of readings (it may jump back). */
const scripted = (readings: number[]) => {
  let i = 0;
  return () => readings[Math.min(i++, readings.length - 1)]!;
};

describe('hybrid logical clock', () => {
  it('follows the physical clock when it moves, counts within a millisecond', () => {
    const c = new HybridClock('s', scripted([100, 100, 100, 105]));
    expect(c.now()).toEqual({ wall: 100, counter: 0, node: 's' });
    expect(c.now()).toEqual({ wall: 100, counter: 1, node: 's' });
    expect(c.now()).toEqual({ wall: 100, counter: 2, node: 's' });
    expect(c.now()).toEqual({ wall: 105, counter: 0, node: 's' });
  });

  it('never goes back when the physical clock does', () => {
    const c = new HybridClock('s', scripted([500, 200, 100]));
    const a = c.now();
    const b = c.now();
    const d = c.now();
    expect(compareStamps(a, b)).toBe(-1);
    expect(compareStamps(b, d)).toBe(-1);
    expect(d.wall).toBe(500);
  });

  it('receive: a stamp after receiving is greater than the remote one and than every earlier local one', () => {
    const c = new HybridClock('client', () => 1000);
    c.now();
    const remote: HlcStamp = { wall: 5000, counter: 7, node: 'server' };
    const r = c.receive(remote);
    expect(r).toEqual({ wall: 5000, counter: 8, node: 'client' });
    expect(compareStamps(c.now(), remote)).toBe(1);
  });

  it('receive follows the paper case by case', () => {
    // Remote behind, physical ahead: reset the counter.
    expect(new HybridClock('a', () => 50).receive({ wall: 10, counter: 3, node: 'b' })).toEqual({ wall: 50, counter: 0, node: 'a' });
    // Local and remote at the same wall, ahead of physical: max counter + 1.
    const c = new HybridClock('a', scripted([20, 0]));
    c.now(); // wall 20, counter 0
    expect(c.receive({ wall: 20, counter: 4, node: 'b' })).toEqual({ wall: 20, counter: 5, node: 'a' });
    // Local ahead of remote and physical: local counter + 1.
    expect(c.receive({ wall: 3, counter: 9, node: 'b' })).toEqual({ wall: 20, counter: 6, node: 'a' });
  });

  it('orders stamps totally: wall, counter, then node', () => {
    expect(compareStamps({ wall: 1, counter: 9, node: 'z' }, { wall: 2, counter: 0, node: 'a' })).toBe(-1);
    expect(compareStamps({ wall: 2, counter: 1, node: 'a' }, { wall: 2, counter: 0, node: 'z' })).toBe(1);
    expect(compareStamps({ wall: 2, counter: 1, node: 'client' }, { wall: 2, counter: 1, node: 'server' })).toBe(-1);
    expect(compareStamps({ wall: 2, counter: 1, node: 'x' }, { wall: 2, counter: 1, node: 'x' })).toBe(0);
  });

  it('monotonic and causal under any interleaving of ticks, sends and receives (property)', () => {
    type Step = { who: 0 | 1; kind: 'now' | 'send'; advance: number };
    const step = fc.record({ who: fc.constantFrom<0 | 1>(0, 1), kind: fc.constantFrom<'now' | 'send'>('now', 'send'), advance: fc.integer({ min: -50, max: 50 }) });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), fc.integer({ min: 0, max: 1000 }), (steps: Step[], skew) => {
        const phys = [1000, 1000 + skew];
        const clocks = [new HybridClock('a', () => phys[0]!), new HybridClock('b', () => phys[1]!)];
        const last: (HlcStamp | null)[] = [null, null];
        for (const s of steps) {
          phys[s.who] = Math.max(0, phys[s.who]! + s.advance);
          const me = clocks[s.who]!;
          const t = me.now();
          if (last[s.who]) expect(compareStamps(last[s.who]!, t)).toBe(-1);
          last[s.who] = t;
          // Drift stays bounded: wall is never beyond the largest physical reading seen.
          expect(t.wall).toBeLessThanOrEqual(Math.max(...phys, 1000 + skew + 50 * steps.length));
          if (s.kind === 'send') {
            const other = 1 - s.who;
            const r = clocks[other]!.receive(t);
            expect(compareStamps(r, t)).toBe(1);
            if (last[other]) expect(compareStamps(last[other]!, r)).toBe(-1);
            last[other] = r;
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('validates stamps from the wire', () => {
    expect(stampError({ wall: 1, counter: 0, node: 'n' })).toBeNull();
    expect(stampError(undefined)).toMatch(/missing/);
    expect(stampError({ wall: -1, counter: 0, node: 'n' })).toMatch(/wall/);
    expect(stampError({ wall: 1.5, counter: 0, node: 'n' })).toMatch(/wall/);
    expect(stampError({ wall: 1, counter: '0', node: 'n' })).toMatch(/counter/);
    expect(stampError({ wall: 1, counter: 0, node: '' })).toMatch(/node/);
    expect(stampError({ wall: 1, counter: 0, node: 'x'.repeat(257) })).toMatch(/node/);
    expect(stampKey({ wall: 1, counter: 2, node: 'a.b' })).toBe('1.2.a.b');
    expect(() => new HybridClock('')).toThrow();
  });
});
