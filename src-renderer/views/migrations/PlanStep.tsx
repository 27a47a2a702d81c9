/**
 * Step 4: the run's type (full, incremental, or selective with a picker),
 * the profile's options, and the pre-flight plan the services compute
 * without writing anything: rows per table, what would stop the run, what is
 * not migrated, and whether an unfinished run waits in the checkpoint.
 */
import { useState } from 'react';
import type { MigrationRunType } from '../../../src-shared/ipc/migrate';
import { useStore } from '../../store';
import { useClient } from '../../client/context';
import { DEFAULT_BATCH, selectionProblem, selectTerms } from '../../store/migration-draft';
import { NextStep } from './NextStep';
import { SelectionPicker } from './SelectionPicker';
import { PlanReport } from './PlanReport';

const TYPES: readonly { type: MigrationRunType; label: string; help: string }[] = [
  { type: 'full', label: 'Full', help: 'every row of every table the profile maps' },
  { type: 'incremental', label: 'Incremental', help: 'only rows new or changed since the last completed run with this checkpoint' },
  { type: 'selective', label: 'Selective', help: 'only the tables and rows you pick' },
];

export function PlanStep() {
  const client = useClient();
  const draft = useStore((s) => s.migrationDraft);
  const profile = draft.profileInfo;
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const revise = client.store.getState().reviseMigrationDraft;
  const local = selectionProblem(draft);

  const plan = async (): Promise<void> => {
    setProblem(null);
    setBusy(true);
    try {
      await client.migrations.plan();
    } catch (e) {
      setProblem((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="wizard-step-body" data-testid="migrate-step-type">
      <h2>Type and plan</h2>
      <fieldset className="choices" aria-label="type of run">
        {TYPES.map((t) => (
          <label key={t.type} className="check">
            <input type="radio" name="migrate-type" data-testid={`migrate-type-${t.type}`} checked={draft.type === t.type} onChange={() => revise({ type: t.type })} />
            <strong>{t.label}</strong> <span className="muted">— {t.help}</span>
          </label>
        ))}
      </fieldset>
      {draft.type === 'selective' && profile && <SelectionPicker />}
      {profile && profile.options.length > 0 && (
        <div className="fault-form" data-testid="migrate-options">
          {profile.options.map((o) => (
            <label key={o.name} className={`field${o.values ? '' : ' wide'}`} title={o.description}>
              <span>
                {o.name} <span className="muted">({o.description})</span>
              </span>
              {o.values ? (
                <select data-testid={`migrate-option-${o.name}`} value={draft.options[o.name] ?? String(o.default ?? '')} onChange={(e) => revise({ options: { ...draft.options, [o.name]: e.target.value } })}>
                  {o.values.map((v) => (
                    <option key={String(v)} value={String(v ?? '')}>
                      {String(v)}
                      {v === o.default ? ' (default)' : ''}
                    </option>
                  ))}
                </select>
              ) : (
                <input data-testid={`migrate-option-${o.name}`} value={draft.options[o.name] ?? String(o.default ?? '')} onChange={(e) => revise({ options: { ...draft.options, [o.name]: e.target.value } })} />
              )}
            </label>
          ))}
          <label className="field" title="rows per batch; each batch is one transaction and one checkpoint">
            <span>Rows per batch</span>
            <input type="number" min={1} max={100_000} data-testid="migrate-batch" value={draft.batchSize} onChange={(e) => revise({ batchSize: Math.min(100_000, Math.max(1, Math.floor(Number(e.target.value) || DEFAULT_BATCH))) })} />
          </label>
        </div>
      )}
      <div className="toolbar">
        <button type="button" className="btn primary" data-testid="migrate-plan" disabled={busy || local !== null} onClick={() => void plan()}>
          {busy ? 'Checking…' : draft.plan ? 'Check the plan again' : 'Check the plan'}
        </button>
        <span className="muted">Reads the row counts of both sides; writes nothing.</span>
        {draft.type === 'selective' && !local && (
          <code className="muted" data-testid="migrate-select-terms">
            select {selectTerms(draft).join(' · ')}
          </code>
        )}
      </div>
      {local && <p className="error">{local}</p>}
      {problem && (
        <p className="error" role="alert" data-testid="migrate-plan-error">
          {problem}
        </p>
      )}
      {draft.plan && <PlanReport plan={draft.plan} />}
      <NextStep to="dry-run" label="Dry run" />
    </div>
  );
}
