/**
 * Unified-diff hunks laid out side by side, as a reviewer reads them: the
 * original on the left, the migrated file on the right, a removed line
 * beside the line that replaced it, blank cells where one side has nothing.
 */
import type { DiffHunk } from '../../../src-shared/ipc/migrate';

export interface DiffCell {
  /** 1-based line number in its file. */
  readonly n: number;
  readonly text: string;
}

export type SideBySideRow =
  | { readonly kind: 'hunk'; readonly header: string }
  | { readonly kind: 'line'; readonly change: 'same' | 'changed' | 'removed' | 'added'; readonly left: DiffCell | null; readonly right: DiffCell | null };

export function sideBySide(hunks: readonly DiffHunk[]): SideBySideRow[] {
  const rows: SideBySideRow[] = [];
  for (const h of hunks) {
    rows.push({ kind: 'hunk', header: `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@` });
    let removed: DiffCell[] = [];
    let added: DiffCell[] = [];
    // A run of removals and the additions after it are one change: pair them line by line.
    const flush = (): void => {
      const n = Math.max(removed.length, added.length);
      for (let i = 0; i < n; i++) {
        const left = removed[i] ?? null;
        const right = added[i] ?? null;
        rows.push({ kind: 'line', change: left && right ? 'changed' : left ? 'removed' : 'added', left, right });
      }
      removed = [];
      added = [];
    };
    for (const l of h.lines) {
      if (l.kind === '-') {
        if (added.length) flush();
        removed.push({ n: l.old ?? 0, text: l.text });
      } else if (l.kind === '+') {
        added.push({ n: l.new ?? 0, text: l.text });
      } else {
        flush();
        rows.push({ kind: 'line', change: 'same', left: { n: l.old ?? 0, text: l.text }, right: { n: l.new ?? 0, text: l.text } });
      }
    }
    flush();
  }
  return rows;
}
