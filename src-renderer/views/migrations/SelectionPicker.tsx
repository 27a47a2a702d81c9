/**
 * What a selective run takes: whole tables, rows by a selector of the
 * profile (a guild's players, an account's characters …), or a SQL
 * condition on a table. Terms naming the same table add up (OR).
 */
import { useStore } from '../../store';
import { useClient } from '../../client/context';

export function SelectionPicker() {
  const client = useClient();
  const draft = useStore((s) => s.migrationDraft);
  const profile = draft.profileInfo!;
  const revise = client.store.getState().reviseMigrationDraft;
  const toggle = (table: string): void => revise({ tables: draft.tables.includes(table) ? draft.tables.filter((t) => t !== table) : [...draft.tables, table] });

  return (
    <div className="selection" data-testid="migrate-selection">
      <div>
        <h4>Whole tables</h4>
        <div className="table-picks">
          {profile.tables.map((t) => (
            <label key={t.source} className="check" title={t.source === t.target ? '' : `→ ${t.target}`}>
              <input type="checkbox" data-testid="migrate-table-check" data-table={t.source} checked={draft.tables.includes(t.source)} onChange={() => toggle(t.source)} /> {t.source}
            </label>
          ))}
        </div>
      </div>
      {profile.selectors.length > 0 && (
        <div>
          <h4>Rows by selector</h4>
          {profile.selectors.map((sel) => (
            <label key={sel.name} className="field wide">
              <span>
                {sel.name}: {sel.description} <span className="muted">({sel.tables.join(', ')})</span>
              </span>
              <input
                data-testid={`migrate-selector-${sel.name}`}
                placeholder="ids, e.g. 1, 2, 3"
                value={draft.selectors[sel.name] ?? ''}
                onChange={(e) => revise({ selectors: { ...draft.selectors, [sel.name]: e.target.value } })}
                spellCheck={false}
              />
            </label>
          ))}
        </div>
      )}
      <label className="field wide">
        <span>Conditions, one a line: table: SQL condition</span>
        <textarea data-testid="migrate-conditions" rows={2} placeholder="players: level > 100" value={draft.conditions} onChange={(e) => revise({ conditions: e.target.value })} spellCheck={false} />
      </label>
    </div>
  );
}
