/** Faults: add, change and remove them live, with what each has done so far. */
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { describeFault, type Fault } from '../../src-shared/faults';
import { EmptyState } from '../components/EmptyState';
import { useStore } from '../store';
import { useClient } from '../client/context';
import { FaultForm, patchOf } from './FaultForm';

export function FaultsView() {
  const client = useClient();
  const faults = useStore(useShallow((s) => [...s.faults.values()].sort((a, b) => a.createdAt - b.createdAt)));
  const running = useStore((s) => s.proxy?.running ?? false);
  // Matched/applied counts come with faults.changed, which the services push once a second while they move.
  return (
    <section className="view" data-testid="view-faults">
      <h2>Add a fault</h2>
      <p className="muted">Faults apply to the proxy's traffic from the next message on. Messages a fault touched carry it in Traffic (filter: fault).</p>
      <FaultForm submitLabel="Add fault" onSubmit={async (spec) => void (await client.faults.add(spec))} />
      <h2>Active faults</h2>
      {faults.length === 0 ? (
        <EmptyState title="No faults">{running ? 'Traffic passes untouched. Add one above to delay, drop, reorder, throttle or corrupt messages.' : 'The proxy is not running; faults apply once it carries traffic.'}</EmptyState>
      ) : (
        <table className="table" data-testid="faults-table">
          <thead>
            <tr>
              <th>On</th>
              <th>Fault</th>
              <th className="right">Matched</th>
              <th className="right">Applied</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {faults.map((f) => (
              <FaultRow key={f.id} f={f} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function FaultRow({ f }: { f: Fault }) {
  const client = useClient();
  const [editing, setEditing] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const act = (p: Promise<unknown>): void => {
    setProblem(null);
    p.catch((e: Error) => setProblem(e.message));
  };
  return (
    <>
      <tr data-testid="fault-row" data-id={f.id} className={f.enabled ? '' : 'disabled'}>
        <td>
          <input type="checkbox" aria-label="enabled" data-testid="fault-enabled" checked={f.enabled} onChange={(e) => act(client.faults.update(f.id, { enabled: e.target.checked }))} />
        </td>
        <td data-testid="fault-label-cell">{describeFault(f)}</td>
        <td className="right" data-testid="fault-matched">
          {f.matched.toLocaleString()}
        </td>
        <td className="right" data-testid="fault-applied">
          {f.applied.toLocaleString()}
        </td>
        <td className="right">
          <button type="button" className="btn small" data-testid="fault-edit" onClick={() => setEditing(!editing)}>
            {editing ? 'Close' : 'Change'}
          </button>{' '}
          <button type="button" className="btn small danger" data-testid="fault-remove" onClick={() => act(client.faults.remove(f.id))}>
            Remove
          </button>
          {problem && <div className="error">{problem}</div>}
        </td>
      </tr>
      {editing && (
        <tr>
          <td colSpan={5}>
            <FaultForm
              initial={f}
              submitLabel="Save"
              onCancel={() => setEditing(false)}
              onSubmit={async (spec) => {
                await client.faults.update(f.id, patchOf(f, spec));
                setEditing(false);
              }}
            />
          </td>
        </tr>
      )}
    </>
  );
}
