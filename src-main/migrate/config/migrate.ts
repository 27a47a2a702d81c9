/**
 * Migrates a config.lua from one server's keys to another's, in place:
 * renames keys, converts values, comments out keys the target no longer
 * has (with a note saying why), and appends new keys with their defaults
 * under a marked section. Then validates the result against the target's
 * schema, with line numbers of the new file.
 */
import { type ConfigSchema, type ConfigProblem, validateConfig } from './schema';
import { type DYNAMIC, luaLiteral, readLuaConfig, utf8, type ConfigEntry, type LuaConfig, type LuaValue } from './lua';
import { append, applyEdits, commentOut, rename, setValue, type TextEdit } from './edits';

export type Known = LuaValue | typeof DYNAMIC | undefined;

export type ConfigRule =
  /** Same setting under a new name; `scale` multiplies the value (seconds → milliseconds). */
  | { readonly kind: 'rename'; readonly from: string; readonly to: string; readonly scale?: number; readonly note?: string }
  /** The target has no such setting. */
  | { readonly kind: 'remove'; readonly key: string; readonly note: string }
  /** Several old settings become one new one, computed from their values (undefined when absent). */
  | {
      readonly kind: 'convert';
      readonly from: readonly string[];
      readonly to: string;
      readonly convert: (values: readonly Known[], options: Readonly<Record<string, string>>) => { value: LuaValue; note: string } | undefined;
    }
  /** Appended with this value when the file does not set it. */
  | { readonly kind: 'add'; readonly key: string; readonly value: LuaValue | ((cfg: LuaConfig) => LuaValue); readonly note: string };

export interface ConfigProfile {
  readonly name: string;
  readonly description: string;
  readonly from: string;
  readonly to: ConfigSchema;
  readonly rules: readonly ConfigRule[];
  readonly options?: Readonly<Record<string, { readonly description: string; readonly default: string }>>;
}

export interface ConfigChange {
  /** Line in the original file (0 for appended keys). */
  readonly line: number;
  readonly key: string;
  readonly action: 'renamed' | 'scaled' | 'converted' | 'removed' | 'added';
  readonly detail: string;
}

export interface ConfigMigration {
  /** The new file as bytes (Latin-1 text: write with Buffer.from(x, 'latin1')). */
  readonly output: string;
  readonly input: string;
  readonly changes: readonly ConfigChange[];
  /** Problems in the output, against the target schema. */
  readonly problems: readonly ConfigProblem[];
  readonly ok: boolean;
}

