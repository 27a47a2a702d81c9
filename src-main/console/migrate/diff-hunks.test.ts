/** diffHunks against the config migrator's own unified diff, on arbitrary texts. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { unifiedDiff } from '../../migrate/config/diff';
import { diffHunks } from './diff-hunks';

const text = fc.array(fc.constantFrom('a', 'b', 'c', 'd', '', '  x = 1', '@@ -1 +1 @@', '--- y', '+++ z'), { maxLength: 30 }).map((ls) => ls.map((l) => `${l}\n`).join(''));

describe('diffHunks', () => {
  it('puts every line at its number on both sides, and covers each hunk header', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        const diff = unifiedDiff(a, b, { from: 'a', to: 'b' });
        const hunks = diffHunks(diff);
        if (a === b) expect(hunks).toEqual([]);
        const x = a.split('\n');
        const y = b.split('\n');
        for (const h of hunks) {
          expect(h.lines.filter((l) => l.kind !== '+').length).toBe(h.oldLines);
          expect(h.lines.filter((l) => l.kind !== '-').length).toBe(h.newLines);
          for (const l of h.lines) {
            if (l.old !== null) expect(x[l.old - 1]).toBe(l.text);
            if (l.new !== null) expect(y[l.new - 1]).toBe(l.text);
          }
        }
        // Lines outside the hunks are unchanged: removed lines plus kept lines account for the whole of a.
        const removed = hunks.flatMap((h) => h.lines.filter((l) => l.kind === '-')).length;
        const added = hunks.flatMap((h) => h.lines.filter((l) => l.kind === '+')).length;
        expect(x.length - 1 - removed).toBe(y.length - 1 - added);
      }),
      { numRuns: 300 },
    );
  });

  it('reads nothing from text that is not a diff', () => {
    expect(diffHunks('')).toEqual([]);
    expect(diffHunks('garbage\n+not in a hunk\n')).toEqual([]);
    expect(diffHunks('@@ -0,0 +1 @@\n+only\n')).toEqual([{ oldStart: 0, oldLines: 0, newStart: 1, newLines: 1, lines: [{ kind: '+', text: 'only', old: null, new: 1 }] }]);
  });
});
