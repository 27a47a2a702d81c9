/**
 * A small validation language for message bodies, with inferred TypeScript
 * types. Written here (rather than taking a schema library) because errors
 * must name the message and the field the way the protocol's users read
 * them — `PLAYER_MOVE.direction: expected one of n, ne, …` — and because it
 * runs on every decoded frame.
 *
 * Two entry points: `ok` answers valid or not and allocates nothing (no
 * path strings: building `PLAYER_MOVE.args.x` for every field was most of
 * what a client allocated per received frame); `check` returns null when
 * the value is valid, else one message naming the field. `validate` runs
 * `ok` and asks `check` only for the message of an invalid value.
 */

export interface Schema<T> {
  /** Short description of what is expected, used in messages. */
  readonly expected: string;
  check(value: unknown, path: string): string | null;
  /** Whether `value` is valid, with no allocation (the same verdict as `check(value, …) === null`). */
  ok(value: unknown): boolean;
  /** Phantom field carrying the inferred type. */
  readonly __type?: T;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

type Shape = Record<string, Schema<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends OptionalSchema<unknown> ? K : never }[keyof S];
type RequiredKeys<S extends Shape> = Exclude<keyof S, OptionalKeys<S>>;
export type InferShape<S extends Shape> = { [K in RequiredKeys<S>]: Infer<S[K]> } & {
  [K in OptionalKeys<S>]?: Infer<S[K]>;
};

export interface OptionalSchema<T> extends Schema<T | undefined> {
  readonly optional: true;
  readonly inner: Schema<T>;
}

const fail = (path: string, expected: string, value: unknown): string =>
  `${path}: expected ${expected}, got ${describe(value)}`;

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string': {
      const s = value.length > 40 ? `${value.slice(0, 37)}...` : value;
      return JSON.stringify(s);
    }
    case 'number':
    case 'boolean':
      return String(value);
    case 'undefined':
      return 'nothing';
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

/** null when `value` is valid, else the message `check` gives (the fast path allocates nothing). */
export function validate(schema: Schema<unknown>, value: unknown, path: string): string | null {
  return schema.ok(value) ? null : schema.check(value, path);
}

export const any: Schema<unknown> = { expected: 'any value', check: () => null, ok: () => true };

export function string(opts: { min?: number; max?: number; pattern?: RegExp; expected?: string } = {}): Schema<string> {
  const expected = opts.expected ?? 'a string';
  return {
    expected,
    check(v, path) {
      if (typeof v !== 'string') return fail(path, expected, v);
      if (opts.min !== undefined && v.length < opts.min) return `${path}: expected ${expected} of at least ${opts.min} characters`;
      if (opts.max !== undefined && v.length > opts.max) return `${path}: expected ${expected} of at most ${opts.max} characters`;
      if (opts.pattern && !opts.pattern.test(v)) return fail(path, expected, v);
      return null;
    },
    ok: (v) =>
      typeof v === 'string' &&
      (opts.min === undefined || v.length >= opts.min) &&
      (opts.max === undefined || v.length <= opts.max) &&
      (!opts.pattern || opts.pattern.test(v)),
  };
}

export function integer(opts: { min?: number; max?: number } = {}): Schema<number> {
  const min = opts.min ?? Number.MIN_SAFE_INTEGER;
  const max = opts.max ?? Number.MAX_SAFE_INTEGER;
  const expected =
    opts.min !== undefined && opts.max !== undefined
      ? `an integer in ${min}..${max}`
      : opts.min !== undefined
        ? `an integer ≥ ${min}`
        : 'an integer';
  return {
    expected,
    check: (v, path) => (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? null : fail(path, expected, v)),
    ok: (v) => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max,
  };
}

export function number(): Schema<number> {
  return {
    expected: 'a number',
    check: (v, path) => (typeof v === 'number' && Number.isFinite(v) ? null : fail(path, 'a number', v)),
    ok: (v) => typeof v === 'number' && Number.isFinite(v),
  };
}

export const boolean: Schema<boolean> = {
  expected: 'true or false',
  check: (v, path) => (typeof v === 'boolean' ? null : fail(path, 'true or false', v)),
  ok: (v) => typeof v === 'boolean',
};

export function literal<const T extends string | number | boolean>(value: T): Schema<T> {
  const expected = JSON.stringify(value);
  return { expected, check: (v, path) => (v === value ? null : fail(path, expected, v)), ok: (v) => v === value };
}

export function oneOf<const T extends readonly string[]>(values: T): Schema<T[number]> {
  const set = new Set<unknown>(values);
  const expected = `one of ${values.join(', ')}`;
  return { expected, check: (v, path) => (set.has(v) ? null : fail(path, expected, v)), ok: (v) => set.has(v) };
}

export function array<T>(item: Schema<T>, opts: { max?: number; min?: number } = {}): Schema<T[]> {
  const expected = `an array of ${item.expected}`;
  return {
    expected,
    check(v, path) {
      if (!Array.isArray(v)) return fail(path, expected, v);
      if (opts.min !== undefined && v.length < opts.min) return `${path}: expected at least ${opts.min} items, got ${v.length}`;
      if (opts.max !== undefined && v.length > opts.max) return `${path}: expected at most ${opts.max} items, got ${v.length}`;
      for (let i = 0; i < v.length; i++) {
        const e = item.check(v[i], `${path}[${i}]`);
        if (e) return e;
      }
      return null;
    },
    ok(v) {
      if (!Array.isArray(v)) return false;
      if (opts.min !== undefined && v.length < opts.min) return false;
      if (opts.max !== undefined && v.length > opts.max) return false;
      for (let i = 0; i < v.length; i++) if (!item.ok(v[i])) return false;
      return true;
    },
  };
}

