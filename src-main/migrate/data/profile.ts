/**
 * A data migration profile: which source tables go to which target tables,
 * column by column, with named transforms, defaults, filters and the rules
 * every target row must pass. Profiles are JSON so admins can write their
 * own; `parseProfile` checks one completely and reports every problem with
 * its JSON path rather than failing later in the middle of a run.
 */
import { COLUMN_TYPES, type ColumnType } from './values';
import { TRANSFORMS } from './transforms';

export type Scalar = string | number | boolean | null;

export interface ColumnSpec {
  readonly type: ColumnType;
  /** Source column(s) fed to the transform. Default: the target column's own name (unless `value` is set). */
  readonly from?: string | readonly string[];
  /** A named transform (see transforms.ts); default: the first source column as it is. */
  readonly transform?: string;
  readonly args?: unknown;
  /** A constant: the column has no source. */
  readonly value?: Scalar;
  /** What a NULL becomes. */
  readonly default?: Scalar;
  /** NULL allowed in the target (default false: a NULL without default is rejected). */
  readonly nullable?: boolean;
  /** Inclusive bounds for numbers; strings hold integers beyond 2^53. */
  readonly min?: number | string;
  readonly max?: number | string;
  /** Characters for text, bytes for blobs. */
  readonly maxLength?: number;
  readonly enum?: readonly (string | number)[];
  readonly pattern?: string;
  readonly notEmpty?: boolean;
  /** Added to the reason when this column's rule fails: what to do about it. */
  readonly hint?: string;
}

/**
 * key: rows whose `column` (an increasing id) passed the last run's highest;
 * updated: rows whose `column` (a change time) is at or after the last run's
 * highest, plus, with `newKey`, rows whose id passed the last run's highest
 * (new rows that have no change time yet);
 * via: rows belonging to a parent row that moved (a player's items).
 */
export type IncrementalSpec =
  | { readonly mode: 'key'; readonly column: string }
  | { readonly mode: 'updated'; readonly column: string; readonly newKey?: string }
  | { readonly mode: 'via'; readonly table: string; readonly column: string; readonly parentColumn: string };

export interface TriggerRowsSpec {
  readonly table: string;
  readonly id: string;
  readonly parent: string;
}

export interface TableSpec {
  readonly source: string;
  readonly target: string;
  /** Target columns unique in the target: the upsert key (write 'upsert'). */
  readonly key: readonly string[];
  /** Source columns giving a stable scan order, used to resume. Default: `key` (or the group's source column). */
  readonly order?: readonly string[];
  /**
   * 'upsert': insert or update by key. 'replace': rows belong to groups (a
   * player's items); a batch deletes its groups in the target and inserts
   * them whole, so rows removed in the source disappear and tables with no
   * unique key still migrate idempotently.
   */
  readonly write?: 'upsert' | 'replace';
  /** For 'replace': the target column naming the group (its source column is its `from`). */
  readonly group?: string;
  /** SQL condition on the source table, always applied. */
  readonly filter?: string;
  readonly incremental?: IncrementalSpec;
  /** Rows a target trigger adds elsewhere for each new row, removed after each batch. */
  readonly triggerRows?: readonly TriggerRowsSpec[];
  /** Source columns knowingly not carried over, with why. */
  readonly drop?: Readonly<Record<string, string>>;
  readonly columns: Readonly<Record<string, ColumnSpec>>;
}

export interface OptionSpec {
  readonly description: string;
  readonly default: Scalar;
  readonly values?: readonly Scalar[];
}

export interface SelectorSpec {
  readonly description: string;
  /** Source table → SQL condition with `:ids` for the chosen id list. Tables not named are not migrated. */
  readonly tables: Readonly<Record<string, string>>;
}

export interface SetConfigSpec {
  readonly table: string;
  readonly keyColumn: string;
  readonly valueColumn: string;
  readonly key: string;
  readonly value: string;
  readonly warning: string;
}

export interface Profile {
  readonly name: string;
  readonly description: string;
  readonly source: { readonly name: string; readonly upstream?: string };
  readonly target: { readonly name: string; readonly upstream?: string };
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly tables: readonly TableSpec[];
  /** Source tables deliberately not migrated → why. Any other unmapped source table is reported. */
  readonly ignore: Readonly<Record<string, string>>;
  readonly selectors: Readonly<Record<string, SelectorSpec>>;
  readonly finalize: { readonly setConfig: readonly SetConfigSpec[] };
}

