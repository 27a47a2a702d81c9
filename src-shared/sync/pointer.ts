/**
 * RFC 6901 JSON pointers: parse, format, read, and the path relations that
 * conflict detection, ownership and batching are built on.
 *
 * Relations work on the pointer strings themselves (`/a/b` is under `/a`
 * when it starts with `/a/`): escaping is per segment and never produces
 * `/`, so a prefix at a `/` boundary is a prefix of segments, and no
 * parsing is needed on the hot paths.
 */
import { FORBIDDEN_KEYS, hasOwn, isPlainObject, type JsonValue } from './json';

export class PointerError extends Error {
  override readonly name = 'PointerError';
}

/** Why `p` is not a JSON pointer (RFC 6901, string form), or null. */
export function pointerError(p: unknown): string | null {
  if (typeof p !== 'string') return `a JSON pointer must be a string, got ${p === null ? 'null' : typeof p}`;
  if (p === '') return null;
  if (p.charCodeAt(0) !== 0x2f) return `JSON pointer "${clip(p)}" must be empty or start with "/"`;
  for (let i = 1; i < p.length; i++) {
    if (p.charCodeAt(i) === 0x7e) {
      const next = p.charCodeAt(i + 1);
      if (next !== 0x30 && next !== 0x31) return `JSON pointer "${clip(p)}" has "~" not followed by 0 or 1 at ${i}`;
      i++;
    }
  }
  return null;
}

/** The reference tokens of `p`, unescaped. Throws PointerError when `p` is not a pointer. */
export function parsePointer(p: string): string[] {
  const e = pointerError(p);
  if (e) throw new PointerError(e);
  return splitPointer(p);
}

/** Like parsePointer, for a pointer already checked by pointerError. */
export function splitPointer(p: string): string[] {
  if (p === '') return [];
  const parts = p.slice(1).split('/');
  for (let i = 0; i < parts.length; i++) {
    const s = parts[i]!;
    if (s.includes('~')) parts[i] = unescapeSegment(s);
  }
  return parts;
}

const SEGMENT_CACHE_LIMIT = 4096;
const segmentCache = new Map<string, readonly string[]>();

/**
 * The segments of `p` when it is a pointer with no forbidden segment, else
 * null — memoised, because a game sends the same few hundred paths over and
 * over (splitting them was a sixth of the time of applying a batch). The
 * cache is cleared when full, so hostile streams of unique paths only cost
 * the split they would have cost anyway. The arrays are frozen: shared.
 */
export function pathSegments(p: string): readonly string[] | null {
  const hit = segmentCache.get(p);
  if (hit) return hit;
  if (pointerError(p) !== null) return null;
  const segs = splitPointer(p);
  if (forbiddenSegment(segs) !== null) return null;
  if (segmentCache.size >= SEGMENT_CACHE_LIMIT) segmentCache.clear();
  segmentCache.set(p, Object.freeze(segs));
  return segs;
}

export function escapeSegment(s: string): string {
  // `~` first, so the `~` introduced for `/` is not escaped again.
  return s.includes('~') || s.includes('/') ? s.replace(/~/g, '~0').replace(/\//g, '~1') : s;
}

export function unescapeSegment(s: string): string {
  // One pass: "~01" is "~1" literally, not "/".
  return s.replace(/~[01]/g, (m) => (m === '~0' ? '~' : '/'));
}

export function formatPointer(segments: readonly (string | number)[]): string {
  let out = '';
  for (const s of segments) out += '/' + escapeSegment(String(s));
  return out;
}

/** `base` + one more segment. */
export function childPointer(base: string, segment: string | number): string {
  return `${base}/${typeof segment === 'number' ? segment : escapeSegment(segment)}`;
}

/** The pointer of the parent, or null for the root. */
export function parentPointer(p: string): string | null {
  return p === '' ? null : p.slice(0, p.lastIndexOf('/'));
}

/** The last segment, still escaped ("" for the root). */
export function lastSegment(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** RFC 6901 §4 array index: "0" or digits without a leading zero. */
export function isArrayIndex(segment: string): boolean {
  const n = segment.length;
  if (n === 0 || n > 15) return false;
  const c0 = segment.charCodeAt(0);
  if (c0 === 0x30) return n === 1;
  for (let i = 0; i < n; i++) {
    const c = segment.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** An index or "-": a segment that, in an array, names a position. */
export function isPositional(segment: string): boolean {
  return segment === '-' || isArrayIndex(segment);
}

/** The first segment that may not be used (`__proto__`, `constructor`, `prototype`), or null. */
export function forbiddenSegment(segments: readonly string[]): string | null {
  for (const s of segments) if (FORBIDDEN_KEYS.has(s)) return s;
  return null;
}

/** True when `a` is `b` or one of its ancestors. */
export function isAncestorOrSelf(a: string, b: string): boolean {
  return a === b || a === '' || (b.length > a.length && b.charCodeAt(a.length) === 0x2f && b.startsWith(a));
}

/** True when one of `a`, `b` is the other or an ancestor of it: the spec's "same path, a parent or a child". */
export function pathsOverlap(a: string, b: string): boolean {
  return a.length <= b.length ? isAncestorOrSelf(a, b) : isAncestorOrSelf(b, a);
}

/**
 * The value at `p` in `doc`, or undefined when there is none. Array
 * segments must be indices ("-" and "01" name nothing); object members must
 * be own properties, so `/toString` finds nothing in `{}`.
 */
export function getAt(doc: JsonValue, p: string): JsonValue | undefined {
  if (p === '') return doc;
  if (pointerError(p)) return undefined;
  let cur: JsonValue | undefined = doc;
  for (const seg of splitPointer(p)) {
    cur = child(cur, seg);
    if (cur === undefined) return undefined;
  }
  return cur;
}

export function hasAt(doc: JsonValue, p: string): boolean {
  return getAt(doc, p) !== undefined;
}

/** One step down; undefined when `seg` names nothing in `node`. */
export function child(node: JsonValue | undefined, seg: string): JsonValue | undefined {
  if (Array.isArray(node)) {
    if (!isArrayIndex(seg)) return undefined;
    const i = Number(seg);
    return i < node.length ? (node as readonly JsonValue[])[i] : undefined;
  }
  if (isPlainObject(node)) return hasOwn(node, seg) ? node[seg] : undefined;
  return undefined;
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
