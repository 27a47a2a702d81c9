/**
 * SELECTIVE runs: which tables and which rows. Each `--select` term is one of
 *
 *   tables=players,accounts     whole tables (source or target names)
 *   guild=1,2                   a selector of the profile with an id list:
 *                               its condition per table, other tables left out
 *   players:level > 100         a SQL condition on one source table
 *
 * Terms naming the same table are alternatives (OR); a table named by no
 * term is not migrated.
 */
import { type Profile } from './profile';
import { type SqlCondition } from './adapters/types';

export interface Selection {
  /** Source table → conditions (OR'ed); an empty list means the whole table. */
  readonly tables: ReadonlyMap<string, readonly SqlCondition[]>;
}

export class SelectionError extends Error {}

const ID = /^-?\d+$|^[\w.@-]+$/;

export function parseSelection(profile: Profile, terms: readonly string[]): Selection {
  const bySource = new Map(profile.tables.map((t) => [t.source, t]));
  const byTarget = new Map(profile.tables.map((t) => [t.target, t]));
  const tables = new Map<string, SqlCondition[] | 'all'>();
  const add = (table: string, cond: SqlCondition | 'all') => {
    const cur = tables.get(table);
    if (cond === 'all' || cur === 'all') tables.set(table, 'all');
    else tables.set(table, [...(cur ?? []), cond]);
  };
  for (const term of terms) {
    const colon = term.indexOf(':');
    const eq = term.indexOf('=');
    if (colon > 0 && (eq < 0 || colon < eq)) {
      const table = term.slice(0, colon).trim();
      const sql = term.slice(colon + 1).trim();
      const spec = bySource.get(table) ?? byTarget.get(table);
      if (!spec) throw new SelectionError(`--select ${term}: ${table} is not a table of profile ${profile.name}`);
      if (!sql) throw new SelectionError(`--select ${term}: empty condition`);
      add(spec.source, { sql, params: [] });
      continue;
    }
    if (eq <= 0) throw new SelectionError(`--select ${term}: expected tables=a,b or <selector>=ids or <table>:<SQL condition>`);
    const name = term.slice(0, eq).trim();
    const list = term
      .slice(eq + 1)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (!list.length) throw new SelectionError(`--select ${term}: empty list`);
    if (name === 'tables') {
      for (const t of list) {
        const spec = bySource.get(t) ?? byTarget.get(t);
        if (!spec) throw new SelectionError(`--select ${term}: ${t} is not a table of profile ${profile.name}`);
        add(spec.source, 'all');
      }
      continue;
    }
    const selector = profile.selectors[name];
    if (!selector) {
      const known = ['tables', ...Object.keys(profile.selectors)].join(', ');
      throw new SelectionError(`--select ${term}: profile ${profile.name} has no selector "${name}" (it has: ${known})`);
    }
    const bad = list.find((id) => !ID.test(id));
    if (bad) throw new SelectionError(`--select ${term}: "${bad}" is not an id`);
    const params = list.map((id) => (/^-?\d+$/.test(id) ? Number(id) : id));
    for (const [table, cond] of Object.entries(selector.tables)) {
      // Every :ids occurrence takes the whole list.
      const parts = cond.split(':ids');
      const sql = parts.join(params.map(() => '?').join(', '));
      add(table, { sql, params: Array.from({ length: parts.length - 1 }, () => params).flat() });
    }
  }
  const out = new Map<string, readonly SqlCondition[]>();
  for (const [t, c] of tables) out.set(t, c === 'all' ? [] : c);
  return { tables: out };
}

/** The OR of a table's selection conditions as one condition (none for a whole table). */
export function selectionCondition(conds: readonly SqlCondition[]): SqlCondition | undefined {
  if (!conds.length) return undefined;
  if (conds.length === 1) return conds[0];
  return { sql: conds.map((c) => `(${c.sql})`).join(' OR '), params: conds.flatMap((c) => c.params) };
}
