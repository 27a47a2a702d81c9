/**
 * The pre-flight: before a row moves, compare the profile with the real
 * source and target, and decide per table what to read. Problems that would
 * lose data (a mapped column missing on either side, SQL filters on an NDJSON
 * source) are errors; anything the admin should know (tables the profile does
 * not know, source columns not carried over, a non-empty target) is a
 * warning — reported, never silently ignored.
 */
import { compileTable, sourceColumnsOf, type TableMapper } from './mapper';
import { groupSourceColumn, orderOf, type IncrementalSpec, type Profile, type Scalar, type TableSpec } from './profile';
import { selectionCondition, type Selection } from './selection';
import { type Watermark, type RunType } from './checkpoint';
import { type Source, type SqlCondition, type Target } from './adapters/types';
import { fromJsonValue, intCompare, toJsonValue, type SourceRow, type Value } from './values';

export interface TablePlan {
  readonly spec: TableSpec;
  readonly mapper: TableMapper;
  /** Columns to read: what the mapping needs plus order and incremental columns. */
  readonly select: readonly string[];
  readonly order: readonly string[];
  /** Source column of a 'replace' table's group. */
  readonly groupColumn?: string;
  readonly where: readonly SqlCondition[];
  /** For sources without SQL: the incremental condition as a predicate. */
  readonly predicate?: (row: SourceRow) => boolean;
  /** Columns whose highest values become this table's next watermark (incremental 'key'/'updated'). */
  readonly watermarkColumns?: readonly string[];
  /** Rows the source holds under `where` (for progress and ETA). */
  readonly estimate: number;
  readonly targetRowsBefore: number;
}

export interface Plan {
  readonly tables: readonly TablePlan[];
  readonly warnings: readonly string[];
  readonly errors: readonly string[];
  /** Source tables neither mapped nor ignored by the profile. */
  readonly unknownTables: readonly string[];
}

export interface PlanInput {
  readonly profile: Profile;
  readonly source: Source;
  readonly target: Target;
  readonly type: RunType;
  readonly selection?: Selection;
  readonly watermarks: Readonly<Record<string, Watermark>>;
  readonly now: number;
  readonly options: Readonly<Record<string, Scalar>>;
}

export async function makePlan(input: PlanInput): Promise<Plan> {
  const { profile, source, target, type } = input;
  const warnings: string[] = [];
  const errors: string[] = [];
  const sourceTables = new Set(await source.tables());
  const targetTables = target.kind === 'ndjson' ? undefined : new Set(await target.tables());
  const ctx = { now: input.now, options: input.options };

  const mapped = new Set(profile.tables.map((t) => t.source));
  const unknownTables = [...sourceTables].filter((t) => !mapped.has(t) && !(t in profile.ignore)).sort();
  if (unknownTables.length)
    warnings.push(`source tables this profile does not know, NOT migrated: ${unknownTables.join(', ')} (add them to a profile of your own to move them)`);
  const ignored = Object.keys(profile.ignore).filter((t) => sourceTables.has(t));
  for (const t of ignored) warnings.push(`source table ${t} is not migrated: ${profile.ignore[t]}`);

  if (type === 'selective' && !input.selection) errors.push('a selective run needs at least one --select');
  const tables: TablePlan[] = [];
  for (const spec of profile.tables) {
    const chosen = input.selection?.tables.get(spec.source);
    if (type === 'selective' && input.selection && chosen === undefined) continue;
    if (!sourceTables.has(spec.source)) {
      warnings.push(`the source has no table ${spec.source}: nothing to migrate into ${spec.target}`);
      continue;
    }
    const order = orderOf(spec);
    const groupColumn = groupSourceColumn(spec);
    const select = new Set([...sourceColumnsOf(spec), ...order]);

    const where: SqlCondition[] = [];
    let predicate: ((row: SourceRow) => boolean) | undefined;
    let watermarkColumns: string[] | undefined;
    if (spec.filter) where.push({ sql: spec.filter, params: [] });
    const sel = chosen && selectionCondition(chosen);
    if (sel) where.push(sel);

    const inc = spec.incremental;
    // Full runs record the marks too, so an incremental run can follow; a selective run saw only part of the table.
    if (inc && inc.mode !== 'via' && type !== 'selective') {
      watermarkColumns = inc.mode === 'updated' && inc.newKey ? [inc.column, inc.newKey] : [inc.column];
      watermarkColumns.forEach((c) => select.add(c));
    }
    if (type === 'incremental') {
      if (!inc) warnings.push(`${spec.source} has no change marker: an incremental run copies it whole (idempotently)`);
      else if (inc.mode === 'via') {
        const parent = profile.tables.find((t) => t.source === inc.table);
        const pInc = parent?.incremental;
        const mark = input.watermarks[inc.table];
        if (!parent || !pInc || pInc.mode === 'via') errors.push(`${spec.source}: incremental "via" ${inc.table}, which has no key/updated marker`);
        else if (mark) {
          const cond = incrementalCondition(pInc, mark);
          if (cond) where.push({ sql: `${inc.column} IN (SELECT ${inc.parentColumn} FROM ${inc.table} WHERE ${cond.sql})`, params: cond.params });
        }
      } else {
        const mark = input.watermarks[spec.source];
        const cond = mark && incrementalCondition(inc, mark);
        if (cond && source.sql) where.push(cond);
        else if (mark && cond) predicate = incrementalPredicate(inc, mark, [...select]);
      }
    }

    if (!source.sql && where.length) {
      errors.push(`${spec.source}: SQL conditions (filter, --select, incremental "via") need a SQL source, not NDJSON files`);
      continue;
    }

    const cols = await source.columns(spec.source);
    if (cols) {
      const have = new Set(cols);
      const missing = [...select].filter((c) => !have.has(c));
      if (missing.length && (source.kind !== 'ndjson' || cols.length)) errors.push(`source table ${spec.source} lacks column(s) ${missing.join(', ')} that the profile reads`);
      const dropped = cols.filter((c) => !select.has(c) && !(spec.drop && c in spec.drop));
      if (dropped.length) warnings.push(`${spec.source}: source column(s) ${dropped.join(', ')} are not carried over to ${spec.target} (not in the profile)`);
    }
    const mapper = compileTable(spec, ctx, [...select]);
    let targetRowsBefore = 0;
    if (targetTables) {
      if (!targetTables.has(spec.target)) {
        errors.push(`the target has no table ${spec.target} (create the target's schema first, e.g. Canary's schema.sql)`);
        continue;
      }
      const tcols = new Set((await target.columns(spec.target)) ?? []);
      const missing = mapper.targetColumns.filter((c) => !tcols.has(c));
      if (missing.length) errors.push(`target table ${spec.target} lacks column(s) ${missing.join(', ')}`);
      for (const tr of spec.triggerRows ?? []) if (!targetTables.has(tr.table)) errors.push(`${spec.target}.triggerRows: the target has no table ${tr.table}`);
      targetRowsBefore = await target.count(spec.target);
      if (targetRowsBefore > 0 && type === 'full')
        warnings.push(`target table ${spec.target} already holds ${targetRowsBefore} row(s): rows with the same key are replaced, others stay (verification will list them)`);
    }
    const estimate = source.sql ? await source.count(spec.source, where) : await source.count(spec.source, []);
    tables.push({
      spec,
      mapper,
      select: [...select],
      order,
      ...(groupColumn ? { groupColumn } : {}),
      where,
      ...(predicate ? { predicate } : {}),
      ...(watermarkColumns ? { watermarkColumns } : {}),
      estimate,
      targetRowsBefore,
    });
  }
  // The values set at the end (server_config.db_version) need their table too: find out now, not after the last batch.
  for (const c of profile.finalize.setConfig) {
    if (!targetTables || targetTables.has(c.table)) continue;
    errors.push(`the target has no table ${c.table}, where the run sets ${c.key} = ${c.value} at the end (create the target's schema first)`);
  }
  if (!tables.length && !errors.length) errors.push('nothing to migrate: no mapped table is present in the source (or selected)');
  return { tables, warnings, errors, unknownTables };
}

