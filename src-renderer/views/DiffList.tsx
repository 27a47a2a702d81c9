/** The ops of a diff, virtualised: a diff between distant versions of a large state can have many. */
import { useCallback } from 'react';
import type { StateOp } from '../../src-shared/ipc/contract';
import { VirtualTable, type Column } from '../components/VirtualTable';
import { preview } from '../format';

const COLUMNS: readonly Column<StateOp & { i: number }>[] = [
  { key: 'op', title: 'Op', width: '72px', render: (r) => <span className={`op op-${r.op}`}>{r.op}</span> },
  { key: 'path', title: 'Path', width: 'minmax(160px, 1fr)', render: (r) => <code>{r.path}</code> },
  { key: 'value', title: 'Value', width: 'minmax(160px, 1.5fr)', render: (r) => (r.op === 'remove' ? '' : preview(r.value, 120)) },
];

export function DiffList({ ops }: { ops: readonly StateOp[] }) {
  const getRow = useCallback((i: number) => (ops[i] ? { ...ops[i], i } : undefined), [ops]);
  const counts = { add: 0, remove: 0, replace: 0 };
  for (const o of ops) counts[o.op]++;
  return (
    <div className="diff-list" data-testid="state-diff">
      <p className="muted" data-testid="state-diff-summary">
        {ops.length} ops: {counts.add} added, {counts.remove} removed, {counts.replace} replaced
      </p>
      <div className="diff-table">
        <VirtualTable testId="state-diff-table" label="diff" columns={COLUMNS} rowCount={ops.length} getRow={getRow} rowKey={(r) => r.i} version={ops.length} selectedIndex={-1} onSelect={() => undefined} />
      </div>
    </div>
  );
}
