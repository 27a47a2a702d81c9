/** The migration of a config file side by side; the line a problem points at can be highlighted. */
import { useEffect, useMemo, useRef } from 'react';
import type { DiffHunk } from '../../../src-shared/ipc/migrate';
import { sideBySide, type DiffCell } from './side-by-side';

export function SideBySideDiff({ hunks, before, after, mark }: { hunks: readonly DiffHunk[]; before: string; after: string; mark: number | null }) {
  const rows = useMemo(() => sideBySide(hunks), [hunks]);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (mark === null) return;
    box.current?.querySelector(`[data-new-line="${mark}"]`)?.scrollIntoView({ block: 'center' });
  }, [mark]);
  return (
    <div className="sbs" ref={box} data-testid="config-diff">
      <div className="sbs-head">
        <span>{before ? 'Now' : 'Now (empty)'}</span>
        <span>{after ? 'After the migration' : 'After (empty)'}</span>
      </div>
      <table className="sbs-table">
        {/* Fixed layout takes its widths from here (the first row is a hunk header spanning all four). */}
        <colgroup>
          <col className="sbs-n-col" />
          <col />
          <col className="sbs-n-col" />
          <col />
        </colgroup>
        <tbody>
          {rows.map((r, i) =>
            r.kind === 'hunk' ? (
              <tr key={i} className="sbs-hunk">
                <td colSpan={4}>{r.header}</td>
              </tr>
            ) : (
              <tr key={i} className={`sbs-${r.change}${r.right && r.right.n === mark ? ' marked' : ''}`} data-testid="config-diff-row" data-change={r.change} data-new-line={r.right?.n}>
                <Cell c={r.left} side="old" />
                <Cell c={r.right} side="new" />
              </tr>
            ),
          )}
        </tbody>
      </table>
    </div>
  );
}

function Cell({ c, side }: { c: DiffCell | null; side: 'old' | 'new' }) {
  return (
    <>
      <td className="sbs-n">{c?.n ?? ''}</td>
      <td className={`sbs-text sbs-${side}${c ? '' : ' sbs-blank'}`}>{c?.text ?? ''}</td>
    </>
  );
}
