/**
 * JSON values as the state tree holds them, and the checks every value must
 * pass before it enters a tree: plain data only (no `undefined`, functions,
 * class instances, NaN), bounded nesting and size, and no keys that could
 * reach an object's prototype when a path later addresses them.
 */

export type JsonPrimitive = null | boolean | number | string;
/** Deeply read-only: a state tree is shared between versions and never mutated in place. */
export type JsonValue = JsonPrimitive | readonly JsonValue[] | JsonObject;
export interface JsonObject {
  readonly [key: string]: JsonValue;
}

/** Keys refused in paths and in values: each can reach `Object.prototype` through assignment. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export interface ValueLimits {
  /** Containers nested on any path from the root of the state, the op's path included. */
  readonly maxDepth: number;
  /** Values (containers and primitives) in one op's value. */
  readonly maxNodes: number;
  /** Characters in one string or object key. */
  readonly maxStringLength: number;
}

export const DEFAULT_LIMITS: ValueLimits = {
  maxDepth: 64,
  maxNodes: 100_000,
  maxStringLength: 1_048_576,
};

export function limitsWith(partial: Readonly<Partial<ValueLimits>> | undefined): ValueLimits {
  return partial ? { ...DEFAULT_LIMITS, ...partial } : DEFAULT_LIMITS;
}

export function isPlainObject(v: unknown): v is JsonObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

export function isContainer(v: unknown): v is JsonObject | readonly JsonValue[] {
  return Array.isArray(v) || isPlainObject(v);
}

export const hasOwn = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);

/**
 * Checks that `value` is JSON data within the limits, `depthBudget` being
 * the nesting still allowed below where it will sit. Returns null or why not.
 * One walk, no allocation on success (cycles are caught by the depth limit).
 */
export function checkValue(value: unknown, depthBudget: number, limits: ValueLimits = DEFAULT_LIMITS): string | null {
  const counter = { nodes: 0 };
  return check(value, depthBudget, limits, counter, '');
}

/** checkValue for a value known not to be an object (the common case: one number or string). */
export function checkPrimitive(v: unknown, limits: ValueLimits = DEFAULT_LIMITS): string | null {
  switch (typeof v) {
    case 'string':
      return v.length > limits.maxStringLength ? `string at the value is longer than ${limits.maxStringLength} characters` : null;
    case 'number':
      return Number.isFinite(v) ? null : `number at the value is not finite (${String(v)})`;
    case 'boolean':
      return null;
    default:
      return v === null ? null : `value at the value is not JSON (${typeof v})`;
  }
}

function check(v: unknown, budget: number, limits: ValueLimits, counter: { nodes: number }, at: string): string | null {
  if (++counter.nodes > limits.maxNodes) return `value has more than ${limits.maxNodes} nodes`;
  switch (typeof v) {
    case 'string':
      return v.length > limits.maxStringLength ? `string at ${at || 'the value'} is longer than ${limits.maxStringLength} characters` : null;
    case 'number':
      return Number.isFinite(v) ? null : `number at ${at || 'the value'} is not finite (${String(v)})`;
    case 'boolean':
      return null;
    case 'object': {
      if (v === null) return null;
      if (budget <= 0) return `value nests deeper than the limit of ${limits.maxDepth}`;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          // A hole reads as undefined and is refused like undefined.
          const e = check(v[i], budget - 1, limits, counter, `${at}/${i}`);
          if (e) return e;
        }
        return null;
      }
      if (!isPlainObject(v)) return `value at ${at || 'the root'} is not plain JSON data (${describeKind(v)})`;
      for (const key of Object.keys(v)) {
        if (FORBIDDEN_KEYS.has(key)) return `key "${key}" is not allowed (at ${at || 'the value'})`;
        if (key.length > limits.maxStringLength) return `key at ${at || 'the value'} is longer than ${limits.maxStringLength} characters`;
        const e = check((v as Record<string, unknown>)[key], budget - 1, limits, counter, `${at}/${key}`);
        if (e) return e;
      }
      return null;
    }
    default:
      return `value at ${at || 'the value'} is not JSON (${typeof v})`;
  }
}

function describeKind(v: object): string {
  const ctor = (Object.getPrototypeOf(v) as { constructor?: { name?: string } } | null)?.constructor;
  return ctor?.name ? `a ${ctor.name}` : 'an exotic object';
}

/** Containers nested in `v` (a primitive is 0, `{}` is 1). Assumes a checked value. */
export function depthOf(v: JsonValue): number {
  if (typeof v !== 'object' || v === null) return 0;
  let max = 0;
  if (Array.isArray(v)) {
    for (const x of v as readonly JsonValue[]) max = Math.max(max, depthOf(x));
  } else {
    for (const k in v) if (hasOwn(v, k)) max = Math.max(max, depthOf((v as JsonObject)[k]!));
  }
  return max + 1;
}

/** Structural equality of JSON values; shared subtrees compare in O(1). */
export function deepEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const aArr = Array.isArray(a);
  if (aArr !== Array.isArray(b)) return false;
  if (aArr) {
    const x = a as readonly JsonValue[];
    const y = b as readonly JsonValue[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!deepEqual(x[i], y[i])) return false;
    return true;
  }
  // Counted with for-in rather than compared as Object.keys arrays: no allocation (diff asks this of every subtree).
  const x = a as JsonObject;
  const y = b as JsonObject;
  let n = 0;
  for (const k in x) {
    if (!hasOwn(x, k)) continue;
    n++;
    if (!hasOwn(y, k) || !deepEqual(x[k], y[k])) return false;
  }
  for (const k in y) if (hasOwn(y, k)) n--;
  return n === 0;
}
