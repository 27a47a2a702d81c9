/**
 * One run: its progress (bar, rows/s, time left), pause / resume / cancel,
 * each table, its warnings and end, the verification of the target, and its
 * rejects.
 */
import { useState } from 'react';
import type { MigrationRunInfo, MigrationRunState } from '../../../src-shared/ipc/migrate';
import { EmptyState } from '../../components/EmptyState';
import { formatRate, formatSpan } from '../../format';
import { useStore } from '../../store';
import { useClient } from '../../client/context';
import { FINISHED } from '../../store/migrations-slice';
import { RejectsBrowser } from './RejectsBrowser';
import { VerificationReport } from './VerificationReport';

const TONE: Record<MigrationRunState, string> = {
  starting: '',
  running: 'ok',
  paused: 'warn',
  cancelling: 'warn',
  verifying: 'ok',
  completed: 'ok',
  cancelled: 'warn',
  failed: 'error',
};

/** How far a run is, 0…1: rows read of rows planned (estimates can be passed: clamped), 1 once completed. */
export function runFraction(r: Pick<MigrationRunInfo, 'state' | 'progress'>): number {
  if (r.state === 'completed' || r.state === 'verifying') return 1;
  const { rowsDone, rowsTotal } = r.progress;
  return rowsTotal > 0 ? Math.min(1, rowsDone / rowsTotal) : 0;
}

export function RunPanel({ runId }: { runId: string }) {
  const run = useStore((s) => s.migrationRuns.get(runId));
  if (!run) return <p className="muted">Loading the run…</p>;
  const p = run.progress;
  const fraction = runFraction(run);
  const done = FINISHED.has(run.state);
  return (
    <section className="migrate-run" data-testid="migrate-run" data-run={runId} data-state={run.state} data-dry={run.dryRun}>
      <h3>
        {run.dryRun ? 'Dry run' : run.resumed ? 'Resumed run' : 'Run'} of {run.profile}: {run.source} → {run.target}{' '}
        <span className={`badge ${TONE[run.state]}`} data-testid="migrate-state">
          {run.state}
        </span>
      </h3>
      <div className="progress" role="progressbar" aria-label="rows read" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(fraction * 100)} data-testid="migrate-progress">
        <div className="progress-bar" style={{ width: `${fraction * 100}%` }} />
      </div>
      <p className="muted run-stats">
        <span data-testid="migrate-rows">
          {p.rowsDone.toLocaleString()} / {p.rowsTotal.toLocaleString()} rows
        </span>
        {' · '}
        <span data-testid="migrate-rate">{formatRate(p.rowsPerSecond)} rows/s</span>
        {!done && (
          <>
            {' · '}
            <span data-testid="migrate-eta">{p.etaSeconds === null ? 'estimating time left' : `about ${formatSpan(p.etaSeconds * 1000)} left`}</span>
          </>
        )}
        {p.table && !done && ` · ${p.table} (table ${p.tableIndex + 1} of ${p.tableCount})`}
        {` · ${p.rejected.toLocaleString()} rejected · ${formatSpan(p.elapsedSeconds * 1000)} elapsed`}
      </p>
      <Controls run={run} />
      {run.error && (
        <EmptyState tone="error" title={run.state === 'failed' ? 'The run failed' : 'The run stopped'}>
          {run.error} The checkpoint keeps what was done: fix the cause, then resume it from the Run step.
        </EmptyState>
      )}
      {run.state === 'cancelled' && !run.error && <p className="warn-text">Cancelled after a committed batch: the checkpoint keeps its place, and the Run step offers to resume it.</p>}
      <TablesTable run={run} />
      {run.warnings.length > 0 && (
        <details className="warnings">
          <summary className="warn-text">{run.warnings.length} warnings</summary>
          <ul>
            {run.warnings.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        </details>
      )}
      {run.summary && (
        <p data-testid="migrate-summary">
          {run.dryRun ? 'Would write' : 'Wrote'} <strong>{run.summary.written.toLocaleString()}</strong> of {run.summary.read.toLocaleString()} rows read, rejected <strong>{run.summary.rejected.toLocaleString()}</strong>, in {formatSpan(run.summary.seconds * 1000)}.{' '}
          <span className="muted">
            Checkpoint {run.summary.checkpointFile}; rejects {run.summary.rejectsFile}.
          </span>
        </p>
      )}
      {!run.dryRun && run.state === 'completed' && <Verification run={run} />}
      {(p.rejected > 0 || (run.summary?.rejected ?? 0) > 0) && <RejectsBrowser runId={runId} rejected={run.summary?.rejected ?? p.rejected} growing={!done} />}
    </section>
  );
}

