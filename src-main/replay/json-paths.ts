/**
 * Small JSON helpers for replay: pointer building, reading and rewriting
 * values at pointer patterns (`*` = every element or member), and bounded
 * previews of values for reports.
 */
import { escapeSegment } from '../../src-shared/sync';

export function childPointerOf(base: string, key: string | number): string {
  return `${base}/${typeof key === 'number' ? key : escapeSegment(key)}`;
}

/** Splits "/a/*\/b" into segments ("*" kept as is; ~0 ~1 unescaped). */
export function patternSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => (s === '*' ? s : s.replace(/~[01]/g, (e) => (e === '~0' ? '~' : '/'))));
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
/** Sets an own member, even one named "__proto__" (JSON.parse makes those; plain assignment would set the prototype). */
const setOwn = (o: Record<string, unknown>, k: string, v: unknown): void => {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
};

/** Every value at `segments` in `doc`, with its concrete path ("*" expands to every element or member). */
export function valuesAt(doc: unknown, segments: readonly string[]): { path: string; value: unknown }[] {
  const out: { path: string; value: unknown }[] = [];
  const go = (v: unknown, i: number, path: string): void => {
    if (i === segments.length) {
      if (v !== undefined) out.push({ path, value: v });
      return;
    }
    const s = segments[i]!;
    if (Array.isArray(v)) {
      if (s === '*') v.forEach((x, k) => go(x, i + 1, childPointerOf(path, k)));
      else if (/^(0|[1-9]\d*)$/.test(s) && Number(s) < v.length) go(v[Number(s)], i + 1, childPointerOf(path, s));
    } else if (isObject(v)) {
      if (s === '*') for (const k of Object.keys(v)) go(v[k], i + 1, childPointerOf(path, k));
      else if (own(v, s)) go(v[s], i + 1, childPointerOf(path, s));
    }
  };
  go(doc, 0, '');
  return out;
}

/**
 * A copy of `doc` with `fn` applied to every value at `segments` (copy on
 * write: only the containers on changed paths are copied; `doc` itself is
 * returned when nothing changed). `fn` returns the new value, or the same
 * one to leave it.
 */
export function rewriteAt(doc: unknown, segments: readonly string[], fn: (value: unknown, path: string) => unknown): unknown {
  const go = (v: unknown, i: number, path: string): unknown => {
    if (i === segments.length) return v === undefined ? v : fn(v, path);
    const s = segments[i]!;
    if (Array.isArray(v)) {
      let copy: unknown[] | null = null;
      const visit = (k: number): void => {
        const n = go(v[k], i + 1, childPointerOf(path, k));
        if (n !== v[k]) (copy ??= [...v])[k] = n;
      };
      if (s === '*') for (let k = 0; k < v.length; k++) visit(k);
      else if (/^(0|[1-9]\d*)$/.test(s) && Number(s) < v.length) visit(Number(s));
      return copy ?? v;
    }
    if (isObject(v)) {
      let copy: Record<string, unknown> | null = null;
      const visit = (k: string): void => {
        const n = go(v[k], i + 1, childPointerOf(path, k));
        if (n !== v[k]) setOwn((copy ??= { ...v }), k, n);
      };
      if (s === '*') for (const k of Object.keys(v)) visit(k);
      else if (own(v, s)) visit(s);
      return copy ?? v;
    }
    return v;
  };
  return go(doc, 0, '');
}

/**
 * A copy of `doc` with every string value and member name that `map` knows
 * replaced (copy on write). Used to put learnt identities into outgoing
 * bodies wherever they appear (event data, targets, free text fields).
 */
export function mapStrings(doc: unknown, map: (s: string) => string | undefined, depth = 0): unknown {
  if (typeof doc === 'string') return map(doc) ?? doc;
  if (depth > 256 || typeof doc !== 'object' || doc === null) return doc;
  if (Array.isArray(doc)) {
    let copy: unknown[] | null = null;
    for (let i = 0; i < doc.length; i++) {
      const n = mapStrings(doc[i], map, depth + 1);
      if (n !== doc[i]) (copy ??= [...doc])[i] = n;
    }
    return copy ?? doc;
  }
  const o = doc as Record<string, unknown>;
  let copy: Record<string, unknown> | null = null;
  const keys = Object.keys(o);
  for (const k of keys) {
    const nk = map(k) ?? k;
    const nv = mapStrings(o[k], map, depth + 1);
    if (nk !== k || nv !== o[k]) copy = {};
  }
  if (!copy) return doc;
  for (const k of keys) setOwn(copy, map(k) ?? k, mapStrings(o[k], map, depth + 1));
  return copy;
}

/** A value bounded for a report: long strings cut, deep or wide containers summarised. */
export function preview(v: unknown, maxChars = 240): unknown {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v.length > maxChars ? `${v.slice(0, maxChars - 1)}…` : v;
  if (typeof v !== 'object' || v === null) return v;
  let text: string;
  try {
    text = JSON.stringify(v);
  } catch {
    return '[unserialisable]';
  }
  if (text.length <= maxChars) return v;
  return `${text.slice(0, maxChars - 1)}…`;
}
