import { describe, expect, it } from 'vitest';
import { sideBySide } from './side-by-side';
import type { DiffHunk, DiffLine } from '../../../src-shared/ipc/migrate';

const ctx = (text: string, o: number, n: number): DiffLine => ({ kind: ' ', text, old: o, new: n });
const del = (text: string, o: number): DiffLine => ({ kind: '-', text, old: o, new: null });
const add = (text: string, n: number): DiffLine => ({ kind: '+', text, old: null, new: n });
const hunk = (lines: DiffLine[], oldStart = 1, newStart = 1): DiffHunk => ({ oldStart, oldLines: lines.filter((l) => l.kind !== '+').length, newStart, newLines: lines.filter((l) => l.kind !== '-').length, lines });

describe('sideBySide', () => {
  it('pairs a removal with the addition that replaced it, keeping both line numbers', () => {
    const rows = sideBySide([hunk([ctx('a', 1, 1), del('b = 1', 2), add('b = 1000', 2), ctx('c', 3, 3)])]);
    expect(rows).toEqual([
      { kind: 'hunk', header: '@@ -1,3 +1,3 @@' },
      { kind: 'line', change: 'same', left: { n: 1, text: 'a' }, right: { n: 1, text: 'a' } },
      { kind: 'line', change: 'changed', left: { n: 2, text: 'b = 1' }, right: { n: 2, text: 'b = 1000' } },
      { kind: 'line', change: 'same', left: { n: 3, text: 'c' }, right: { n: 3, text: 'c' } },
    ]);
  });

  it('leaves the other side blank for unpaired lines, longer side first or second', () => {
    const rows = sideBySide([hunk([del('x', 4), del('y', 5), add('z', 4), ctx('k', 6, 5), add('new1', 6), add('new2', 7)], 4, 4)]);
    const lines = rows.filter((r) => r.kind === 'line');
    expect(lines.map((r) => r.change)).toEqual(['changed', 'removed', 'same', 'added', 'added']);
    expect(lines[1]).toMatchObject({ left: { n: 5, text: 'y' }, right: null });
    expect(lines[4]).toMatchObject({ left: null, right: { n: 7, text: 'new2' } });
  });

  it('an addition before a removal is not paired with it (the diff said they are apart)', () => {
    const lines = sideBySide([hunk([add('first', 1), del('second', 1)])]).filter((r) => r.kind === 'line');
    expect(lines.map((r) => r.change)).toEqual(['added', 'removed']);
  });

  it('one header per hunk, and nothing for no hunks', () => {
    expect(sideBySide([])).toEqual([]);
    const rows = sideBySide([hunk([ctx('a', 1, 1)]), hunk([ctx('b', 40, 41)], 40, 41)]);
    expect(rows.filter((r) => r.kind === 'hunk').map((r) => (r.kind === 'hunk' ? r.header : ''))).toEqual(['@@ -1,1 +1,1 @@', '@@ -40,1 +41,1 @@']);
  });
});