function Controls({ run }: { run: MigrationRunInfo }) {
  const client = useClient();
  const [problem, setProblem] = useState<string | null>(null);
  const act = (action: 'pause' | 'resume' | 'cancel'): void => {
    setProblem(null);
    client.migrations.control(run.runId, action).catch((e: Error) => setProblem(e.message));
  };
  if (FINISHED.has(run.state) || run.state === 'verifying') return null;
  return (
    <div className="toolbar">
      {run.state === 'paused' ? (
        <button type="button" className="btn primary" data-testid="migrate-resume" onClick={() => act('resume')}>
          Resume
        </button>
      ) : (
        <button type="button" className="btn" data-testid="migrate-pause" disabled={run.state !== 'running' && run.state !== 'starting'} onClick={() => act('pause')} title="stops after the current batch, which is committed and checkpointed">
          Pause
        </button>
      )}
      <button type="button" className="btn danger" data-testid="migrate-cancel" disabled={run.state === 'cancelling'} onClick={() => act('cancel')} title="ends after the current batch; the run can be resumed later">
        {run.state === 'cancelling' ? 'Cancelling…' : 'Cancel'}
      </button>
      {run.state === 'paused' && <span className="muted">Paused between two batches; the target holds everything up to the last one.</span>}
      {problem && (
        <span className="error" role="alert">
          {problem}
        </span>
      )}
    </div>
  );
}

function TablesTable({ run }: { run: MigrationRunInfo }) {
  if (run.tables.length === 0) return null;
  return (
    <details className="run-tables" open={!FINISHED.has(run.state)}>
      <summary>Tables</summary>
      <table className="table" data-testid="migrate-run-tables">
        <thead>
          <tr>
            <th>Source → target</th>
            <th>Status</th>
            <th className="right">Read</th>
            <th className="right">Written</th>
            <th className="right">Rejected</th>
            <th className="right">Time</th>
          </tr>
        </thead>
        <tbody>
          {run.tables.map((t) => (
            <tr key={t.source} data-status={t.status}>
              <td>
                {t.source} → {t.target}
              </td>
              <td>{t.status}</td>
              <td className="right">
                {t.read.toLocaleString()} / {t.estimate.toLocaleString()}
              </td>
              <td className="right">{t.written.toLocaleString()}</td>
              <td className="right">{t.rejected ? <span className="error">{t.rejected.toLocaleString()}</span> : 0}</td>
              <td className="right">{formatSpan(t.seconds * 1000)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

/** The verification that came with the end of the run, or one asked for again. */
function Verification({ run }: { run: MigrationRunInfo }) {
  const client = useClient();
  const [again, setAgain] = useState<typeof run.verification>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const shown = again ?? run.verification;
  const verify = (): void => {
    setBusy(true);
    setProblem(null);
    client.migrations
      .verify(run.runId)
      .then(setAgain, (e: Error) => setProblem(e.message))
      .finally(() => setBusy(false));
  };
  return (
    <div className="verification-block">
      {shown ? <VerificationReport v={shown} /> : <p className="warn-text">{run.verificationError ? `The target could not be verified: ${run.verificationError}` : 'Not verified.'}</p>}
      <button type="button" className="btn small" data-testid="migrate-verify" disabled={busy} onClick={verify} title="compares the target with the source again, table by table">
        {busy ? 'Verifying…' : 'Verify again'}
      </button>
      {problem && (
        <span className="error" role="alert">
          {problem}
        </span>
      )}
    </div>
  );
}