export function optional<T>(inner: Schema<T>): OptionalSchema<T> {
  return {
    optional: true,
    inner,
    expected: inner.expected,
    check: (v, path) => (v === undefined ? null : inner.check(v, path)),
    ok: (v) => v === undefined || inner.ok(v),
  };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Any JSON object (no constraint on its members). */
export const anyObject: Schema<Record<string, unknown>> = {
  expected: 'an object',
  check: (v, path) => (isPlainObject(v) ? null : fail(path, 'an object', v)),
  ok: isPlainObject,
};

/** An object with the given members; unknown members are ignored (spec §5). */
export function object<S extends Shape>(shape: S): Schema<InferShape<S>> & { readonly shape: S } {
  const keys = Object.keys(shape);
  return {
    shape,
    expected: 'an object',
    check(v, path) {
      if (!isPlainObject(v)) return fail(path, 'an object', v);
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        const s = shape[k]!;
        // Own members only: inherited names (`constructor`, `toString`) never satisfy a field.
        if (!Object.prototype.hasOwnProperty.call(v, k)) {
          if ('optional' in s) continue;
          return `${path}.${k}: missing (expected ${s.expected})`;
        }
        const e = s.check(v[k], `${path}.${k}`);
        if (e) return e;
      }
      return null;
    },
    ok(v) {
      if (!isPlainObject(v)) return false;
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        const s = shape[k]!;
        if (!Object.prototype.hasOwnProperty.call(v, k)) {
          if ('optional' in s) continue;
          return false;
        }
        if (!s.ok(v[k])) return false;
      }
      return true;
    },
  };
}

/**
 * One of several shapes. When the value plainly aims at one alternative
 * (it has more of that alternative's members, and more of them valid, than
 * of any other), the error is that alternative's own, so it names the field:
 * `PLAYER_MOVE.direction: expected one of n, ne, …`. Otherwise the message
 * lists each alternative's complaint.
 */
export function union<A extends readonly Schema<unknown>[]>(
  label: string,
  alternatives: A,
): Schema<Infer<A[number]>> & { readonly alternatives: A } {
  return {
    alternatives,
    expected: label,
    check(v, path) {
      let errs: string[] | null = null; // built only on failure: success allocates nothing
      for (const a of alternatives) {
        const e = a.check(v, path);
        if (!e) return null;
        (errs ??= []).push(e);
      }
      const best = closestAlternative(alternatives, v, path);
      if (best >= 0) return errs![best]!;
      const parts = errs!.map((e) => (e.startsWith(path) ? e.slice(path.length).replace(/^[.:]\s?/, '') : e));
      return `${path}: expected ${label} (${parts.join('; or ')})`;
    },
    ok(v) {
      for (let i = 0; i < alternatives.length; i++) if (alternatives[i]!.ok(v)) return true;
      return false;
    },
  };
}

/** Index of the object alternative `v` matches best (2 per member present, +1 if valid), or -1 on a tie. */
function closestAlternative(alternatives: readonly Schema<unknown>[], v: unknown, path: string): number {
  if (!isPlainObject(v)) return -1;
  let best = -1;
  let bestScore = 0;
  let tie = false;
  for (let i = 0; i < alternatives.length; i++) {
    const shape = (alternatives[i] as { shape?: Shape }).shape;
    if (!shape) return -1;
    let score = 0;
    for (const k of Object.keys(shape)) {
      if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
      score += shape[k]!.check(v[k], path) === null ? 3 : 2;
    }
    if (score > bestScore) {
      best = i;
      bestScore = score;
      tie = false;
    } else if (score === bestScore) tie = true;
  }
  return tie ? -1 : best;
}

/** A map with arbitrary keys and values of one schema. */
export function record<T>(value: Schema<T>): Schema<Record<string, T>> {
  return {
    expected: `an object of ${value.expected}`,
    check(v, path) {
      if (!isPlainObject(v)) return fail(path, 'an object', v);
      for (const k of Object.keys(v)) {
        const e = value.check(v[k], `${path}.${k}`);
        if (e) return e;
      }
      return null;
    },
    ok(v) {
      if (!isPlainObject(v)) return false;
      for (const k in v) if (Object.prototype.hasOwnProperty.call(v, k) && !value.ok(v[k])) return false;
      return true;
    },
  };
}

/** A value accepted when it is a string or an integer (ids that implementations choose). */
export const id: Schema<string | number> = {
  expected: 'a string or an integer id',
  check: (v, path) =>
    typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v)) ? null : fail(path, 'a string or an integer id', v),
  ok: (v) => typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v)),
};

export const b64url = (bytes: number): Schema<string> => {
  const chars = Math.ceil((bytes * 4) / 3);
  return string({ pattern: new RegExp(`^[A-Za-z0-9_-]{${chars}}$`), expected: `base64url of ${bytes} bytes` });
};

export const uuid = string({
  pattern: /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
  expected: 'a UUID',
});

export const sha256Hex = string({ pattern: /^[0-9a-f]{64}$/, expected: 'a sha256 in lowercase hex' });

/** RFC 6901 JSON pointer: "" or "/..." where "~" is followed only by 0 or 1. */
export const jsonPointer = string({ pattern: /^(?:\/(?:[^~/]|~[01])*)*$/, expected: 'a JSON pointer' });
