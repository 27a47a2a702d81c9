/**
 * Turns one table spec into a row function: source row in, target values
 * (in target column order) out, or every reason the row cannot go. Built
 * once per table, as generated code with each column's common case inlined
 * and the general steps (transform, default, coerce, rules) behind it.
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

export interface CompileOptions {
  /**
   * Generate the row function's code (default). False keeps the plain loop
   * over the columns' general steps: the reference the generated code is
   * tested against.
   */
  readonly generate?: boolean;
}

/** `select`: the columns source rows will carry, in order (must include sourceColumnsOf(spec)). */
export function compileTable(
  spec: TableSpec,
  ctx: TransformContext,
  select: readonly string[] = sourceColumnsOf(spec),
  opts: CompileOptions = {},
): TableMapper {
  const targetColumns = Object.keys(spec.columns);
  const index = (col: string) => {
    const i = select.indexOf(col);
    if (i < 0) throw new Error(`${spec.source}: column ${col} is not among the columns read`);
    return i;
  };
  const steps = targetColumns.map((name) => {
    const c = spec.columns[name]!;
    const from = sourcesOf(name, c).map(index);
    return { name, c, from, general: generalStep(name, c, getter(c, from, ctx), checksFor(c)) };
  });
  const types = steps.map((s) => s.c.type);
  const map = opts.generate === false ? loopRowFunction(steps.map((s) => s.general)) : generatedRowFunction(steps);

  return {
    spec,
    targetColumns,
    types,
    sourceColumns: select,
    keyIndexes: spec.key.map((k) => targetColumns.indexOf(k)),
    map,
  };
}

/**
 * One column the general way: read (through the transform), default, coerce,
 * check. Writes the value into `out[at]`, or adds the column's reasons;
 * returns the row's reasons so far.
 */
type GeneralStep = (row: SourceRow, out: Value[], at: number, reasons: string[] | undefined) => string[] | undefined;

function generalStep(name: string, c: ColumnSpec, get: (row: SourceRow) => unknown, checks: readonly Check[]): GeneralStep {
  return (row, out, at, reasons) => {
    let raw: unknown;
    try {
      raw = get(row);
    } catch (e) {
      (reasons ??= []).push(`${name}: transform failed: ${(e as Error).message}`);
      return reasons;
    }
    if (raw instanceof Error) {
      (reasons ??= []).push(`${name}: ${raw.message}`);
      return reasons;
    }
    if (raw == null && c.default !== undefined) raw = c.default;
    const v = coerce(raw, c.type);
    if (v instanceof Error) {
      (reasons ??= []).push(`${name}: ${v.message}`);
      return reasons;
    }
    for (const check of checks) {
      const problem = check(v);
      if (problem) (reasons ??= []).push(`${name}: ${problem}${c.hint ? ` (${c.hint})` : ''}`);
    }
    out[at] = v;
    return reasons;
  };
}

type RowFunction = (row: SourceRow) => MapResult;

function loopRowFunction(general: readonly GeneralStep[]): RowFunction {
  return (row) => {
    const values: Value[] = new Array(general.length);
    let reasons: string[] | undefined;
    for (let i = 0; i < general.length; i++) reasons = general[i]!(row, values, i, reasons);
    return reasons ? { reasons } : { values };
  };
}

/**
 * The row function as generated code: one straight-line block per column
 * with the column's common case inlined (a value that already has the
 * target's type and plainly passes the rules, bounds as literals), and the
 * general step for anything else — which then decides, and words the reason.
 * Constant columns, and NULLs of columns with a default, are computed once.
 * Against the loop over general steps this is about ×3 on player rows
 * (bench:migrate, "transform + validation alone"); the property test in
 * mapper.test.ts holds it to the same results.
 */
