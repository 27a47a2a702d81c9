/**
 * A virtualised table: only the rows in view (plus a few) exist in the DOM,
 * so 200 000 rows scroll like 50. Rows have one fixed height, which makes
 * every position arithmetic instead of measurement. Our own rather than a
 * dependency: the Traffic view needs follow-the-stream, steady position
 * while the window trims its oldest rows, and keyboard selection, which
 * together are about as much code as adapting a library would be.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { flushSync } from 'react-dom';

export interface Column<R> {
  readonly key: string;
  readonly title: string;
  /** A CSS grid track: '90px', 'minmax(120px, 1fr)'. */
  readonly width: string;
  readonly render: (row: R) => ReactNode;
  readonly align?: 'left' | 'right';
}

export interface VirtualTableProps<R> {
  readonly testId: string;
  readonly label: string;
  readonly columns: readonly Column<R>[];
  readonly rowCount: number;
  readonly getRow: (i: number) => R | undefined;
  readonly rowKey: (row: R) => string | number;
  /** Changes whenever the rows change (the rows themselves are read by index). */
  readonly version: number;
  readonly selectedIndex: number;
  readonly onSelect: (i: number) => void;
  readonly onActivate?: (i: number) => void;
  /** Keep the last row in view as rows arrive; scrolling up turns it off, scrolling to the end back on. */
  readonly follow?: boolean;
  readonly onFollowChange?: (follow: boolean) => void;
  /** Rows dropped from the front so far: the view shifts by as many to stay on the same rows. */
  readonly trimmed?: number;
  /** Called when the first row comes into view (to page older rows in). */
  readonly onReachTop?: () => void;
  readonly rowClassName?: (row: R) => string;
  readonly rowHeight?: number;
  readonly empty?: ReactNode;
}

/** Rows drawn beyond each edge, so a scroll step shows drawn rows before React catches up. */
const OVERSCAN = 4;

/** Where the user left the scrollbar, and how many rows had been trimmed then (to keep that position as more are trimmed). */
interface ScrollPos {
  readonly top: number;
  readonly trimmedAt: number;
}

