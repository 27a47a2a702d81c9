/**
 * A unified diff (as src-main/migrate/config/diff.ts writes it) as hunks
 * with both sides' line numbers on every line: what a side-by-side view
 * needs to put the original and the migrated line next to each other.
 */
import { type DiffHunk, type DiffLine } from '../../../src-shared/ipc/migrate';

const HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

export function diffHunks(diff: string): DiffHunk[] {
  const hunks: DiffHunk[] = [];
  let lines: DiffLine[] | null = null;
  let oldNo = 0;
  let newNo = 0;
  const text = diff.endsWith('\n') ? diff.slice(0, -1) : diff;
  for (const raw of text ? text.split('\n') : []) {
    const h = HEADER.exec(raw);
    if (h) {
      const [oldStart, oldLines, newStart, newLines] = [Number(h[1]), h[2] === undefined ? 1 : Number(h[2]), Number(h[3]), h[4] === undefined ? 1 : Number(h[4])];
      lines = [];
      hunks.push({ oldStart, oldLines, newStart, newLines, lines });
      // With no lines on a side, its start is the line before the hunk (diff -u's convention).
      oldNo = oldLines ? oldStart : oldStart + 1;
      newNo = newLines ? newStart : newStart + 1;
      continue;
    }
    if (!lines) continue; // the ---/+++ file header
    const kind = raw[0];
    if (kind === ' ') lines.push({ kind, text: raw.slice(1), old: oldNo++, new: newNo++ });
    else if (kind === '-') lines.push({ kind, text: raw.slice(1), old: oldNo++, new: null });
    else if (kind === '+') lines.push({ kind, text: raw.slice(1), old: null, new: newNo++ });
  }
  return hunks;
}
