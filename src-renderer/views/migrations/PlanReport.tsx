/** The pre-flight plan: rows per table, errors that stop the run, warnings, tables not migrated, the checkpoint. */
import type { MigrationPlan } from '../../../src-shared/ipc/migrate';

export function PlanReport({ plan }: { plan: MigrationPlan }) {
  const cp = plan.checkpoint;
  return (
    <div className="plan" data-testid="migrate-plan-report" data-errors={plan.errors.length}>
      <p>
        <strong data-testid="migrate-plan-total">{plan.rowsTotal.toLocaleString()} rows</strong> in {plan.tables.length} tables, {plan.type} run of {plan.profile}: {plan.source} → {plan.target}
      </p>
      {plan.errors.length > 0 && (
        <ul className="problems" role="alert" data-testid="migrate-plan-errors">
          {plan.errors.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      )}
      {/* The services' warnings usually name them already; said here only when they do not. */}
      {plan.unknownTables.some((t) => !plan.warnings.some((w) => w.includes(t))) && (
        <p className="warn-text" data-testid="migrate-plan-unknown">
          Not migrated (the profile does not know these source tables): {plan.unknownTables.join(', ')}
        </p>
      )}
      {plan.warnings.map((w) => (
        <p key={w} className="warn-text">
          {w}
        </p>
      ))}
      <table className="table">
        <thead>
          <tr>
            <th>Source table</th>
            <th>Target table</th>
            <th className="right">Rows to read</th>
            <th className="right">Target rows now</th>
          </tr>
        </thead>
        <tbody>
          {plan.tables.map((t) => (
            <tr key={t.source}>
              <td>{t.source}</td>
              <td>{t.target}</td>
              <td className="right">{t.estimate.toLocaleString()}</td>
              <td className="right">{t.targetRowsBefore.toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted" data-testid="migrate-plan-checkpoint">
        Checkpoint {cp.path}
        {cp.error
          ? ` cannot be read: ${cp.error}`
          : cp.lastRun
            ? ` — last run ${cp.lastRun.status} (${cp.lastRun.type}${cp.lastRun.dryRun ? ', dry' : ''}, started ${cp.lastRun.startedAt}, ${cp.lastRun.written.toLocaleString()} written)`
            : ' — no run yet'}
        {cp.watermarks.length > 0 && `; an incremental run reads only what is newer in ${cp.watermarks.join(', ')}`}
      </p>
      {cp.unfinished && (
        <p className="warn-text" data-testid="migrate-plan-unfinished">
          The last run stopped before the end. The Run step offers to resume it{cp.resumeProblem ? ` — but resuming would be refused: ${cp.resumeProblem}` : ''}, or to start over.
        </p>
      )}
    </div>
  );
}