export class ProfileError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`bad migration profile:\n  ${problems.join('\n  ')}`);
  }
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const COLUMN_KEYS = new Set(['type', 'from', 'transform', 'args', 'value', 'default', 'nullable', 'min', 'max', 'maxLength', 'enum', 'pattern', 'notEmpty', 'hint']);
const TABLE_KEYS = new Set(['source', 'target', 'key', 'order', 'write', 'group', 'filter', 'incremental', 'triggerRows', 'drop', 'columns']);
const PROFILE_KEYS = new Set(['$schema', 'name', 'description', 'source', 'target', 'options', 'tables', 'ignore', 'selectors', 'finalize']);

/** Checks a parsed JSON value and returns it as a Profile, or throws a ProfileError listing every problem. */
export function parseProfile(json: unknown): Profile {
  const p: string[] = [];
  const obj = (v: unknown, at: string): Record<string, unknown> | undefined => {
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    p.push(`${at}: expected an object`);
    return undefined;
  };
  const str = (v: unknown, at: string, ident = false): v is string => {
    if (typeof v === 'string' && v !== '' && (!ident || IDENT.test(v))) return true;
    p.push(`${at}: expected ${ident ? 'an identifier (letters, digits, _)' : 'a non-empty string'}, got ${JSON.stringify(v)}`);
    return false;
  };
  const idents = (v: unknown, at: string): v is string[] => {
    if (Array.isArray(v) && v.length > 0) return v.every((x, i) => str(x, `${at}[${i}]`, true));
    p.push(`${at}: expected a non-empty list of column names`);
    return false;
  };
  const unknownKeys = (o: Record<string, unknown>, allowed: Set<string>, at: string) => {
    for (const k of Object.keys(o)) if (!allowed.has(k)) p.push(`${at}.${k}: unknown field`);
  };

  const root = obj(json, '$');
  if (!root) throw new ProfileError(p);
  unknownKeys(root, PROFILE_KEYS, '$');
  str(root.name, '$.name');
  if (root.description !== undefined && typeof root.description !== 'string') p.push('$.description: expected a string');
  for (const side of ['source', 'target'] as const) {
    const s = obj(root[side], `$.${side}`);
    if (s) str(s.name, `$.${side}.name`);
  }
  const options = root.options === undefined ? {} : (obj(root.options, '$.options') ?? {});
  for (const [name, o] of Object.entries(options)) {
    const at = `$.options.${name}`;
    const spec = obj(o, at);
    if (!spec) continue;
    if (!('default' in spec)) p.push(`${at}.default: required`);
    if (spec.values !== undefined && (!Array.isArray(spec.values) || !spec.values.includes(spec.default))) p.push(`${at}.values: must be a list that includes the default`);
  }

  const targets = new Set<string>();
  const sources = new Set<string>();
  if (!Array.isArray(root.tables) || root.tables.length === 0) p.push('$.tables: expected a non-empty list');
  else root.tables.forEach((t, i) => checkTable(t, `$.tables[${i}]`));

  function checkTable(t: unknown, at: string): void {
    const table = obj(t, at);
    if (!table) return;
    unknownKeys(table, TABLE_KEYS, at);
    if (str(table.source, `${at}.source`, true)) {
      if (sources.has(table.source)) p.push(`${at}.source: ${table.source} is mapped twice`);
      sources.add(table.source);
    }
    if (str(table.target, `${at}.target`, true)) targets.add(table.target);
    const columns = obj(table.columns, `${at}.columns`) ?? {};
    if (Object.keys(columns).length === 0) p.push(`${at}.columns: no columns`);
    for (const [name, c] of Object.entries(columns)) {
      if (!IDENT.test(name)) p.push(`${at}.columns: "${name}" is not a column name`);
      checkColumn(c, `${at}.columns.${name}`);
    }
    const write = table.write ?? 'upsert';
    if (write !== 'upsert' && write !== 'replace') p.push(`${at}.write: expected "upsert" or "replace"`);
    if (idents(table.key, `${at}.key`)) for (const k of table.key) if (!(k in columns)) p.push(`${at}.key: ${k} is not one of its columns`);
    if (write === 'replace') {
      if (!str(table.group, `${at}.group`, true)) return;
      const g = columns[table.group];
      if (!g) p.push(`${at}.group: ${table.group} is not one of its columns`);
      else if (typeof g === 'object' && ((g as ColumnSpec).transform || Array.isArray((g as ColumnSpec).from) || 'value' in g))
        p.push(`${at}.group: the group column must be copied from one source column, without a transform`);
    } else if (table.group !== undefined) p.push(`${at}.group: only for write "replace"`);
    if (table.order !== undefined) idents(table.order, `${at}.order`);
    if (table.filter !== undefined) str(table.filter, `${at}.filter`);
    if (table.drop !== undefined) for (const [c, why] of Object.entries(obj(table.drop, `${at}.drop`) ?? {})) str(why, `${at}.drop.${c}`);
    if (table.incremental !== undefined) {
      const inc = obj(table.incremental, `${at}.incremental`);
      if (inc) {
        if (inc.mode === 'key' || inc.mode === 'updated') {
          str(inc.column, `${at}.incremental.column`, true);
          if (inc.newKey !== undefined && (inc.mode !== 'updated' || str(inc.newKey, `${at}.incremental.newKey`, true)) && inc.mode !== 'updated')
            p.push(`${at}.incremental.newKey: only for mode "updated"`);
        }
        else if (inc.mode === 'via') {
          str(inc.table, `${at}.incremental.table`, true);
          str(inc.column, `${at}.incremental.column`, true);
          str(inc.parentColumn, `${at}.incremental.parentColumn`, true);
        } else p.push(`${at}.incremental.mode: expected "key", "updated" or "via"`);
      }
    }
    if (table.triggerRows !== undefined) {
      if (!Array.isArray(table.triggerRows)) p.push(`${at}.triggerRows: expected a list`);
      else
        table.triggerRows.forEach((tr, j) => {
          const o = obj(tr, `${at}.triggerRows[${j}]`);
          if (o) for (const f of ['table', 'id', 'parent']) str(o[f], `${at}.triggerRows[${j}].${f}`, true);
        });
    }
  }

  function checkColumn(c: unknown, at: string): void {
    if (typeof c === 'string') {
      if (!COLUMN_TYPES.includes(c as ColumnType)) p.push(`${at}: "${c}" is not a type (${COLUMN_TYPES.join(', ')})`);
      return;
    }
    const col = obj(c, at);
    if (!col) return;
    unknownKeys(col, COLUMN_KEYS, at);
    if (!COLUMN_TYPES.includes(col.type as ColumnType)) p.push(`${at}.type: expected one of ${COLUMN_TYPES.join(', ')}`);
    if (col.from !== undefined && !(typeof col.from === 'string' ? str(col.from, `${at}.from`, true) : idents(col.from, `${at}.from`))) return;
    if (col.transform !== undefined && str(col.transform, `${at}.transform`)) {
      const t = TRANSFORMS[col.transform];
      if (!t) p.push(`${at}.transform: unknown transform "${col.transform}" (known: ${Object.keys(TRANSFORMS).join(', ')})`);
      else {
        const problem = t.checkArgs?.(col.args);
        if (problem) p.push(`${at}.args: ${problem}`);
      }
    }
    if ('value' in col && (col.from !== undefined || col.transform !== undefined)) p.push(`${at}: "value" is a constant; it excludes "from" and "transform"`);
    for (const f of ['min', 'max'] as const)
      if (col[f] !== undefined && typeof col[f] !== 'number' && !(typeof col[f] === 'string' && /^-?\d+$/.test(col[f]))) p.push(`${at}.${f}: expected a number`);
    if (col.maxLength !== undefined && !(Number.isInteger(col.maxLength) && (col.maxLength as number) >= 0)) p.push(`${at}.maxLength: expected an integer ≥ 0`);
    if (col.enum !== undefined && !Array.isArray(col.enum)) p.push(`${at}.enum: expected a list`);
    if (col.pattern !== undefined && str(col.pattern, `${at}.pattern`)) {
      try {
        new RegExp(col.pattern);
      } catch (e) {
        p.push(`${at}.pattern: ${(e as Error).message}`);
      }
    }
  }

  const ignore = root.ignore === undefined ? {} : (obj(root.ignore, '$.ignore') ?? {});
  for (const [t, why] of Object.entries(ignore)) {
    str(why, `$.ignore.${t}`);
    if (sources.has(t)) p.push(`$.ignore.${t}: the table is also mapped`);
  }
  const selectors = root.selectors === undefined ? {} : (obj(root.selectors, '$.selectors') ?? {});
  for (const [name, s] of Object.entries(selectors)) {
    const sel = obj(s, `$.selectors.${name}`);
    const tables = sel && obj(sel.tables, `$.selectors.${name}.tables`);
    if (!tables) continue;
    for (const [t, cond] of Object.entries(tables)) {
      if (!sources.has(t)) p.push(`$.selectors.${name}.tables.${t}: not a mapped source table`);
      if (str(cond, `$.selectors.${name}.tables.${t}`) && !cond.includes(':ids')) p.push(`$.selectors.${name}.tables.${t}: the condition must use :ids`);
    }
  }
  const finalize = root.finalize === undefined ? {} : (obj(root.finalize, '$.finalize') ?? {});
  const setConfig = finalize.setConfig ?? [];
  if (!Array.isArray(setConfig)) p.push('$.finalize.setConfig: expected a list');
  else
    setConfig.forEach((s, i) => {
      const o = obj(s, `$.finalize.setConfig[${i}]`);
      if (!o) return;
      for (const f of ['table', 'keyColumn', 'valueColumn'] as const) str(o[f], `$.finalize.setConfig[${i}].${f}`, true);
      for (const f of ['key', 'value', 'warning'] as const) str(o[f], `$.finalize.setConfig[${i}].${f}`);
    });

  if (p.length) throw new ProfileError(p);
  return normalise(root);
}

