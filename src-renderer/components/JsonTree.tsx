/**
 * A collapsible JSON tree. Children are built only when their node is open,
 * and long objects and arrays show their first entries with "show more", so
 * a state of 100 000 entries opens as fast as one of ten (the freeze Redux
 * DevTools has on large states comes from rendering it all up front).
 */
import { useMemo, useState, type ReactNode } from 'react';
import { preview } from '../format';

/** Entries shown per step for a large object or array. */
const STEP = 200;

export interface JsonTreeProps {
  readonly value: unknown;
  /** Levels open at first. */
  readonly openDepth?: number;
  readonly testId?: string;
}

export function JsonTree({ value, openDepth = 2, testId }: JsonTreeProps) {
  return (
    <div className="json-tree" data-testid={testId} role="tree">
      <JsonNode name={null} value={value} depth={0} openDepth={openDepth} path="" />
    </div>
  );
}

interface NodeProps {
  readonly name: string | null;
  readonly value: unknown;
  readonly depth: number;
  readonly openDepth: number;
  readonly path: string;
}

function JsonNode({ name, value, depth, openDepth, path }: NodeProps) {
  const container = value !== null && typeof value === 'object';
  const [open, setOpen] = useState(depth < openDepth);
  const [shown, setShown] = useState(STEP);
  // Entries of a large object are listed once, not on every toggle of a child.
  const entries = useMemo<[string, unknown][]>(
    () => (!container ? [] : Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value as Record<string, unknown>)),
    [container, value],
  );
  const label = name === null ? null : <span className="json-key">{name}: </span>;
  if (!container) {
    return (
      <div className="json-row" role="treeitem" data-path={path}>
        {label}
        <Scalar value={value} />
      </div>
    );
  }
  const brackets = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  const count = Array.isArray(value) ? `${entries.length} items` : `${entries.length} keys`;
  return (
    <div className="json-node" role="treeitem" aria-expanded={open} data-path={path}>
      <button type="button" className="json-toggle" onClick={() => setOpen(!open)} aria-label={open ? 'collapse' : 'expand'}>
        {open ? '▾' : '▸'}
      </button>
      {label}
      {open ? (
        <>
          <span className="json-punct">{brackets[0]}</span>
          <div className="json-children" role="group">
            {entries.slice(0, shown).map(([k, v]) => (
              <JsonNode key={k} name={k} value={v} depth={depth + 1} openDepth={openDepth} path={`${path}/${k}`} />
            ))}
            {entries.length > shown && (
              <button type="button" className="link" onClick={() => setShown(shown + STEP)}>
                show {Math.min(STEP, entries.length - shown)} more of {entries.length - shown}
              </button>
            )}
          </div>
          <span className="json-punct">{brackets[1]}</span>
        </>
      ) : (
        <span className="json-preview" onClick={() => setOpen(true)}>
          {preview(value, 60)} <span className="muted">({count})</span>
        </span>
      )}
    </div>
  );
}

function Scalar({ value }: { value: unknown }): ReactNode {
  if (typeof value === 'string') return <span className="json-string">{JSON.stringify(value)}</span>;
  if (typeof value === 'number' || typeof value === 'bigint') return <span className="json-number">{String(value)}</span>;
  if (typeof value === 'boolean') return <span className="json-bool">{String(value)}</span>;
  if (value === null) return <span className="json-null">null</span>;
  return <span className="json-null">{String(value)}</span>;
}
