/**
 * RFC 6902 `add` / `remove` / `replace` on immutable JSON trees.
 *
 * Copy-on-write with structural sharing: applying an op copies only the
 * containers on the path to the change, so every earlier root stays a valid
 * version (the proxy keeps a history of them and diffs any two). Within one
 * `applyOps` call, a container copied by an earlier op is not yet shared
 * with anyone and is changed in place: a batch of 50 ops under `/player`
 * copies the root and `/player` once, not 50 times.
 *
 * Every op is checked completely before anything is written, so a rejected
 * op leaves the tree exactly as it was and says why.
 */
import { type HlcStamp } from '../protocol/catalogue';
import { checkPrimitive, checkValue, DEFAULT_LIMITS, hasOwn, isPlainObject, type JsonObject, type JsonValue, type ValueLimits } from './json';
import { forbiddenSegment, formatPointer, isArrayIndex, pathSegments, pointerError, splitPointer } from './pointer';

export type OpKind = 'add' | 'remove' | 'replace';

/** An RFC 6902 operation limited to the kinds UP/2.0 uses; `ts` rides along when present. */
export type Op =
  | { readonly op: 'add' | 'replace'; readonly path: string; readonly value: unknown; readonly ts?: HlcStamp }
  | { readonly op: 'remove'; readonly path: string; readonly ts?: HlcStamp };

export type OpResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export const OK: OpResult = Object.freeze({ ok: true });

export interface ApplyOptions {
  /** Allow `add`/`replace` of the whole tree (path ""). Default false: the root is never removed. */
  readonly allowRoot?: boolean;
  readonly limits?: ValueLimits;
}

const KINDS: ReadonlySet<unknown> = new Set(['add', 'remove', 'replace']);

/** Why `op` is not a well-formed op (shape, pointer, forbidden segment), or null. Does not look at any tree. */
export function opShapeError(op: unknown): string | null {
  if (typeof op !== 'object' || op === null || Array.isArray(op)) return 'an op must be an object';
  const o = op as Record<string, unknown>;
  if (!KINDS.has(o.op)) return `unknown op ${JSON.stringify(String(o.op)).slice(0, 40)} (expected add, remove or replace)`;
  const pe = pointerError(o.path);
  if (pe) return pe;
  if (o.op !== 'remove' && (!hasOwn(o, 'value') || o.value === undefined)) return `${String(o.op)} at "${String(o.path)}" has no value`;
  return null;
}

export function applyOp(state: JsonValue, op: Op, options?: ApplyOptions): { state: JsonValue; result: OpResult } {
  const p = new Patcher(state, options);
  const result = p.apply(op);
  return { state: p.state, result };
}

export function applyOps(
  state: JsonValue,
  ops: readonly Op[],
  options?: ApplyOptions,
): { state: JsonValue; results: OpResult[]; applied: number } {
  const p = new Patcher(state, options);
  const results: OpResult[] = new Array<OpResult>(ops.length);
  let applied = 0;
  for (let i = 0; i < ops.length; i++) {
    const r = p.apply(ops[i]!);
    results[i] = r;
    if (r.ok) applied++;
  }
  return { state: p.state, results, applied };
}

type MutableArray = JsonValue[];
type MutableObject = { [key: string]: JsonValue };

/**
 * Applies ops one after another to an evolving root. Containers it creates
 * are its own until it is dropped, so later ops may change them in place;
 * everything reachable from the root it started with is never written.
 */
export class Patcher {
  private root: JsonValue;
  /** Containers this patcher made (created on first write: a Set per patcher showed in profiles). */
  private fresh: Set<object> | null = null;
  private readonly allowRoot: boolean;
  private readonly limits: ValueLimits;

  constructor(state: JsonValue, options?: ApplyOptions) {
    this.root = state;
    this.allowRoot = options?.allowRoot ?? false;
    this.limits = options?.limits ?? DEFAULT_LIMITS;
  }

  get state(): JsonValue {
    return this.root;
  }

