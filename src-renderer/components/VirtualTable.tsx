/**
 * A virtualised table: only the rows in view (plus a few) exist in the DOM,
 * so 200 000 rows scroll like 50. Rows have one fixed height, which makes
 * every position arithmetic instead of measurement. Our own rather than a
 * dependency: the Traffic view needs follow-the-stream, steady position
 * while the window trims its oldest rows, and keyboard selection, which
 * together are about as much code as adapting a library would be.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

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

const OVERSCAN = 8;

export function VirtualTable<R>(props: VirtualTableProps<R>) {
  const { rowCount, rowHeight = 22, follow = false, onFollowChange, trimmed = 0, selectedIndex, onSelect, onActivate, onReachTop } = props;
  const body = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);
  const lastTrimmed = useRef(trimmed);
  /** Scroll events caused by our own scrolling are not the user's. */
  const ownScroll = useRef(false);
  const frame = useRef(0);

  useLayoutEffect(() => {
    const el = body.current;
    if (!el) return;
    setHeight(el.clientHeight);
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // After each change of rows: stick to the end when following, else stay on the same rows.
  useLayoutEffect(() => {
    const el = body.current;
    if (!el) return;
    const shift = trimmed - lastTrimmed.current;
    lastTrimmed.current = trimmed;
    let target = el.scrollTop;
    if (follow) target = Math.max(0, rowCount * rowHeight - el.clientHeight);
    else if (shift > 0) target = Math.max(0, el.scrollTop - shift * rowHeight);
    if (Math.abs(target - el.scrollTop) >= 1) {
      ownScroll.current = true;
      el.scrollTop = target;
      setScrollTop(el.scrollTop);
    }
  }, [props.version, rowCount, follow, trimmed, rowHeight]);

  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  const onScroll = useCallback(() => {
    const el = body.current;
    if (!el) return;
    if (ownScroll.current) {
      ownScroll.current = false;
      return;
    }
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(() => {
      setScrollTop(el.scrollTop);
      const atEnd = el.scrollTop + el.clientHeight >= el.scrollHeight - rowHeight;
      if (onFollowChange && atEnd !== follow) onFollowChange(atEnd);
      if (el.scrollTop < rowHeight && onReachTop) onReachTop();
    });
  }, [follow, onFollowChange, onReachTop, rowHeight]);

  /** Scrolls just enough to show row i. */
  const reveal = useCallback(
    (i: number) => {
      const el = body.current;
      if (!el) return;
      const top = i * rowHeight;
      if (top < el.scrollTop) el.scrollTop = top;
      else if (top + rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = top + rowHeight - el.clientHeight;
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

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - OVERSCAN);
  const last = Math.min(rowCount, Math.ceil((scrollTop + height) / rowHeight) + OVERSCAN);
  const grid = props.columns.map((c) => c.width).join(' ');
  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    const row = props.getRow(i);
    if (row === undefined) continue;
    const selected = i === selectedIndex;
    rows.push(
      <div
        key={props.rowKey(row)}
        role="row"
        aria-rowindex={i + 2}
        aria-selected={selected}
        data-testid={`${props.testId}-row`}
        data-key={props.rowKey(row)}
        className={`vt-row${selected ? ' selected' : ''}${i % 2 ? ' odd' : ''} ${props.rowClassName?.(row) ?? ''}`}
        style={{ top: i * rowHeight, height: rowHeight, gridTemplateColumns: grid }}
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
            {rows}
          </div>
        )}
      </div>
    </div>
  );
}
