/**
 * Structural comparison of a captured JSON value with a replayed one, under
 * the rules: ignored paths, numbers within an epsilon, arrays compared as
 * unordered multisets where configured, and identities (values the server
 * hands out) translated from their captured to their replayed form first.
 */
import { childPointerOf } from './json-paths';
import { type Cursor, type PathMatcher } from './patterns';
import { type ValueDifference } from '../../src-shared/ipc/replay';

export interface CompareRules {
  readonly matcher: PathMatcher;
  /** Numbers anywhere may differ by this much (per-path epsilon rules may allow more). */
  readonly epsilon: number;
  /** A captured string's replayed form (an identity learnt during the replay), or undefined. */
  readonly translate?: (captured: string) => string | undefined;
}

export interface CompareResult {
  /** The first `limit` differences, in walk order. */
  readonly differences: ValueDifference[];
  readonly total: number;
}

/** Arrays longer than this are compared positionally even where unordered is configured (an n×m match would be too slow). */
const UNORDERED_MAX = 2000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/**
 * Compares `captured` with `replayed` as bodies of type `scope` ('state'
 * for state trees). Values are read-only; nothing is copied.
 */
export function compareJson(captured: unknown, replayed: unknown, rules: CompareRules, scope: string, limit = 20): CompareResult {
  const out: ValueDifference[] = [];
  let total = 0;
  const report = (d: ValueDifference): void => {
    total++;
    if (out.length < limit) out.push(d);
  };
  walk(captured, replayed, '', rules.matcher.root(scope), rules, report);
  return { differences: out, total };
}

/** True when the two are the same under the rules (stops at the first difference). */
export function equalUnder(captured: unknown, replayed: unknown, rules: CompareRules, scope: string): boolean {
  return equalAt(captured, replayed, rules.matcher.root(scope), rules);
}

function translated(v: unknown, rules: CompareRules): unknown {
  return typeof v === 'string' && rules.translate ? (rules.translate(v) ?? v) : v;
}

function walk(c: unknown, r: unknown, path: string, cur: Cursor, rules: CompareRules, report: (d: ValueDifference) => void): void {
  if (cur.ignored) return;
  if (c === r && (typeof c !== 'string' || !rules.translate)) return;
  c = translated(c, rules);
  if (c === r) return;
  if (c === undefined) {
    report({ path, kind: 'unexpected', replayed: r });
    return;
  }
  if (r === undefined) {
    report({ path, kind: 'missing', captured: c });
    return;
  }
  if (typeof c === 'number' && typeof r === 'number') {
    if (!numbersEqual(c, r, cur, rules)) report({ path, kind: 'changed', captured: c, replayed: r });
    return;
  }
  if (Array.isArray(c) && Array.isArray(r)) {
    if (cur.unordered && c.length * r.length <= UNORDERED_MAX * UNORDERED_MAX) unorderedArrays(c, r, path, cur, rules, report);
    else orderedArrays(c, r, path, cur, rules, report);
    return;
  }
  if (isObject(c) && isObject(r)) {
    const seen = new Set<string>();
    for (const k0 of Object.keys(c)) {
      const k = (translated(k0, rules) as string) ?? k0;
      seen.add(k);
      const child = rules.matcher.step(cur, k);
      if (child.ignored) continue;
      const p = childPointerOf(path, k);
      if (hasOwn(r, k)) walk(c[k0], r[k], p, child, rules, report);
      else report({ path: p, kind: 'missing', captured: c[k0] });
    }
    for (const k of Object.keys(r)) {
      if (seen.has(k)) continue;
      if (rules.matcher.step(cur, k).ignored) continue;
      report({ path: childPointerOf(path, k), kind: 'unexpected', replayed: r[k] });
    }
    return;
  }
  report({ path, kind: 'changed', captured: c, replayed: r });
}