  apply(op: Op): OpResult {
    // Fast path first: a known op kind on a (cached) valid path; anything else gets the full diagnosis.
    const raw = (op as { path?: unknown } | null)?.path;
    const segs = typeof raw === 'string' && KINDS.has(op.op) ? pathSegments(raw) : null;
    if (segs === null || (op.op !== 'remove' && op.value === undefined)) {
      const shape = opShapeError(op);
      return fail(shape ?? `path "${String(raw)}" uses the forbidden segment "${forbiddenSegment(splitPointer(String(raw)))}"`);
    }
    const path = op.path;
    const value = op.op === 'remove' ? undefined : (op.value as JsonValue);
    if (value !== undefined) {
      const e = typeof value === 'object' && value !== null ? checkValue(value, this.limits.maxDepth - segs.length, this.limits) : checkPrimitive(value, this.limits);
      if (e) return fail(`${op.op} at "${path}": ${e}`);
    }

    if (segs.length === 0) {
      if (op.op === 'remove') return fail('the root cannot be removed');
      if (!this.allowRoot) return fail(`${op.op} of the whole state (path "") is not allowed`);
      this.root = value!;
      return OK;
    }

    // Walk to the parent, checking every step before anything is written.
    const n = segs.length;
    const chain: JsonValue[] = new Array<JsonValue>(n);
    let cur: JsonValue = this.root;
    for (let i = 0; i < n - 1; i++) {
      chain[i] = cur;
      const seg = segs[i]!;
      const next = step(cur, seg);
      if (next === undefined) return fail(missing(op.op, path, segs, i, cur));
      cur = next;
    }
    chain[n - 1] = cur;
    const last = segs[n - 1]!;

    let index = -1;
    if (Array.isArray(cur)) {
      const len = cur.length;
      if (op.op === 'add' && last === '-') index = len;
      else if (!isArrayIndex(last)) return fail(`"${last}" is not an array index (at "${path}")`);
      else {
        index = Number(last);
        if (op.op === 'add' ? index > len : index >= len)
          return fail(`index ${index} is out of bounds for ${op.op} at "${path}" (array length ${len})`);
      }
    } else if (typeof cur === 'object' && cur !== null) {
      if (op.op !== 'add' && !Object.hasOwn(cur, last)) return fail(`${op.op} at "${path}": there is no member "${last}"`);
    } else {
      return fail(`${op.op} at "${path}": the parent is ${cur === null ? 'null' : typeof cur}, not an object or array`);
    }

    // Write: the parent first, then re-link each ancestor that was copied.
    let node: JsonValue = this.writable(cur);
    if (Array.isArray(node)) {
      const arr = node as MutableArray;
      if (op.op === 'add') arr.splice(index, 0, value!);
      else if (op.op === 'replace') arr[index] = value!;
      else arr.splice(index, 1);
    } else {
      const obj = node as MutableObject;
      if (op.op === 'remove') delete obj[last];
      else obj[last] = value!;
    }
    for (let i = n - 2; i >= 0; i--) {
      const before = chain[i]!;
      const parent = this.writable(before);
      const seg = segs[i]!;
      const prevChild = Array.isArray(parent) ? (parent as MutableArray)[Number(seg)] : (parent as MutableObject)[seg];
      // Everything above a container we already owned already points at it.
      if (prevChild === node && parent === before) return OK;
      if (Array.isArray(parent)) (parent as MutableArray)[Number(seg)] = node;
      else (parent as MutableObject)[seg] = node;
      node = parent;
    }
    this.root = node;
    return OK;
  }

  /** `node` itself if this patcher made it, else a fresh shallow copy. */
  private writable(node: JsonValue): JsonValue {
    const o = node as object;
    if (this.fresh === null) this.fresh = new Set();
    else if (this.fresh.has(o)) return node;
    const copy: JsonValue = Array.isArray(node) ? node.slice() : { ...(node as JsonObject) };
    this.fresh.add(copy as object);
    return copy;
  }
}

/**
 * One step down, or undefined. Every object in a tree was checked to be
 * plain JSON on its way in, so `typeof` is enough here (no prototype check).
 */
function step(node: JsonValue, seg: string): JsonValue | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  if (Array.isArray(node)) {
    if (!isArrayIndex(seg)) return undefined;
    const i = Number(seg);
    return i < node.length ? (node as readonly JsonValue[])[i] : undefined;
  }
  return Object.hasOwn(node, seg) ? (node as JsonObject)[seg] : undefined;
}

function missing(kind: string, path: string, segs: readonly string[], i: number, at: JsonValue): string {
  const prefix = formatPointer(segs.slice(0, i + 1));
  if (Array.isArray(at)) {
    return isArrayIndex(segs[i]!)
      ? `${kind} at "${path}": ${prefix} does not exist (array length ${at.length})`
      : `${kind} at "${path}": "${segs[i]}" is not an array index`;
  }
  if (isPlainObject(at)) return `${kind} at "${path}": ${prefix} does not exist`;
  return `${kind} at "${path}": ${prefix.slice(0, prefix.lastIndexOf('/')) || 'the root'} is ${at === null ? 'null' : typeof at}, not an object or array`;
}

function fail(reason: string): OpResult {
  return { ok: false, reason };
}
