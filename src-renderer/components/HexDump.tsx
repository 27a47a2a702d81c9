import { useMemo, useState } from 'react';
import { hexByteCount, hexLines } from '../hex';

/** Lines drawn at first (64 KiB); the rest on request, since a huge frame would stall the pane. */
const FIRST_LINES = 4096;

export function HexDump({ hex, testId }: { hex: string; testId?: string }) {
  const [all, setAll] = useState(false);
  const lines = useMemo(() => hexLines(hex, all ? Infinity : FIRST_LINES), [hex, all]);
  const total = Math.ceil(hexByteCount(hex) / 16);
  if (total === 0) return <p className="muted">No wire bytes were kept for this message.</p>;
  return (
    <div className="hexdump" data-testid={testId}>
      <pre>
        {lines.map((l) => (
          <div key={l.offset} className="hex-line">
            <span className="hex-off">{l.offset}</span>
            {'  '}
            <span className="hex-bytes">{l.hex}</span>
            {'  '}
            <span className="hex-ascii">{l.ascii}</span>
          </div>
        ))}
      </pre>
      {lines.length < total && (
        <button type="button" className="link" onClick={() => setAll(true)}>
          show all {total} lines
        </button>
      )}
    </div>
  );
}
