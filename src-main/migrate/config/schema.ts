/**
 * What a server accepts in config.lua: every key with its type and default
 * as the server's config manager reads it (facts from the upstream sources,
 * kept in schemas/*.json), plus ranges and enums where the upstream
 * documents them. Validation reports each problem with its line.
 */
import { DYNAMIC, describeValue, type LuaConfig, type LuaValue } from './lua';
import canary from './schemas/canary.json';
import tfs from './schemas/tfs.json';

export type KeyType = 'boolean' | 'integer' | 'number' | 'string' | 'table';

export interface KeySchema {
  readonly type: KeyType;
  readonly default: unknown;
  readonly min?: number;
  readonly max?: number;
  readonly enum?: readonly string[];
  readonly pattern?: string;
  /** In the sample config but not read by the server. */
  readonly unread?: boolean;
}

export interface ConfigSchema {
  readonly target: string;
  readonly keys: Readonly<Record<string, KeySchema>>;
}

export interface ConfigProblem {
  readonly line: number;
  readonly key: string;
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

export const SCHEMAS: Readonly<Record<'canary' | 'tfs', ConfigSchema>> = {
  canary: canary as ConfigSchema,
  tfs: tfs as ConfigSchema,
};

export function validateConfig(cfg: LuaConfig, schema: ConfigSchema): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seen = new Map<string, number>();
  for (const e of cfg.entries) {
    const first = seen.get(e.name);
    if (first !== undefined) problems.push({ line: e.line, key: e.name, severity: 'warning', message: `assigned again (first on line ${first}); the last one wins` });
    else seen.set(e.name, e.line);
    const spec = schema.keys[e.name];
    if (!spec) {
      problems.push({ line: e.line, key: e.name, severity: 'warning', message: `not a ${schema.target} setting: the server ignores it` });
      continue;
    }
    if (e.value === DYNAMIC) {
      problems.push({ line: e.line, key: e.name, severity: 'warning', message: 'computed at run time: not checked' });
      continue;
    }
    const problem = checkValue(e.value, spec);
    if (problem) problems.push({ line: e.line, key: e.name, severity: 'error', message: problem });
  }
  return problems;
}

export function checkValue(v: LuaValue, spec: KeySchema): string | undefined {
  // The config managers read a missing or nil key as its default.
  if (v === null) return undefined;
  const got = describeValue(v);
  switch (spec.type) {
    case 'boolean':
      if (typeof v !== 'boolean') return `expected true or false, got ${got}`;
      return undefined;
    case 'integer':
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) return `expected a number, got ${got}`;
      if (spec.type === 'integer' && !Number.isInteger(v)) return `expected a whole number, got ${got}`;
      if (spec.min !== undefined && v < spec.min) return `${got} is below the minimum ${spec.min}`;
      if (spec.max !== undefined && v > spec.max) return `${got} is above the maximum ${spec.max}`;
      if (spec.type === 'integer' && Math.abs(v) > 2 ** 53) return `${got} is too large`;
      return undefined;
    case 'string':
      if (typeof v !== 'string') return `expected a string, got ${got}`;
      if (spec.enum && !spec.enum.includes(v)) return `${got} is not one of ${spec.enum.map((x) => JSON.stringify(x)).join(', ')}`;
      if (spec.pattern && !new RegExp(spec.pattern).test(v)) return `${got} does not have the expected form (${spec.pattern})`;
      return undefined;
    case 'table':
      if (typeof v !== 'object') return `expected a table, got ${got}`;
      return undefined;
  }
}
