import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { globMatch, hasWildcard } from './glob';

describe('globMatch', () => {
  it.each([
    ['PLAYER_MOVE', 'PLAYER_MOVE', true],
    ['player_move', 'PLAYER_MOVE', true],
    ['PLAYER_*', 'PLAYER_MOVE', true],
    ['PLAYER_*', 'PLAYER_', true],
    ['PLAYER_*', 'PLAYE', false],
    ['*_MOVE', 'PLAYER_MOVE', true],
    ['*', '', true],
    ['', '', true],
    ['', 'x', false],
    ['?', '', false],
    ['P?ING', 'PXING', true],
    ['*A*B*', 'xxAyyBzz', true],
    ['*A*B*', 'xxByyAzz', false],
    ['HEARTBEAT', 'HEARTBEATS', false],
    ['a**b', 'ab', true],
  ])('%j vs %j → %s', (p, t, want) => {
    expect(globMatch(p, t)).toBe(want);
  });

  it('matches a slice of the text without copying it', () => {
    expect(globMatch('DECRYPT_*', 'DECRYPT_FAILED: bad tag', 0, 14)).toBe(true);
    expect(globMatch('DECRYPT_FAILED', 'DECRYPT_FAILED: bad tag', 0, 14)).toBe(true);
    expect(globMatch('DECRYPT_FAILED', 'DECRYPT_FAILED: bad tag')).toBe(false);
  });

  it('agrees with an equivalent regular expression on random input', () => {
    const alphabet = fc.constantFrom('a', 'b', 'A', '*', '?', '_');
    fc.assert(
      fc.property(fc.string({ unit: alphabet, maxLength: 8 }), fc.string({ unit: fc.constantFrom('a', 'b', 'A', 'B', '_'), maxLength: 12 }), (p, t) => {
        const re = new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'is');
        expect(globMatch(p, t)).toBe(re.test(t));
      }),
      { numRuns: 2000 },
    );
  });

  it('stays fast on patterns that make backtracking regexes explode', () => {
    const pattern = '*a'.repeat(30) + '*b';
    const text = 'a'.repeat(5000);
    // Bounded by pattern × text steps; a naive recursive matcher would not finish.
    expect(globMatch(pattern, text)).toBe(false);
  });

  it('tells patterns with wildcards apart', () => {
    expect(hasWildcard('A*')).toBe(true);
    expect(hasWildcard('A?')).toBe(true);
    expect(hasWildcard('A')).toBe(false);
  });
});
