import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  childPointer,
  escapeSegment,
  formatPointer,
  getAt,
  hasAt,
  isAncestorOrSelf,
  isArrayIndex,
  parentPointer,
  parsePointer,
  pathsOverlap,
  pointerError,
  PointerError,
  unescapeSegment,
} from './pointer';
import { footprint, opsOverlap } from './overlap';

describe('JSON pointer (RFC 6901)', () => {
  it('parses the RFC 6901 §5 examples', () => {
    expect(parsePointer('')).toEqual([]);
    expect(parsePointer('/foo')).toEqual(['foo']);
    expect(parsePointer('/foo/0')).toEqual(['foo', '0']);
    expect(parsePointer('/')).toEqual(['']);
    expect(parsePointer('/a~1b')).toEqual(['a/b']);
    expect(parsePointer('/m~0n')).toEqual(['m~n']);
    expect(parsePointer('/ ')).toEqual([' ']);
    expect(parsePointer('/c%d')).toEqual(['c%d']);
  });

  it('unescapes ~01 to "~1", not "/" (one pass, ~1 before ~0 would be wrong)', () => {
    expect(unescapeSegment('~01')).toBe('~1');
    expect(parsePointer('/~01')).toEqual(['~1']);
    expect(escapeSegment('~1')).toBe('~01');
    expect(escapeSegment('a/b~c')).toBe('a~1b~0c');
  });

  it('keeps empty segments: "//" is two empty keys, "/a/" ends in one', () => {
    expect(parsePointer('//')).toEqual(['', '']);
    expect(parsePointer('/a/')).toEqual(['a', '']);
    expect(getAt({ '': { '': 1 } }, '//')).toBe(1);
  });

  it('rejects what is not a pointer, saying why', () => {
    expect(pointerError('a')).toMatch(/start with "\/"/);
    expect(pointerError('#/a')).toMatch(/start with/);
    expect(pointerError('/a~')).toMatch(/~/);
    expect(pointerError('/a~2')).toMatch(/~/);
    expect(pointerError(5)).toMatch(/string/);
    expect(pointerError(null)).toMatch(/null/);
    expect(() => parsePointer('x')).toThrow(PointerError);
  });

  it('formats and parses back any segments (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', '/', '~', '0', '1', 'é', '') })), (segs) => {
        const p = formatPointer(segs);
        expect(pointerError(p)).toBeNull();
        expect(parsePointer(p)).toEqual(segs);
      }),
    );
  });

  it('array indices: no leading zeros, no signs, no "-" (that is only for add)', () => {
    for (const ok of ['0', '1', '10', '123456']) expect(isArrayIndex(ok)).toBe(true);
    for (const bad of ['', '01', '00', '-1', '+1', '1.0', '1e3', ' 1', '-', 'a']) expect(isArrayIndex(bad)).toBe(false);
    const doc = { a: [10, 20] };
    expect(getAt(doc, '/a/1')).toBe(20);
    expect(getAt(doc, '/a/01')).toBeUndefined();
    expect(getAt(doc, '/a/-')).toBeUndefined();
    expect(getAt(doc, '/a/2')).toBeUndefined();
    expect(hasAt(doc, '/a/0')).toBe(true);
  });

  it('reads own members only: inherited names find nothing', () => {
    expect(getAt({}, '/toString')).toBeUndefined();
    expect(getAt({}, '/__proto__')).toBeUndefined();
    expect(getAt({ a: 1 }, '/a/constructor')).toBeUndefined();
    expect(getAt([1], '/length')).toBeUndefined();
    expect(hasAt({ a: null }, '/a')).toBe(true);
    expect(getAt({ a: 1 }, 'bad')).toBeUndefined();
  });

  it('relations work at segment boundaries', () => {
    expect(isAncestorOrSelf('/a', '/a/b')).toBe(true);
    expect(isAncestorOrSelf('/a', '/a')).toBe(true);
    expect(isAncestorOrSelf('', '/x')).toBe(true);
    expect(isAncestorOrSelf('/a', '/ab')).toBe(false);
    expect(isAncestorOrSelf('/a/b', '/a')).toBe(false);
    expect(pathsOverlap('/a/b', '/a')).toBe(true);
    expect(pathsOverlap('/a/b', '/a/c')).toBe(false);
    expect(parentPointer('/a/b')).toBe('/a');
    expect(parentPointer('/a')).toBe('');
    expect(parentPointer('')).toBeNull();
    expect(childPointer('/a', 'x/y')).toBe('/a/x~1y');
    expect(childPointer('/a', 3)).toBe('/a/3');
  });

  it('an add or remove at an array position touches the whole array', () => {
    expect(footprint({ op: 'add', path: '/l/-' })).toBe('/l');
    expect(footprint({ op: 'remove', path: '/l/2' })).toBe('/l');
    expect(footprint({ op: 'replace', path: '/l/2' })).toBe('/l/2');
    expect(footprint({ op: 'add', path: '/o/name' })).toBe('/o/name');
    // An insert at 0 shifts what /l/3 names: they overlap.
    expect(opsOverlap({ op: 'add', path: '/l/0' }, { op: 'replace', path: '/l/3' })).toBe(true);
    expect(opsOverlap({ op: 'replace', path: '/l/0' }, { op: 'replace', path: '/l/3' })).toBe(false);
  });
});
