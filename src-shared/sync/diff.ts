/**
 * Deep diff of two JSON trees into RFC 6902 ops that turn the first into the
 * second (`applyOps(a, diff(a, b))` equals `b`).
 *
 * - Objects: minimal — one `remove` per member that went away, one `add`
 *   per new member, and the diff of each member present in both.
 * - Arrays: positional, not a longest-common-subsequence. The common head
 *   and tail are skipped; the middle is diffed element by element, then the
 *   surplus is removed (from the end backwards) or the new elements are
 *   added in order. When that would take more ops than the new array has
 *   elements, the array is replaced whole instead. This is O(n), suits game
 *   lists (appends, removals at the ends, elements changing in place) and
 *   never produces more ops than the array is long.
 * - A change of kind (object → array, number → object, …) is a `replace`;
 *   at the root that is a `replace` of "" (apply it with `allowRoot`).
 *
 * Subtrees that are the same object are skipped without being walked, so
 * diffing two versions of one copy-on-write history costs what changed;
 * equal subtrees that are distinct objects are compared before any path is
 * built for them.
 */
import { deepEqual, hasOwn, isPlainObject, type JsonObject, type JsonValue } from './json';
import { type Op } from './ops';
import { childPointer } from './pointer';

export function diff(a: JsonValue, b: JsonValue, base = ''): Op[] {
  const out: Op[] = [];
  walk(a, b, base, out);
  return out;
}

function walk(a: JsonValue, b: JsonValue, path: string, out: Op[]): void {
  if (a === b) return;
  if (Array.isArray(a) && Array.isArray(b)) return arrays(a, b, path, out);
  if (isPlainObject(a) && isPlainObject(b)) return objects(a, b, path, out);
  out.push({ op: 'replace', path, value: b });
}

/**
 * Whether a member must be walked. Equal subtrees that are different
 * objects (a view rebuilt from the game, a body parsed again) are compared
 * without building their paths: the paths were most of what a diff of a
 * rebuilt view allocated, for members that turned out equal.
 */
function differ(x: JsonValue, y: JsonValue): boolean {
  if (x === y) return false;
  return typeof x !== 'object' || x === null || !deepEqual(x, y);
}

function objects(a: JsonObject, b: JsonObject, path: string, out: Op[]): void {
  let common = 0;
  for (const k in a) {
    if (!hasOwn(a, k)) continue;
    if (!hasOwn(b, k)) {
      out.push({ op: 'remove', path: childPointer(path, k) });
      continue;
    }
    common++;
    // Identity first: between versions of one history most members are shared, and building their paths was most of the cost.
    const x = a[k]!;
    const y = b[k]!;
    if (differ(x, y)) walk(x, y, childPointer(path, k), out);
  }
  // b has members a lacks only if it has more than the ones they share.
  let inB = 0;
  for (const k in b) if (hasOwn(b, k)) inB++;
  if (inB === common) return;
  for (const k in b) {
    if (hasOwn(b, k) && !hasOwn(a, k)) out.push({ op: 'add', path: childPointer(path, k), value: b[k]! });
  }
}

function arrays(a: readonly JsonValue[], b: readonly JsonValue[], path: string, out: Op[]): void {
  let start = 0;
  let endA = a.length;
  let endB = b.length;
  while (start < endA && start < endB && deepEqual(a[start], b[start])) start++;
  while (endA > start && endB > start && deepEqual(a[endA - 1], b[endB - 1])) {
    endA--;
    endB--;
  }
  const mark = out.length;
  const paired = Math.min(endA - start, endB - start);
  for (let k = 0; k < paired; k++) if (differ(a[start + k]!, b[start + k]!)) walk(a[start + k]!, b[start + k]!, childPointer(path, start + k), out);
  if (endA - start > paired) {
    for (let i = endA - 1; i >= start + paired; i--) out.push({ op: 'remove', path: childPointer(path, i) });
  } else {
    for (let j = start + paired; j < endB; j++) out.push({ op: 'add', path: childPointer(path, j), value: b[j]! });
  }
  if (out.length - mark > Math.max(1, b.length)) {
    out.length = mark;
    out.push({ op: 'replace', path, value: b });
  }
}
