/**
 * Migrations: a wizard — profile, source, target (each with a connection
 * test), the run's type and its plan, a dry run first, then the run with its
 * progress and controls, the rejects and the verification — and every run
 * of this console below it, so a reload finds a running migration again.
 */
import { useEffect, useState } from 'react';
import { EmptyState } from '../../components/EmptyState';
import { useStore } from '../../store';
import { useClient } from '../../client/context';
import { blockedAt, WIZARD_STEPS, type WizardStep } from '../../store/migration-draft';
import { ProfileStep } from './ProfileStep';
import { EndpointStep } from './EndpointStep';
import { PlanStep } from './PlanStep';
import { DryRunStep, RunStep } from './RunSteps';
import { RunsList } from './RunsList';

const TITLES: Record<WizardStep, string> = {
  profile: '1 Profile',
  source: '2 Source',
  target: '3 Target',
  type: '4 Type and plan',
  'dry-run': '5 Dry run',
  run: '6 Run',
};

export function MigrationsView() {
  const client = useClient();
  const draft = useStore((s) => s.migrationDraft);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    if (client.store.getState().migrationProfiles.length > 0) return;
    client.migrations.loadProfiles().catch((e: Error) => setProblem(e.message));
  }, [client]);

  if (problem) {
    return (
      <section className="view" data-testid="view-migrations">
        <EmptyState tone="error" title="The migration services cannot be reached">
          {problem}. The console's migrations module answers these requests; a console started without it cannot migrate (otbridge migrate data does the same from the command line).
        </EmptyState>
      </section>
    );
  }

  return (
    <section className="view" data-testid="view-migrations">
      <nav className="wizard-steps" aria-label="wizard steps">
        {WIZARD_STEPS.map((step) => {
          const blocked = blockedAt(draft, step);
          return (
            <button
              key={step}
              type="button"
              className={`wizard-step${draft.step === step ? ' current' : ''}`}
              data-testid={`wizard-step-${step}`}
              aria-current={draft.step === step ? 'step' : undefined}
              disabled={blocked !== null}
              title={blocked ?? ''}
              onClick={() => client.store.getState().setWizardStep(step)}
            >
              {TITLES[step]}
            </button>
          );
        })}
        <span className="spacer" />
        <button type="button" className="btn small" data-testid="wizard-reset" onClick={() => client.store.getState().resetMigrationDraft()} title="start a new migration (runs stay listed below)">
          New migration
        </button>
      </nav>
      <div className="wizard-body">
        <CurrentStep step={draft.step} />
      </div>
      <RunsList />
    </section>
  );
}

function CurrentStep({ step }: { step: WizardStep }) {
  switch (step) {
    case 'profile':
      return <ProfileStep />;
    case 'source':
      return <EndpointStep role="source" />;
    case 'target':
      return <EndpointStep role="target" />;
    case 'type':
      return <PlanStep />;
    case 'dry-run':
      return <DryRunStep />;
    case 'run':
      return <RunStep />;
  }
}
