/**
 * Turns one table spec into a row function: source row in, target values
 * (in target column order) out, or every reason the row cannot go. Built
 * once per table; the per-row work is a loop over precompiled closures.
 */
import { type ColumnSpec, type TableSpec, sourcesOf } from './profile';
import { TRANSFORMS, type TransformContext, type TransformFn } from './transforms';
import { coerce, type ColumnType, type SourceRow, type Value } from './values';

export type MapResult = { readonly values: Value[]; readonly reasons?: undefined } | { readonly values?: undefined; readonly reasons: string[] };

export interface TableMapper {
  readonly spec: TableSpec;
  readonly targetColumns: readonly string[];
  readonly types: readonly ColumnType[];
  /** The source columns rows arrive with (`select` order). */
  readonly sourceColumns: readonly string[];
  /** Indexes of the key columns in targetColumns. */
  readonly keyIndexes: readonly number[];
  map(row: SourceRow): MapResult;
}

type Check = (v: Value) => string | undefined;

/** Every source column a table spec reads, in first-use order. */
export function sourceColumnsOf(spec: TableSpec): string[] {
  const out = new Set<string>();
  for (const [name, c] of Object.entries(spec.columns)) for (const s of sourcesOf(name, c)) out.add(s);
  return [...out];
}

/** `select`: the columns source rows will carry, in order (must include sourceColumnsOf(spec)). */
export function compileTable(spec: TableSpec, ctx: TransformContext, select: readonly string[] = sourceColumnsOf(spec)): TableMapper {
  const targetColumns = Object.keys(spec.columns);
  const index = (col: string) => {
    const i = select.indexOf(col);
    if (i < 0) throw new Error(`${spec.source}: column ${col} is not among the columns read`);
    return i;
  };
  const steps = targetColumns.map((name) => {
    const c = spec.columns[name]!;
    const from = sourcesOf(name, c).map(index);
    return { name, c, get: getter(c, from, ctx), checks: checksFor(c), fast: fastPath(c, from) };
  });
  const types = steps.map((s) => s.c.type);

  return {
    spec,
    targetColumns,
    types,
    sourceColumns: select,
    keyIndexes: spec.key.map((k) => targetColumns.indexOf(k)),
    map(row) {
      const values: Value[] = new Array(steps.length);
      let reasons: string[] | undefined;
      for (let i = 0; i < steps.length; i++) {
        const s = steps[i]!;
        if (s.fast) {
          const v = s.fast(row);
          if (v !== undefined) {
            values[i] = v;
            continue;
          }
        }
        let raw: unknown;
        try {
          raw = s.get(row);
        } catch (e) {
          (reasons ??= []).push(`${s.name}: transform failed: ${(e as Error).message}`);
          continue;
        }
        if (raw instanceof Error) {
          (reasons ??= []).push(`${s.name}: ${raw.message}`);
          continue;
        }
        if (raw == null && s.c.default !== undefined) raw = s.c.default;
        const v = coerce(raw, s.c.type);
        if (v instanceof Error) {
          (reasons ??= []).push(`${s.name}: ${v.message}`);
          continue;
        }
        for (const check of s.checks) {
          const problem = check(v);
          if (problem) (reasons ??= []).push(`${s.name}: ${problem}${s.c.hint ? ` (${s.c.hint})` : ''}`);
        }
        values[i] = v;
      }
      return reasons ? { reasons } : { values };
    },
  };
}

function getter(c: ColumnSpec, from: readonly number[], ctx: TransformContext): (row: SourceRow) => unknown {
  if ('value' in c && c.value !== undefined) {
    const constant = c.value;
    return () => constant;
  }
  const fn: TransformFn | undefined = c.transform ? TRANSFORMS[c.transform]!.make(c.args) : undefined;
  if (!fn) {
    const i = from[0]!;
    return (row) => row[i];
  }
  if (from.length === 1) {
    const i = from[0]!;
    return (row) => fn([row[i]], ctx);
  }
  return (row) => fn(from.map((f) => row[f]), ctx);
}

