/** Reading the replay's inputs from the command line and files: session lists, credentials, rule files. */
import { readFileSync } from 'node:fs';
import { ReplayError } from './errors';
import { parsePushIgnore } from './push-ignores';
import { type RuleOptions } from './rules';

/** "1,3,5-7" → [1, 3, 5, 6, 7]; "all" → undefined (every session). */
export function parseSessionList(text: string): number[] | undefined {
  if (text.trim() === 'all') return undefined;
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw new ReplayError('BAD_OPTION', `--sessions takes numbers and ranges like 1,3,5-7, got "${text}"`);
    const a = Number(m[1]);
    const b = m[2] !== undefined ? Number(m[2]) : a;
    if (b < a || b - a > 100_000) throw new ReplayError('BAD_OPTION', `--sessions: "${part.trim()}" is not a range from low to high`);
    for (let i = a; i <= b; i++) out.add(i);
  }
  return [...out].sort((x, y) => x - y);
}

/** Passwords by account: a JSON object {"account": "password"} or lines "account:password" (# comments). */
export function readCredentials(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ReplayError('BAD_OPTION', `--credentials ${path}: ${(e as Error).message}`);
  }
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  if (text.trimStart().startsWith('{')) {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      throw new ReplayError('BAD_OPTION', `--credentials ${path}: not JSON (${(e as Error).message})`);
    }
    for (const [k, p] of Object.entries(v as Record<string, unknown>)) {
      if (typeof p !== 'string') throw new ReplayError('BAD_OPTION', `--credentials ${path}: the password of "${k}" must be a string`);
      out[k] = p;
    }
    return out;
  }
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const at = line.indexOf(':');
    if (at <= 0) throw new ReplayError('BAD_OPTION', `--credentials ${path}:${i + 1}: expected "account:password"`);
    out[line.slice(0, at).trim()] = line.slice(at + 1);
  });
  return out;
}

/** A rules file: {"ignore": [...], "ignorePushes": [...], "epsilon": n, "tolerances": [{"path", "epsilon"}], "unordered": [...]}. */
export function readRulesFile(path: string): Pick<RuleOptions, 'ignore' | 'ignorePushes' | 'epsilon' | 'tolerances' | 'unordered'> {
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ReplayError('BAD_OPTION', `--rules ${path}: ${(e as Error).message}`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ReplayError('BAD_OPTION', `--rules ${path}: expected a JSON object`);
  const o = v as Record<string, unknown>;
  const strings = (k: string): string[] | undefined => {
    if (o[k] === undefined) return undefined;
    if (!Array.isArray(o[k]) || !(o[k] as unknown[]).every((x) => typeof x === 'string')) throw new ReplayError('BAD_OPTION', `--rules ${path}: "${k}" must be an array of strings`);
    return o[k] as string[];
  };
  const known = new Set(['ignore', 'ignorePushes', 'epsilon', 'tolerances', 'unordered']);
  for (const k of Object.keys(o)) if (!known.has(k)) throw new ReplayError('BAD_OPTION', `--rules ${path}: unknown key "${k}" (known: ${[...known].join(', ')})`);
  if (o.epsilon !== undefined && (typeof o.epsilon !== 'number' || !Number.isFinite(o.epsilon) || o.epsilon < 0)) throw new ReplayError('BAD_OPTION', `--rules ${path}: "epsilon" must be a number ≥ 0`);
  let tolerances: { path: string; epsilon: number }[] | undefined;
  if (o.tolerances !== undefined) {
    if (!Array.isArray(o.tolerances)) throw new ReplayError('BAD_OPTION', `--rules ${path}: "tolerances" must be an array of {"path", "epsilon"}`);
    tolerances = (o.tolerances as unknown[]).map((t, i) => {
      const x = t as { path?: unknown; epsilon?: unknown } | null;
      if (!x || typeof x.path !== 'string' || typeof x.epsilon !== 'number' || !Number.isFinite(x.epsilon) || x.epsilon < 0) {
        throw new ReplayError('BAD_OPTION', `--rules ${path}: tolerances[${i}] must be {"path": string, "epsilon": number ≥ 0}`);
      }
      return { path: x.path, epsilon: x.epsilon };
    });
  }
  const ignore = strings('ignore');
  const unordered = strings('unordered');
  const ignorePushes = strings('ignorePushes');
  // Checked here, so the error names the file; buildRules checks the path rules.
  ignorePushes?.forEach((t, i) => {
    try {
      parsePushIgnore(t);
    } catch (e) {
      throw new ReplayError('BAD_OPTION', `--rules ${path}: ignorePushes[${i}]: ${(e as Error).message}`);
    }
  });
  return {
    ...(ignore ? { ignore } : {}),
    ...(ignorePushes ? { ignorePushes } : {}),
    ...(typeof o.epsilon === 'number' ? { epsilon: o.epsilon } : {}),
    ...(tolerances ? { tolerances } : {}),
    ...(unordered ? { unordered } : {}),
  };
}
