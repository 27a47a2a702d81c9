/**
 * fast-check generators shared by the sync tests: small JSON trees over a
 * few keys (so random edits collide), and random ops against a tree.
 * Test support only (imported by *.test.ts, never by library code).
 */
import fc from 'fast-check';
import { type JsonObject, type JsonValue } from '../json';
import { type Op } from '../ops';
import { childPointer } from '../pointer';

/** Keys include the characters pointers escape, and the empty key. */
export const KEYS = ['a', 'b', 'c', 'x~y', 'p/q', ''] as const;

export const jsonLeaf: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -5, max: 5 }),
  // JSON text carries no negative zero (JSON.stringify(-0) is "0"): trees that crossed the wire never hold one.
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map((d) => (Object.is(d, -0) ? 0 : d)),
  fc.string({ maxLength: 4 }),
);

export const jsonValue: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    jsonLeaf,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 4 }),
  ),
})).value;

export const jsonObject: fc.Arbitrary<JsonObject> = fc.dictionary(fc.constantFrom(...KEYS), jsonValue, { maxKeys: 5 });

/** Every pointer in `doc` (the root excluded), containers first. */
export function pathsOf(doc: JsonValue, base = '', out: string[] = []): string[] {
  if (Array.isArray(doc)) {
    doc.forEach((v, i) => {
      const p = childPointer(base, i);
      out.push(p);
      pathsOf(v as JsonValue, p, out);
    });
  } else if (doc !== null && typeof doc === 'object') {
    for (const k of Object.keys(doc)) {
      const p = childPointer(base, k);
      out.push(p);
      pathsOf((doc as JsonObject)[k]!, p, out);
    }
  }
  return out;
}

/**
 * An op aimed at `doc`: mostly at paths that exist (or one past them), so
 * most apply, with some that should be rejected.
 */
export function opFor(doc: JsonValue): fc.Arbitrary<Op> {
  const existing = pathsOf(doc);
  const near = existing.flatMap((p) => [p, `${p}/-`, `${p}/0`, `${p}/a`, `${p}/9`]);
  const path = fc.oneof(
    { weight: 3, arbitrary: existing.length ? fc.constantFrom(...existing) : fc.constant('/a') },
    { weight: 2, arbitrary: near.length ? fc.constantFrom(...near) : fc.constant('/a') },
    { weight: 1, arbitrary: fc.constantFrom('/a', '/b/c', '/-', '/0', '', '/a/01', '/x~1y') },
  );
  return fc.oneof(
    fc.record({ op: fc.constant('add' as const), path, value: jsonValue }),
    fc.record({ op: fc.constant('replace' as const), path, value: jsonValue }),
    fc.record({ op: fc.constant('remove' as const), path }),
  );
}

export function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
  }
  return v;
}
