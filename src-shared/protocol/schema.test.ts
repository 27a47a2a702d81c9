import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALL_MESSAGES } from './catalogue';
import { array, integer, object, optional, record, string, union, validate, type Schema } from './schema';

/** Every schema the catalogue validates bodies with, by name and role. */
const SCHEMAS: [string, Schema<unknown>][] = ALL_MESSAGES.flatMap((d) => [
  ...(d.body ? [[`${d.name} body`, d.body] as [string, Schema<unknown>]] : []),
  ...(d.responseBody ? [[`${d.name} response`, d.responseBody] as [string, Schema<unknown>]] : []),
]);

/** A valid example with one member changed, added or removed at some depth: values near the edge of valid. */
function mutations(example: unknown): fc.Arbitrary<unknown> {
  const leaf = fc.oneof(fc.constant(undefined), fc.constant(null), fc.integer({ min: -3, max: 70_000 }), fc.double(), fc.string({ maxLength: 8 }), fc.boolean(), fc.constant([]), fc.constant({}));
  return fc.tuple(fc.nat(), leaf, fc.nat()).map(([pick, value, mode]) => {
    const copy = structuredClone(example) as unknown;
    const nodes: Record<string, unknown>[] = [];
    const walk = (v: unknown): void => {
      if (typeof v !== 'object' || v === null) return;
      nodes.push(v as Record<string, unknown>);
      for (const c of Object.values(v)) walk(c);
    };
    walk(copy);
    if (nodes.length === 0) return value;
    const node = nodes[pick % nodes.length]!;
    const keys = Object.keys(node);
    if (mode % 3 === 0 || keys.length === 0) node[`extra${mode % 5}`] = value;
    else if (mode % 3 === 1) node[keys[mode % keys.length]!] = value;
    else delete node[keys[mode % keys.length]!];
    return copy;
  });
}

describe('schema fast path (ok) agrees with check', () => {
  it('for every catalogue body and response schema, on valid examples and on mutations of them', () => {
    for (const d of ALL_MESSAGES) {
      for (const [schema, example] of [
        [d.body, d.example.body],
        [d.responseBody, d.example.response],
      ] as const) {
        if (!schema || example === undefined) continue;
        fc.assert(
          fc.property(mutations(example), (v) => {
            expect(schema.ok(v), `${d.name}: ${JSON.stringify(v)}`).toBe(schema.check(v, d.name) === null);
          }),
          { numRuns: 150, seed: d.code },
        );
      }
    }
  });

  it('for every catalogue schema, on arbitrary JSON values', () => {
    for (const [name, schema] of SCHEMAS) {
      fc.assert(
        fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => {
          expect(schema.ok(v), name).toBe(schema.check(v, name) === null);
        }),
        { numRuns: 60, seed: name.length },
      );
    }
  });

  it('validate() gives the same message as check() and null for valid values', () => {
    const s = object({ ids: array(integer({ min: 1 }), { max: 3 }), tag: optional(string({ max: 4 })), by: record(union('a or b', [object({ a: integer() }), object({ b: string() })] as const)) });
    expect(validate(s, { ids: [1, 2], by: { x: { a: 1 }, y: { b: 'q' } } }, 'T')).toBeNull();
    expect(validate(s, { ids: [1, 0], by: {} }, 'T')).toBe(s.check({ ids: [1, 0], by: {} }, 'T'));
    expect(validate(s, { ids: [1, 0], by: {} }, 'T')).toBe('T.ids[1]: expected an integer ≥ 1, got 0');
    expect(validate(s, { ids: [1, 2, 3, 4], by: {} }, 'T')).toBe('T.ids: expected at most 3 items, got 4');
    expect(validate(s, { ids: [], tag: 'toolong', by: {} }, 'T')).toBe('T.tag: expected a string of at most 4 characters');
    expect(validate(s, { ids: [], by: { z: { c: 1 } } }, 'T')).toMatch(/^T\.by\.z: expected a or b/);
    // Inherited members never satisfy a field, on either path.
    const proto = Object.create({ ids: [] }) as Record<string, unknown>;
    proto.by = {};
    expect(s.ok(proto)).toBe(false);
    expect(validate(s, proto, 'T')).toBe('T.ids: missing (expected an array of an integer ≥ 1)');
  });
});
