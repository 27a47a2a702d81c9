import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PathMatcher, globKey, parsePathRule } from './patterns';
import { ReplayError } from './errors';

const matcher = (...texts: string[]): PathMatcher => new PathMatcher(texts.map((t) => parsePathRule(t)));
const ignored = (m: PathMatcher, scope: string, path: string[]): boolean => m.at(scope, path).ignored;

describe('path rules', () => {
  it('an exact pointer matches that member only', () => {
    const m = matcher('/accessToken');
    expect(ignored(m, 'AUTH_LOGIN', ['accessToken'])).toBe(true);
    expect(ignored(m, 'AUTH_LOGIN', ['x', 'accessToken'])).toBe(false);
    expect(ignored(m, 'AUTH_LOGIN', ['accessTokens'])).toBe(false);
    expect(ignored(m, 'AUTH_LOGIN', [])).toBe(false);
  });

  it('** matches any depth, including none; a bare name means **/name', () => {
    for (const m of [matcher('**/ts'), matcher('ts')]) {
      expect(ignored(m, 'X', ['ts'])).toBe(true);
      expect(ignored(m, 'X', ['ops', '3', 'ts'])).toBe(true);
      expect(ignored(m, 'X', ['ops', '3', 'ts', 'wall'])).toBe(false); // the member, not what is under it (the walk stops there)
      expect(ignored(m, 'X', ['tsx'])).toBe(false);
    }
  });

  it('* is one segment; globs inside a segment are case-sensitive', () => {
    const m = matcher('/ui/notifications/*/at', '/world/creatures/c1*');
    expect(ignored(m, 'state', ['ui', 'notifications', '0', 'at'])).toBe(true);
    expect(ignored(m, 'state', ['ui', 'notifications', 'at'])).toBe(false);
    expect(ignored(m, 'state', ['world', 'creatures', 'c17'])).toBe(true);
    expect(ignored(m, 'state', ['world', 'creatures', 'C17'])).toBe(false);
    expect(ignored(m, 'state', ['world', 'creatures', 'd17'])).toBe(false);
  });

  it('a TYPE: or state: scope limits a rule to those bodies', () => {
    const m = matcher('EVENT_BROADCAST:/id', 'state:/world/time');
    expect(ignored(m, 'EVENT_BROADCAST', ['id'])).toBe(true);
    expect(ignored(m, 'EVENT_RESPONSE', ['id'])).toBe(false);
    expect(ignored(m, 'state', ['world', 'time'])).toBe(true);
    expect(ignored(m, 'GAME_STATE_SYNC', ['world', 'time'])).toBe(false);
  });

  it('JSON pointer escapes: ~1 is /, ~0 is ~', () => {
    const m = matcher('/a~1b/c~0d');
    expect(ignored(m, 'X', ['a/b', 'c~d'])).toBe(true);
    expect(ignored(m, 'X', ['a~1b', 'c~0d'])).toBe(false);
  });

  it('the root rule "" ignores everything', () => {
    expect(ignored(matcher('HEARTBEAT:'), 'HEARTBEAT', [])).toBe(true);
  });

  it('epsilon and unordered effects are reported where they apply; the largest epsilon wins', () => {
    const m = new PathMatcher([
      parsePathRule('/player/health', { kind: 'epsilon', epsilon: 2 }),
      parsePathRule('**/health', { kind: 'epsilon', epsilon: 5 }),
      parsePathRule('/world/items', { kind: 'unordered' }),
    ]);
    expect(m.at('state', ['player', 'health']).epsilon).toBe(5);
    expect(m.at('state', ['world', 'items']).unordered).toBe(true);
    expect(m.at('state', ['world', 'items', '0']).unordered).toBe(false);
    expect(m.at('state', ['player', 'mana']).epsilon).toBeUndefined();
  });

  it('a subtree no rule reaches has the dead cursor, and cursors are interned', () => {
    const m = matcher('/a/b');
    expect(m.at('X', ['z']).dead).toBe(true);
    expect(m.at('X', ['z', 'y'])).toBe(m.dead);
    expect(m.at('X', ['a'])).toBe(m.at('Y', ['a']));
  });

  it('bad rules are refused naming the rule and the problem', () => {
    expect(() => parsePathRule('NOPE:/x')).toThrow(/"NOPE" is neither a message type/);
    expect(() => parsePathRule('/a~2')).toThrow(/"~" must be followed by 0 or 1/);
    expect(() => parsePathRule(`/${'a/'.repeat(100)}`)).toThrow(ReplayError);
    expect(() => parsePathRule(42 as unknown as string)).toThrow(/must be a string/);
  });

  it('property: an exact pointer rule matches its own path and no other path of the same length', () => {
    const seg = fc.string({ minLength: 1, maxLength: 6 }).filter((s) => !s.includes('*') && !s.includes('?') && s !== '**');
    fc.assert(
      fc.property(fc.array(seg, { minLength: 1, maxLength: 5 }), fc.array(seg, { minLength: 1, maxLength: 5 }), (a, b) => {
        const ptr = `/${a.map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
        const m = matcher(ptr);
        expect(ignored(m, 'X', a)).toBe(true);
        if (b.length === a.length && b.some((x, i) => x !== a[i])) expect(ignored(m, 'X', b)).toBe(false);
      }),
    );
  });

  it('glob keys: agree with a regular expression on random inputs; a pathological pattern is linear work', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[ab*?]{0,8}$/), fc.stringMatching(/^[ab]{0,12}$/), (p, k) => {
        const re = new RegExp(`^${p.replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
        expect(globKey(p, k)).toBe(re.test(k));
      }),
    );
    expect(globKey('*a*a*a*a*a*a*a*b', 'a'.repeat(5000))).toBe(false);
    expect(globKey('*a*a*a*a*a*a*a*b', `${'a'.repeat(5000)}b`)).toBe(true);
  });
});
