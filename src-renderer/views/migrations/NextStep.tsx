import { useStore } from '../../store';
import { useClient } from '../../client/context';
import { blockedAt, type WizardStep } from '../../store/migration-draft';

/** "Next" at the end of a step: disabled with the reason while the step is not done. */
export function NextStep({ to, label }: { to: WizardStep; label: string }) {
  const client = useClient();
  const blocked = useStore((s) => blockedAt(s.migrationDraft, to));
  return (
    <div className="form-actions wizard-next">
      <button type="button" className="btn primary" data-testid="wizard-next" disabled={blocked !== null} onClick={() => client.store.getState().setWizardStep(to)}>
        {label} →
      </button>
      {blocked && <span className="muted">{blocked}</span>}
    </div>
  );
}
