/**
 * Turns one table spec into a row function: source row in, target values
 * (in target column order) out, or every reason the row cannot go. Built
 * once per table; the per-row work is a loop over precompiled closures.
 */
import { type ColumnSpec, type TableSpec, sourcesOf } from './profile';
import { TRANSFORMS, type TransformContext, type TransformFn } from './transforms';
import { coerce, type ColumnType, type Row, type Value } from './values';

export type MapResult = { readonly values: Value[]; readonly reasons?: undefined } | { readonly values?: undefined; readonly reasons: string[] };

export interface TableMapper {
  readonly spec: TableSpec;
  readonly targetColumns: readonly string[];
  readonly types: readonly ColumnType[];
  /** Every source column the mapping reads. */
  readonly sourceColumns: readonly string[];
  /** Indexes of the key columns in targetColumns. */
  readonly keyIndexes: readonly number[];
  map(row: Row): MapResult;
}

type Check = (v: Value) => string | undefined;

export function compileTable(spec: TableSpec, ctx: TransformContext): TableMapper {
  const targetColumns = Object.keys(spec.columns);
  const sourceColumns = new Set<string>();
  const steps = targetColumns.map((name) => {
    const c = spec.columns[name]!;
    const from = sourcesOf(name, c);
    from.forEach((s) => sourceColumns.add(s));
    return { name, c, get: getter(c, from, ctx), checks: checksFor(c) };
  });
  const types = steps.map((s) => s.c.type);

  return {
    spec,
    targetColumns,
    types,
    sourceColumns: [...sourceColumns],
    keyIndexes: spec.key.map((k) => targetColumns.indexOf(k)),
    map(row) {
      const values: Value[] = new Array(steps.length);
      let reasons: string[] | undefined;
      for (let i = 0; i < steps.length; i++) {
        const s = steps[i]!;
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

function getter(c: ColumnSpec, from: readonly string[], ctx: TransformContext): (row: Row) => unknown {
  if ('value' in c && c.value !== undefined) {
    const constant = c.value;
    return () => constant;
  }
  if (!c.transform) {
    const col = from[0]!;
    return (row) => row[col];
  }
  const fn: TransformFn = TRANSFORMS[c.transform]!.make(c.args);
  if (from.length === 1) {
    const col = from[0]!;
    return (row) => fn([row[col]], ctx);
  }
  return (row) => fn(from.map((f) => row[f]), ctx);
}

function checksFor(c: ColumnSpec): Check[] {
  const checks: Check[] = [];
  if (!c.nullable) checks.push((v) => (v === null ? 'NULL where the target needs a value' : undefined));
  if (c.min !== undefined || c.max !== undefined) {
    const min = c.min === undefined ? undefined : BigInt(c.min);
    const max = c.max === undefined ? undefined : BigInt(c.max);
    checks.push((v) => {
      if (typeof v !== 'number' && typeof v !== 'bigint') return undefined;
      if (typeof v === 'number' && !Number.isInteger(v)) {
        if (min !== undefined && v < Number(min)) return `${v} is below the minimum ${min}`;
        if (max !== undefined && v > Number(max)) return `${v} is above the maximum ${max}`;
        return undefined;
      }
      const b = BigInt(v);
      if (min !== undefined && b < min) return `${v} is below the minimum ${min}`;
      if (max !== undefined && b > max) return `${v} is above the maximum ${max}`;
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
