import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compilePattern, nameError } from './pattern';

describe('event names', () => {
  it('are dot-separated non-empty segments without "*"', () => {
    expect(nameError('party.invite')).toBeNull();
    expect(nameError('x')).toBeNull();
    expect(nameError('')).toMatch(/non-empty/);
    expect(nameError('a..b')).toMatch(/empty segment/);
    expect(nameError('.a')).toMatch(/empty segment/);
    expect(nameError('a.*')).toMatch(/"\*"/);
    expect(nameError('a'.repeat(257))).toMatch(/256/);
    expect(nameError(5)).toMatch(/string/);
  });
});

describe('patterns', () => {
  const m = (p: string, n: string) => compilePattern(p)(n);

  it('exact names, * for one segment, ** for any number', () => {
    expect(m('party.invite', 'party.invite')).toBe(true);
    expect(m('party.invite', 'party.invites')).toBe(false);
    expect(m('party.*', 'party.invite')).toBe(true);
    expect(m('party.*', 'party.member.left')).toBe(false);
    expect(m('party.*', 'party')).toBe(false);
    expect(m('party.**', 'party')).toBe(true);
    expect(m('party.**', 'party.member.left')).toBe(true);
    expect(m('*.invite', 'guild.invite')).toBe(true);
    expect(m('a.**.z', 'a.z')).toBe(true);
    expect(m('a.**.z', 'a.b.c.z')).toBe(true);
    expect(m('a.**.z', 'a.b.c')).toBe(false);
    expect(m('**.z', 'z')).toBe(true);
  });

  it('"*" (or "**") alone matches every event', () => {
    expect(m('*', 'a')).toBe(true);
    expect(m('*', 'a.b.c')).toBe(true);
    expect(m('**', 'a.b')).toBe(true);
  });

  it('refuses malformed patterns', () => {
    for (const bad of ['', 'a..b', 'par*', 'a.*b', '***', 'x'.repeat(257)]) expect(() => compilePattern(bad)).toThrow(RangeError);
  });

  it('agrees with a regular-expression reading of the same pattern (property)', () => {
    const seg = fc.constantFrom('a', 'b', 'c');
    const name = fc.array(seg, { minLength: 1, maxLength: 5 }).map((s) => s.join('.'));
    const pattern = fc.array(fc.constantFrom('a', 'b', '*', '**'), { minLength: 1, maxLength: 5 }).map((s) => s.join('.'));
    fc.assert(
      fc.property(pattern, name, (p, n) => {
        // With a "." put before the name and before every segment, each piece is independent.
        const pieces = p.split('.').map((s) => (s === '**' ? '(?:\\.[^.]+)*' : s === '*' ? '\\.[^.]+' : `\\.${s}`));
        const expected = p === '*' || new RegExp(`^${pieces.join('')}$`).test(`.${n}`);
        expect(m(p, n)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
});