/**
 * The common case without the general machinery: a plain copy of a value
 * that already has the target's type and plainly passes the rules. Returns
 * undefined whenever that is not certain, and the general path then decides
 * (and words the reason). Halves the mapper's time on player rows
 * (bench:migrate, "transform + validation alone").
 */
function fastPath(c: ColumnSpec, from: readonly number[]): ((row: SourceRow) => Value | undefined) | undefined {
  if (c.transform || ('value' in c && c.value !== undefined) || from.length !== 1 || c.enum || c.pattern) return undefined;
  const i = from[0]!;
  if (c.type === 'int') {
    const min = c.min === undefined ? -Infinity : Number(c.min);
    const max = c.max === undefined ? Infinity : Number(c.max);
    const lo = Math.max(min, Number.MIN_SAFE_INTEGER);
    const hi = Math.min(max, Number.MAX_SAFE_INTEGER);
    return (row) => {
      const v = row[i];
      return typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi ? v : undefined;
    };
  }
  if (c.type === 'text') {
    const max = c.maxLength ?? Infinity;
    const notEmpty = c.notEmpty === true;
    // Length in UTF-16 units ≤ max guarantees code points ≤ max; longer strings take the general path.
    return (row) => {
      const v = row[i];
      return typeof v === 'string' && v.length <= max && (!notEmpty || v.trim() !== '') ? v : undefined;
    };
  }
  if (c.type === 'blob') {
    const max = c.maxLength ?? Infinity;
    const notEmpty = c.notEmpty === true;
    return (row) => {
      const v = row[i];
      return v instanceof Uint8Array && v.byteLength <= max && (!notEmpty || v.byteLength > 0) ? v : undefined;
    };
  }
  return undefined;
}

function checksFor(c: ColumnSpec): Check[] {
  const checks: Check[] = [];
  if (!c.nullable) checks.push((v) => (v === null ? 'NULL where the target needs a value' : undefined));
  if (c.min !== undefined || c.max !== undefined) {
    const min = c.min === undefined ? undefined : BigInt(c.min);
    const max = c.max === undefined ? undefined : BigInt(c.max);
    // Numbers compare with the bounds as numbers: a bound beyond 2^53 rounds, but no number
    // value (coerce keeps those as BigInt) comes near it. Only BigInts pay for BigInt compares.
    const minN = min === undefined ? -Infinity : Number(min);
    const maxN = max === undefined ? Infinity : Number(max);
    checks.push((v) => {
      if (typeof v === 'number') {
        if (v < minN) return `${v} is below the minimum ${min}`;
        if (v > maxN) return `${v} is above the maximum ${max}`;
        return undefined;
      }
      if (typeof v !== 'bigint') return undefined;
      if (min !== undefined && v < min) return `${v} is below the minimum ${min}`;
      if (max !== undefined && v > max) return `${v} is above the maximum ${max}`;
      return undefined;
    });
  }
  if (c.maxLength !== undefined) {
    const max = c.maxLength;
    checks.push((v) => {
      if (typeof v === 'string') {
        // Characters as the database counts them (code points), not UTF-16 units.
        const n = v.length <= max ? v.length : [...v].length;
        return n > max ? `${n} characters, longer than ${max}` : undefined;
      }
      if (v instanceof Uint8Array && v.byteLength > max) return `${v.byteLength} bytes, longer than ${max}`;
      return undefined;
    });
  }
  if (c.notEmpty) checks.push((v) => (typeof v === 'string' && v.trim() === '' ? 'empty' : v instanceof Uint8Array && v.byteLength === 0 ? 'empty' : undefined));
  if (c.enum) {
    const allowed = new Set(c.enum.map(String));
    checks.push((v) => (v === null || allowed.has(String(v)) ? undefined : `${String(v)} is not one of ${c.enum!.join(', ')}`));
  }
  if (c.pattern) {
    const re = new RegExp(c.pattern, 'u');
    checks.push((v) => (typeof v === 'string' && !re.test(v) ? `does not match ${c.pattern}` : undefined));
  }
  return checks;
}