function numbersEqual(c: number, r: number, cur: Cursor, rules: CompareRules): boolean {
  if (c === r) return true;
  const eps = Math.max(rules.epsilon, cur.epsilon ?? 0);
  return eps > 0 && Math.abs(c - r) <= eps;
}

function orderedArrays(c: readonly unknown[], r: readonly unknown[], path: string, cur: Cursor, rules: CompareRules, report: (d: ValueDifference) => void): void {
  const n = Math.min(c.length, r.length);
  for (let i = 0; i < n; i++) walk(c[i], r[i], childPointerOf(path, i), rules.matcher.step(cur, String(i)), rules, report);
  for (let i = n; i < c.length; i++) {
    if (!rules.matcher.step(cur, String(i)).ignored) report({ path: childPointerOf(path, i), kind: 'missing', captured: c[i] });
  }
  for (let i = n; i < r.length; i++) {
    if (!rules.matcher.step(cur, String(i)).ignored) report({ path: childPointerOf(path, i), kind: 'unexpected', replayed: r[i] });
  }
}

/** Each captured element takes the first equal replayed element not yet taken; what is left over on either side is reported. */
function unorderedArrays(c: readonly unknown[], r: readonly unknown[], path: string, cur: Cursor, rules: CompareRules, report: (d: ValueDifference) => void): void {
  const taken = new Uint8Array(r.length);
  const left: number[] = [];
  for (let i = 0; i < c.length; i++) {
    // Elements of an unordered array are matched under the rules that apply to "any element" (the cursor for index i and j are the same for * rules).
    const child = rules.matcher.step(cur, String(i));
    let found = -1;
    for (let j = 0; j < r.length; j++) {
      if (!taken[j] && equalAt(c[i], r[j], child, rules)) {
        found = j;
        break;
      }
    }
    if (found >= 0) taken[found] = 1;
    else left.push(i);
  }
  for (const i of left) report({ path: childPointerOf(path, i), kind: 'missing', captured: c[i] });
  for (let j = 0; j < r.length; j++) if (!taken[j]) report({ path: childPointerOf(path, j), kind: 'unexpected', replayed: r[j] });
}

function equalAt(c: unknown, r: unknown, cur: Cursor, rules: CompareRules): boolean {
  if (cur.ignored) return true;
  if (c === r && (typeof c !== 'string' || !rules.translate)) return true;
  c = translated(c, rules);
  if (c === r) return true;
  if (c === undefined || r === undefined) return false;
  if (typeof c === 'number' && typeof r === 'number') return numbersEqual(c, r, cur, rules);
  if (Array.isArray(c) && Array.isArray(r)) {
    if (cur.unordered && c.length === r.length && c.length <= UNORDERED_MAX) {
      let differences = 0;
      unorderedArrays(c, r, '', cur, rules, () => differences++);
      return differences === 0;
    }
    if (c.length !== r.length) {
      // Extra elements only matter when not ignored.
      for (let i = Math.min(c.length, r.length); i < Math.max(c.length, r.length); i++) if (!rules.matcher.step(cur, String(i)).ignored) return false;
    }
    const n = Math.min(c.length, r.length);
    for (let i = 0; i < n; i++) if (!equalAt(c[i], r[i], rules.matcher.step(cur, String(i)), rules)) return false;
    return true;
  }
  if (isObject(c) && isObject(r)) {
    let matchedKeys = 0;
    for (const k0 of Object.keys(c)) {
      const k = translated(k0, rules) as string;
      const child = rules.matcher.step(cur, k);
      if (hasOwn(r, k)) {
        matchedKeys++;
        if (!equalAt(c[k0], r[k], child, rules)) return false;
      } else if (!child.ignored) return false;
    }
    if (Object.keys(r).length === matchedKeys) return true;
    const mine = new Set(Object.keys(c).map((k) => translated(k, rules) as string));
    for (const k of Object.keys(r)) if (!mine.has(k) && !rules.matcher.step(cur, k).ignored) return false;
    return true;
  }
  return false;
}