export function VirtualTable<R>(props: VirtualTableProps<R>) {
  const { rowCount, rowHeight = 22, follow = false, onFollowChange, trimmed = 0, selectedIndex, onSelect, onActivate, onReachTop } = props;
  const body = useRef<HTMLDivElement>(null);
  const [scroll, setScroll] = useState<ScrollPos>({ top: 0, trimmedAt: trimmed });
  const [height, setHeight] = useState(400);
  /** The scrollTop last written or seen: compared instead of read back, which would force a layout. */
  const lastTop = useRef(0);
  // Read by the scroll handler, which runs outside render.
  const live = useRef({ rowCount, trimmed, follow, height });
  useLayoutEffect(() => {
    live.current = { rowCount, trimmed, follow, height };
  });

  useLayoutEffect(() => {
    const el = body.current;
    if (!el) return;
    setHeight(el.clientHeight);
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // The position is computed here, during render, so a frame of new rows costs one render and no layout read:
  // following pins it to the end; otherwise it moves up by the rows trimmed since the user scrolled.
  const maxTop = Math.max(0, rowCount * rowHeight - height);
  const top = follow ? maxTop : Math.min(maxTop, Math.max(0, scroll.top - (trimmed - scroll.trimmedAt) * rowHeight));

  useLayoutEffect(() => {
    const el = body.current;
    if (!el || Math.abs(top - lastTop.current) < 1) return;
    lastTop.current = top;
    el.scrollTop = top;
  }, [top]);

  const onScroll = useCallback(() => {
    const el = body.current;
    if (!el) return;
    const t = el.scrollTop;
    // Our own writes come back as scroll events too: only a different position is the user's.
    if (Math.abs(t - lastTop.current) < 1) return;
    lastTop.current = t;
    const { rowCount: n, trimmed: tr, follow: f, height: h } = live.current;
    // Drawn now, before this frame paints: a scrollbar drag moves thousands of rows a frame, and rows
    // rendered a task later would leave a blank frame. Scroll events come at most once a frame.
    flushSync(() => setScroll({ top: t, trimmedAt: tr }));
    const atEnd = t + h >= n * rowHeight - rowHeight;
    if (onFollowChange && atEnd !== f) onFollowChange(atEnd);
    if (t < rowHeight && onReachTop) onReachTop();
  }, [onFollowChange, onReachTop, rowHeight]);

  /** Scrolls just enough to show row i. */
  const reveal = useCallback(
    (i: number) => {
      const el = body.current;
      if (!el) return;
      const y = i * rowHeight;
      const cur = lastTop.current;
      const { trimmed: tr, height: h } = live.current;
      let next: number | null = null;
      if (y < cur) next = y;
      else if (y + rowHeight > cur + h) next = y + rowHeight - h;
      if (next === null) return;
      lastTop.current = next;
      el.scrollTop = next;
      setScroll({ top: next, trimmedAt: tr });
    },
    [rowHeight],
  );

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (rowCount === 0) return;
    const page = Math.max(1, Math.floor(height / rowHeight) - 1);
    const cur = selectedIndex < 0 ? -1 : selectedIndex;
    let next: number | null = null;
    switch (e.key) {
      case 'ArrowDown':
      case 'j':
        next = Math.min(rowCount - 1, cur + 1);
        break;
      case 'ArrowUp':
      case 'k':
        next = Math.max(0, cur < 0 ? rowCount - 1 : cur - 1);
        break;
      case 'PageDown':
        next = Math.min(rowCount - 1, cur + page);
        break;
      case 'PageUp':
        next = Math.max(0, cur - page);
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = rowCount - 1;
        break;
      case 'Enter':
        if (cur >= 0) onActivate?.(cur);
        e.preventDefault();
        return;
      default:
        return;
    }
    e.preventDefault();
    if (next !== rowCount - 1 && follow) onFollowChange?.(false);
    onSelect(next);
    reveal(next);
  };

  useEffect(() => {
    if (selectedIndex >= 0 && !follow) reveal(selectedIndex);
    // Only when the selection moves: revealing on every new row would fight the user's scrolling.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selectedIndex]);

  const first = Math.max(0, Math.floor(top / rowHeight) - OVERSCAN);
  const last = Math.min(rowCount, Math.ceil((top + height) / rowHeight) + OVERSCAN);
  const grid = props.columns.map((c) => c.width).join(' ');
  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    const row = props.getRow(i);
    if (row === undefined) continue;
    const selected = i === selectedIndex;
    // Keyed by slot, not by row: while the stream flows every visible row changes each frame, and
    // reusing the same elements (new text) is far cheaper than removing and creating them.
    rows.push(
      <div
        key={i - first}
        role="row"
        aria-rowindex={i + 2}
        aria-selected={selected}
        data-testid={`${props.testId}-row`}
        data-key={props.rowKey(row)}
        className={`vt-row${selected ? ' selected' : ''} ${props.rowClassName?.(row) ?? ''}`}
        style={{ height: rowHeight, gridTemplateColumns: grid }}
        onMouseDown={() => onSelect(i)}
        onDoubleClick={() => onActivate?.(i)}
      >
        {props.columns.map((c) => (
          <span key={c.key} role="gridcell" className={`vt-cell${c.align === 'right' ? ' right' : ''}`}>
            {c.render(row)}
          </span>
        ))}
      </div>,
    );
  }

  return (
    <div className="vt" role="grid" aria-label={props.label} aria-rowcount={rowCount + 1} data-testid={props.testId} tabIndex={0} onKeyDown={onKeyDown}>
      <div className="vt-head" role="row" style={{ gridTemplateColumns: grid }}>
        {props.columns.map((c) => (
          <span key={c.key} role="columnheader" className={`vt-cell${c.align === 'right' ? ' right' : ''}`}>
            {c.title}
          </span>
        ))}
      </div>
      <div className="vt-body" ref={body} onScroll={onScroll}>
        {rowCount === 0 && props.empty ? (
          <div className="vt-empty">{props.empty}</div>
        ) : (
          <div className="vt-spacer" style={{ height: rowCount * rowHeight }}>
            {/* One transform moves the drawn block; the rows inside are in normal flow. */}
            <div className="vt-block" style={{ transform: `translateY(${first * rowHeight}px)` }}>
              {rows}
            </div>
          </div>
        )}
      </div>
    </div>
  );
}
