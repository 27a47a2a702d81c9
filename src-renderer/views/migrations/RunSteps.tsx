/**
 * Steps 5 and 6: the dry run (read, transform and check everything, write
 * nothing), then the real run — or the resumption of one that stopped.
 */
import { useState } from 'react';
import { useStore } from '../../store';
import { useClient } from '../../client/context';
import { RunPanel } from './RunPanel';

function useStart(): { busy: boolean; problem: string | null; start: (kind: 'dry' | 'real', how?: { resume?: boolean; restart?: boolean }) => void } {
  const client = useClient();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const start = (kind: 'dry' | 'real', how: { resume?: boolean; restart?: boolean } = {}): void => {
    setBusy(true);
    setProblem(null);
    client.migrations
      .start(kind, how)
      .catch((e: Error) => setProblem(e.message))
      .finally(() => setBusy(false));
  };
  return { busy, problem, start };
}

export function DryRunStep() {
  const client = useClient();
  const runId = useStore((s) => s.migrationDraft.dryRunId);
  const run = useStore((s) => (runId ? s.migrationRuns.get(runId) : undefined));
  const { busy, problem, start } = useStart();
  const ended = run && (run.state === 'completed' || run.state === 'cancelled' || run.state === 'failed');
  return (
    <div className="wizard-step-body" data-testid="migrate-step-dry-run">
      <h2>Dry run</h2>
      <p className="muted">Reads, transforms and checks every row as the real run would, and writes nothing to the target. Its rejects show what the real run would leave behind.</p>
      {(!runId || ended) && (
        <div className="toolbar">
          <button type="button" className={`btn${runId ? '' : ' primary'}`} data-testid="migrate-dry-run" disabled={busy} onClick={() => start('dry')}>
            {busy ? 'Starting…' : runId ? 'Dry run again' : 'Start the dry run'}
          </button>
          {problem && (
            <span className="error" role="alert" data-testid="migrate-start-error">
              {problem}
            </span>
          )}
        </div>
      )}
      {runId && <RunPanel runId={runId} />}
      {run?.state === 'completed' && (
        <div className="form-actions wizard-next">
          <button type="button" className="btn primary" data-testid="wizard-next" onClick={() => client.store.getState().setWizardStep('run')}>
            Run it for real →
          </button>
          <span className="muted">
            It would write {(run.summary?.written ?? 0).toLocaleString()} rows and reject {(run.summary?.rejected ?? 0).toLocaleString()}.
          </span>
        </div>
      )}
    </div>
  );
}

export function RunStep() {
  const draft = useStore((s) => s.migrationDraft);
  const run = useStore((s) => (s.migrationDraft.runId ? s.migrationRuns.get(s.migrationDraft.runId) : undefined));
  const { busy, problem, start } = useStart();
  const cp = draft.plan?.checkpoint;
  // A run that stopped (cancelled, failed) can be continued from its checkpoint.
  const stopped = run && (run.state === 'cancelled' || run.state === 'failed');
  const canResume = (cp?.unfinished && !run && !cp.resumeProblem) || stopped;
  return (
    <div className="wizard-step-body" data-testid="migrate-step-run">
      <h2>Run</h2>
      {(!run || stopped) && (
        <>
          <p className="muted">
            Writes to {draft.targetTest?.ok ? draft.targetTest.label : 'the target'} in batches of {draft.batchSize.toLocaleString()} rows, each one transaction and one checkpoint: a pause, a cancel or a crash leaves it resumable. The target is verified against the source at the end.
          </p>
          <div className="toolbar">
            {canResume ? (
              <>
                <button type="button" className="btn primary" data-testid="migrate-resume-unfinished" disabled={busy} onClick={() => start('real', { resume: true })}>
                  Resume the unfinished run
                </button>
                <button type="button" className="btn danger" data-testid="migrate-restart" disabled={busy} onClick={() => start('real', { restart: true })}>
                  Start over
                </button>
              </>
            ) : (
              <button type="button" className="btn primary" data-testid="migrate-real-run" disabled={busy} onClick={() => start('real')}>
                {busy ? 'Starting…' : 'Run the migration'}
              </button>
            )}
            {problem && (
              <span className="error" role="alert" data-testid="migrate-start-error">
                {problem}
              </span>
            )}
          </div>
        </>
      )}
      {run && <RunPanel runId={run.runId} />}
    </div>
  );
}