/** Expands shorthands ("int" for a column; a string `from`) so the engine sees one shape. */
function normalise(root: Record<string, unknown>): Profile {
  const r = root as unknown as Profile & { tables: (TableSpec & { columns: Record<string, ColumnSpec | ColumnType> })[] };
  return {
    name: r.name,
    description: r.description ?? '',
    source: r.source,
    target: r.target,
    options: r.options ?? {},
    ignore: r.ignore ?? {},
    selectors: r.selectors ?? {},
    finalize: { setConfig: r.finalize?.setConfig ?? [] },
    tables: r.tables.map((t) => ({
      ...t,
      write: t.write ?? 'upsert',
      columns: Object.fromEntries(Object.entries(t.columns).map(([name, c]) => [name, typeof c === 'string' ? { type: c } : c])),
    })),
  };
}

/** The source columns a column spec reads ([] for a constant). */
export function sourcesOf(name: string, c: ColumnSpec): string[] {
  if ('value' in c && c.value !== undefined) return [];
  if (c.from === undefined) return c.transform && TRANSFORMS[c.transform]?.noSource ? [] : [name];
  return typeof c.from === 'string' ? [c.from] : [...c.from];
}

/** The source column holding a 'replace' table's group. */
export function groupSourceColumn(t: TableSpec): string | undefined {
  if (t.write !== 'replace' || !t.group) return undefined;
  return sourcesOf(t.group, t.columns[t.group]!)[0];
}

/** Source scan order: explicit, else the group's source column, else the key's source columns. */
export function orderOf(t: TableSpec): string[] {
  if (t.order) return [...t.order];
  const g = groupSourceColumn(t);
  if (g) return [g];
  return t.key.map((k) => sourcesOf(k, t.columns[k]!)[0] ?? k);
}

/** Values of profile options: defaults overridden by the caller, checked against the allowed values. */
export function resolveOptions(profile: Profile, given: Readonly<Record<string, string>>): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  for (const [name, spec] of Object.entries(profile.options)) out[name] = spec.default;
  for (const [name, raw] of Object.entries(given)) {
    const spec = profile.options[name];
    if (!spec) throw new ProfileError([`option ${name}: the profile has no such option (it has: ${Object.keys(profile.options).join(', ') || 'none'})`]);
    const value: Scalar = typeof spec.default === 'number' ? Number(raw) : typeof spec.default === 'boolean' ? raw === 'true' : raw;
    if (spec.values && !spec.values.includes(value)) throw new ProfileError([`option ${name}: ${raw} is not one of ${spec.values.join(', ')}`]);
    out[name] = value;
  }
  return out;
}
