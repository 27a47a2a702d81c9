import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { unifiedDiff } from './diff';

/** Applies a unified diff to `a` (the test's own small patcher). */
function patch(a: string, diff: string): string {
  const src = a.split('\n');
  if (src[src.length - 1] === '') src.pop();
  const out: string[] = [];
  let i = 0;
  const lines = diff.split('\n').slice(2);
  for (let k = 0; k < lines.length; k++) {
    const h = /^@@ -(\d+),(\d+) \+\d+,\d+ @@$/.exec(lines[k]!);
    if (!h) continue;
    const start = Number(h[2]) === 0 ? Number(h[1]) : Number(h[1]) - 1;
    while (i < start) out.push(src[i++]!);
    for (k++; k < lines.length && !lines[k]!.startsWith('@@') && lines[k] !== ''; k++) {
      const l = lines[k]!;
      if (l[0] === ' ') {
        expect(src[i]).toBe(l.slice(1));
        out.push(src[i++]!);
      } else if (l[0] === '-') {
        expect(src[i]).toBe(l.slice(1));
        i++;
      } else out.push(l.slice(1));
    }
    k--;
  }
  while (i < src.length) out.push(src[i++]!);
  return out.length ? `${out.join('\n')}\n` : '';
}

describe('unifiedDiff', () => {
  it('writes hunks with context and line numbers', () => {
    const a = 'a\nb\nc\nd\ne\nf\ng\nh\n';
    const b = 'a\nb\nc\nD\ne\nf\ng\nh\nI\n';
    expect(unifiedDiff(a, b, { from: 'x', to: 'y' })).toBe('--- x\n+++ y\n@@ -1,8 +1,9 @@\n a\n b\n c\n-d\n+D\n e\n f\n g\n h\n+I\n');
    expect(unifiedDiff(a, a, { from: 'x', to: 'y' })).toBe('');
  });

  it('splits far-apart changes into separate hunks', () => {
    const a = Array.from({ length: 30 }, (_, i) => `l${i}`).join('\n') + '\n';
    const b = a.replace('l2\n', 'L2\n').replace('l25\n', 'L25\n');
    const d = unifiedDiff(a, b, { from: 'x', to: 'y' });
    expect(d.match(/^@@/gm)).toHaveLength(2);
    expect(d).toContain('@@ -1,6 +1,6 @@');
    expect(d).toContain('@@ -23,7 +23,7 @@');
  });

  it('reconstructs the new text from the old one (property)', () => {
    const lines = fc.array(fc.constantFrom('a', 'b', 'c', '-- x', '', 'key = 1'), { maxLength: 25 });
    fc.assert(
      fc.property(lines, lines, (x, y) => {
        const a = x.length ? `${x.join('\n')}\n` : '';
        const b = y.length ? `${y.join('\n')}\n` : '';
        const d = unifiedDiff(a, b, { from: 'a', to: 'b' });
        expect(d === '' ? a : patch(a, d)).toBe(b);
      }),
      { numRuns: 300 },
    );
  });
});