type Marked = Extract<IncrementalSpec, { mode: 'key' | 'updated' }>;

/**
 * The incremental condition from a watermark, or undefined when the watermark
 * does not cover the column (first run, or the profile changed): copy all.
 * 'updated' uses ≥: rows changed within the same second as the last run's
 * newest one are copied again rather than missed.
 */
function incrementalCondition(inc: Marked, mark: Watermark): SqlCondition | undefined {
  if (!(inc.column in mark)) return undefined;
  const main = { sql: `${inc.column} ${inc.mode === 'key' ? '>' : '>='} ?`, params: [decode(mark[inc.column])] };
  if (inc.mode !== 'updated' || !inc.newKey || !(inc.newKey in mark)) return main;
  return { sql: `${main.sql} OR ${inc.newKey} > ?`, params: [...main.params, decode(mark[inc.newKey])] };
}

function incrementalPredicate(inc: Marked, mark: Watermark, select: readonly string[]): (row: SourceRow) => boolean {
  const after = (column: string, strict: boolean) => {
    const m = decode(mark[column]);
    const i = select.indexOf(column);
    return (row: SourceRow) => {
      const v = row[i];
      if (v == null) return false;
      const c = compareValues(v, m);
      return strict ? c > 0 : c >= 0;
    };
  };
  const main = after(inc.column, inc.mode === 'key');
  if (inc.mode !== 'updated' || !inc.newKey || !(inc.newKey in mark)) return main;
  const fresh = after(inc.newKey, true);
  return (row: SourceRow) => main(row) || fresh(row);
}

/** Orders two values: numerically for numbers, else as text. */
export function compareValues(a: Value, b: Value): number {
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) return intCompare(a, b);
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A comparable text for a row's order values (consecutive equal keys are duplicates: the scan is ordered). */
export function orderKey(row: SourceRow, orderAt: readonly number[]): string {
  if (orderAt.length === 1) {
    const v = row[orderAt[0]!];
    return typeof v === 'string' ? `s${v}` : `v${String(v)}`;
  }
  return JSON.stringify(orderAt.map((i) => toJsonValue(row[i] ?? null)));
}

export function decode(json: unknown): Value {
  const v = fromJsonValue(json);
  if (v instanceof Error) throw v;
  return v;
}