function generatedRowFunction(steps: readonly { name: string; c: ColumnSpec; from: readonly number[]; general: GeneralStep }[]): RowFunction {
  const consts: Value[] = [];
  const lit = (v: Value): string => {
    consts.push(v);
    return `k[${consts.length - 1}]`;
  };
  const lines = [`const out = new Array(${steps.length});`, 'let reasons;'];
  steps.forEach((s, i) => {
    const slow = `reasons = g[${i}](row, out, ${i}, reasons);`;
    const fixed = settled(s.c, s.from, s.general);
    if (fixed.constant !== undefined) {
      lines.push(`out[${i}] = ${lit(fixed.constant)};`);
      return;
    }
    const test = fastTest(s.c, s.from);
    if (!test) {
      lines.push(slow);
      return;
    }
    const onNull = fixed.onNull !== undefined ? `if (v == null) out[${i}] = ${lit(fixed.onNull)}; else ` : '';
    lines.push(`{ const v = row[${s.from[0]!}]; if (${test}) out[${i}] = v; else ${onNull}${slow} }`);
  });
  lines.push('return reasons ? { reasons } : { values: out };');
  const make = new Function('g', 'k', 'U8', `'use strict'; return function mapRow(row) {\n${lines.join('\n')}\n};`) as (
    g: readonly GeneralStep[],
    k: readonly Value[],
    u8: typeof Uint8Array,
  ) => RowFunction;
  return make(
    steps.map((s) => s.general),
    consts,
    Uint8Array,
  );
}

/**
 * What a column yields without looking at the row: a constant column's
 * value, and what a NULL becomes where a default applies — each only when
 * the general step accepts it (else the general step runs per row and words
 * the reason).
 */
function settled(c: ColumnSpec, from: readonly number[], general: GeneralStep): { constant?: Value; onNull?: Value } {
  const probe = (row: SourceRow): Value | undefined => {
    const out: Value[] = [];
    return general(row, out, 0, undefined) ? undefined : out[0];
  };
  if ('value' in c && c.value !== undefined) return { constant: probe([]) };
  if (c.transform || c.default === undefined || from.length !== 1) return {};
  const row: SourceRow = [];
  row[from[0]!] = null;
  return { onNull: probe(row) };
}

/** A number as JavaScript source: only numbers ever reach the generated code, never profile text. */
function num(n: number): string | undefined {
  return Number.isNaN(n) ? undefined : String(n);
}

/**
 * The inlined test of a plain copy's common case, as an expression on `v`,
 * or undefined when the column has no such case (transforms, constants,
 * several sources, enums, patterns, reals). Passing it must mean exactly
 * what the general step would accept unchanged.
 */
function fastTest(c: ColumnSpec, from: readonly number[]): string | undefined {
  if (c.transform || ('value' in c && c.value !== undefined) || from.length !== 1 || c.enum || c.pattern) return undefined;
  const maxLength = c.maxLength === undefined ? Infinity : Number(c.maxLength);
  if (c.type === 'int') {
    // Bounds beyond 2^53 round as numbers: clamped to the safe range, where numbers are exact.
    const lo = num(Math.max(c.min === undefined ? -Infinity : Number(c.min), Number.MIN_SAFE_INTEGER));
    const hi = num(Math.min(c.max === undefined ? Infinity : Number(c.max), Number.MAX_SAFE_INTEGER));
    return lo && hi && `typeof v === 'number' && v >= ${lo} && v <= ${hi} && Number.isInteger(v)`;
  }
  if (c.type === 'text') {
    // Length in UTF-16 units ≤ max guarantees code points ≤ max; longer strings take the general path.
    const max = num(maxLength);
    return max && `typeof v === 'string' && v.length <= ${max}${c.notEmpty ? " && v.trim() !== ''" : ''}`;
  }
  if (c.type === 'blob') {
    const max = num(maxLength);
    return max && `v instanceof U8 && v.byteLength <= ${max}${c.notEmpty ? ' && v.byteLength > 0' : ''}`;
  }
  return undefined;
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