export function migrateConfig(input: Uint8Array | string, profile: ConfigProfile, options: Readonly<Record<string, string>> = {}, when = new Date()): ConfigMigration {
  const cfg = readLuaConfig(input);
  const marker = `-- otbridge: migrated from ${profile.from} to ${profile.to.target}`;
  const done = cfg.bytes.indexOf(marker);
  if (done >= 0) {
    const line = cfg.bytes.slice(0, done).split('\n').length;
    const problem = { line, key: '', severity: 'error' as const, message: `already migrated to ${profile.to.target} by otbridge (see this line): nothing done, as values would be converted twice` };
    return { input: cfg.bytes, output: cfg.bytes, changes: [], problems: [problem], ok: false };
  }
  const opts = { ...Object.fromEntries(Object.entries(profile.options ?? {}).map(([k, o]) => [k, o.default])), ...options };
  const edits: TextEdit[] = [];
  const changes: ConfigChange[] = [];
  const all = (name: string) => cfg.entries.filter((e) => e.name === name);
  const added: string[] = [];

  for (const rule of profile.rules) {
    if (rule.kind === 'rename') {
      const already = rule.to !== rule.from ? cfg.get(rule.to) : undefined;
      for (const e of all(rule.from)) {
        if (already) {
          edits.push(commentOut(cfg.bytes, e, `${rule.from} is ${rule.to} in ${profile.to.target}, which line ${already.line} already sets`));
          changes.push({ line: e.line, key: e.name, action: 'removed', detail: `${rule.to} is already set on line ${already.line}` });
          continue;
        }
        if (rule.to !== rule.from) edits.push(rename(cfg.bytes, e, rule.to));
        let detail = rule.to !== rule.from ? `→ ${rule.to}` : 'value';
        if (rule.scale !== undefined) {
          edits.push(setValue(e, scaled(e, rule.scale)));
          detail += ` (× ${rule.scale}${rule.note ? `: ${rule.note}` : ''})`;
        } else if (rule.note) detail += ` (${rule.note})`;
        changes.push({ line: e.line, key: e.name, action: rule.scale !== undefined ? 'scaled' : 'renamed', detail });
      }
    } else if (rule.kind === 'remove') {
      for (const e of all(rule.key)) {
        edits.push(commentOut(cfg.bytes, e, `not a ${profile.to.target} setting: ${rule.note}`));
        changes.push({ line: e.line, key: e.name, action: 'removed', detail: rule.note });
      }
    } else if (rule.kind === 'convert') {
      const present = rule.from.map((k) => cfg.get(k)).filter((e): e is ConfigEntry => e !== undefined);
      if (!present.length) continue;
      const result = cfg.get(rule.to)
        ? undefined
        : rule.convert(
            rule.from.map((k) => cfg.get(k)?.value),
            opts,
          );
      const first = present.reduce((a, b) => (a.statement[0] < b.statement[0] ? a : b));
      for (const k of rule.from)
        for (const e of all(k)) {
            const why = result ? `replaced by ${rule.to} below (${result.note})` : cfg.get(rule.to) ? `${rule.to} is already set` : `no ${profile.to.target} equivalent`;
          const edit = commentOut(cfg.bytes, e, `${k}: ${why}`);
          edits.push(e === first && result ? { ...edit, text: `${edit.text}\n${toLatin1(`${rule.to} = ${luaLiteral(result.value)}`)}` } : edit);
        }
      changes.push({ line: first.line, key: rule.to, action: 'converted', detail: result ? `${rule.from.join(' + ')} → ${rule.to} = ${luaLiteral(result.value)} (${result.note})` : `${rule.from.join(', ')} commented out` });
    } else if (!cfg.get(rule.key) && !profile.rules.some((r) => (r.kind === 'rename' && r.to === rule.key && cfg.get(r.from)) || (r.kind === 'convert' && r.to === rule.key))) {
      const value = typeof rule.value === 'function' ? rule.value(cfg) : rule.value;
      added.push(`${rule.key} = ${luaLiteral(value)} -- ${rule.note}`);
      changes.push({ line: 0, key: rule.key, action: 'added', detail: `${luaLiteral(value)} (${rule.note})` });
    }
  }
  // The marked section: always there after a change, so a second run recognises the file.
  if (edits.length || added.length) {
    const stamp = when.toISOString().slice(0, 10);
    const header = `${marker} on ${stamp}${added.length ? '; settings new there, with their defaults:' : ''}`;
    edits.push(append(cfg.bytes, `\n${header}\n${added.map((a) => `${a}\n`).join('')}`));
  }
  const output = applyEdits(cfg.bytes, edits);
  const problems = validateConfig(readLuaConfig(Buffer.from(output, 'latin1')), profile.to);
  return { input: cfg.bytes, output, changes, problems, ok: !problems.some((p) => p.severity === 'error') };
}

const toLatin1 = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

/** The value text multiplied by `factor`, keeping the author's expression: `24 * 60 * 60` → `24 * 60 * 60 * 1000`. */
function scaled(e: ConfigEntry, factor: number): string {
  if (typeof e.value === 'number' && /^\s*-?[\d.]+\s*$/.test(e.valueText)) return String(e.value * factor);
  if (/^[\w\s.*]+$/.test(e.valueText)) return `${e.valueText} * ${factor}`;
  return `(${e.valueText}) * ${factor}`;
}

/** Unified-diff friendly UTF-8 view of config bytes. */
export const asText = (bytes: string): string => utf8(bytes);
