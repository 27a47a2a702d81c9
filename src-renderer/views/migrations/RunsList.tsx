/** Every migration run of this console, newest first: a reload or a second window finds its runs here. */
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { formatClock } from '../../format';
import { useStore } from '../../store';
import { RunPanel, runFraction } from './RunPanel';

export function RunsList() {
  const runs = useStore(useShallow((s) => [...s.migrationRuns.values()].sort((a, b) => b.startedAt - a.startedAt)));
  const inWizard = useStore(useShallow((s) => [s.migrationDraft.dryRunId, s.migrationDraft.runId]));
  const [shown, setShown] = useState<string | null>(null);
  if (runs.length === 0) return null;
  return (
    <section className="runs" data-testid="migrate-runs">
      <h2>Runs of this console</h2>
      <table className="table">
        <thead>
          <tr>
            <th>Started</th>
            <th>Run</th>
            <th>Profile</th>
            <th>Source → target</th>
            <th>State</th>
            <th className="right">Done</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.runId} data-testid="migrate-runs-row" data-run={r.runId}>
              <td>{formatClock(r.startedAt)}</td>
              <td>{r.dryRun ? 'dry run' : r.resumed ? `${r.type}, resumed` : r.type}</td>
              <td>{r.profile}</td>
              <td>
                {r.source} → {r.target}
              </td>
              <td>{r.state}</td>
              <td className="right">{Math.round(runFraction(r) * 100)} %</td>
              <td className="right">
                {!inWizard.includes(r.runId) && (
                  <button type="button" className="btn small" onClick={() => setShown(shown === r.runId ? null : r.runId)}>
                    {shown === r.runId ? 'Hide' : 'Show'}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {shown && !inWizard.includes(shown) && <RunPanel runId={shown} />}
    </section>
  );
}
