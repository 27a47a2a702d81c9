import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_LIMITS, deepEqual, type JsonObject, type JsonValue } from './json';
import { applyOp, applyOps, type Op } from './ops';
import { parsePointer } from './pointer';
import { deepFreeze, jsonObject, opFor } from './testing/arbitraries';

const base = (): JsonObject =>
  deepFreeze({
    player: { position: { x: 1, y: 2, z: 7 }, inventory: ['sword', 'shield'], health: 100 },
    world: { creatures: { c1: { name: 'Rat' } } },
    ui: { windows: {} },
  });

/** Applies one op that must be rejected; checks the reason and that nothing changed. */
function rejects(state: JsonObject, op: Op, reason: RegExp, opts?: Parameters<typeof applyOp>[2]): void {
  const copy = JSON.parse(JSON.stringify(state));
  const r = applyOp(state, op, opts);
  expect(r.result.ok).toBe(false);
  if (!r.result.ok) expect(r.result.reason).toMatch(reason);
  expect(r.state).toBe(state);
  expect(state).toEqual(copy);
}

describe('applyOp', () => {
  it('adds, replaces and removes object members', () => {
    const s = base();
    const a = applyOp(s, { op: 'add', path: '/ui/windows/bag', value: { open: true } });
    expect(a.result.ok).toBe(true);
    expect(a.state).toMatchObject({ ui: { windows: { bag: { open: true } } } });
    const r = applyOp(a.state, { op: 'replace', path: '/player/health', value: 90 });
    expect((r.state as { player: { health: number } }).player.health).toBe(90);
    const d = applyOp(r.state, { op: 'remove', path: '/world/creatures/c1' });
    expect((d.state as { world: { creatures: object } }).world.creatures).toEqual({});
  });

  it('add on an existing member replaces it (RFC 6902 §4.1)', () => {
    const r = applyOp(base(), { op: 'add', path: '/player/health', value: 5 });
    expect((r.state as { player: { health: number } }).player.health).toBe(5);
  });

  it('follows the array rules: insert at an index, append with "-", replace/remove in bounds', () => {
    const s = base();
    const ins = applyOp(s, { op: 'add', path: '/player/inventory/1', value: 'rope' }).state as JsonObject;
    expect((ins.player as JsonObject).inventory).toEqual(['sword', 'rope', 'shield']);
    const app = applyOp(s, { op: 'add', path: '/player/inventory/-', value: 'axe' }).state as JsonObject;
    expect((app.player as JsonObject).inventory).toEqual(['sword', 'shield', 'axe']);
    const end = applyOp(s, { op: 'add', path: '/player/inventory/2', value: 'axe' }).state as JsonObject;
    expect((end.player as JsonObject).inventory).toEqual(['sword', 'shield', 'axe']);
    const rep = applyOp(s, { op: 'replace', path: '/player/inventory/0', value: 'club' }).state as JsonObject;
    expect((rep.player as JsonObject).inventory).toEqual(['club', 'shield']);
    const rem = applyOp(s, { op: 'remove', path: '/player/inventory/0' }).state as JsonObject;
    expect((rem.player as JsonObject).inventory).toEqual(['shield']);
  });

  it('copies only the path to the change: older versions stay valid, untouched subtrees are shared', () => {
    const s = base();
    const r = applyOp(s, { op: 'replace', path: '/player/position/x', value: 2 });
    const n = r.state as { player: { position: object; inventory: object }; world: object; ui: object };
    expect(n).not.toBe(s);
    expect(n.world).toBe(s.world);
    expect(n.ui).toBe(s.ui);
    expect(n.player.inventory).toBe((s.player as JsonObject).inventory);
    expect(((s.player as JsonObject).position as JsonObject).x).toBe(1);
  });

  it.each<[string, Op, RegExp]>([
    ['unknown op', { op: 'move', path: '/a' } as unknown as Op, /unknown op/],
    ['test op', { op: 'test', path: '/player/health', value: 100 } as unknown as Op, /unknown op/],
    ['add without value', { op: 'add', path: '/ui/x' } as unknown as Op, /no value/],
    ['replace with undefined', { op: 'replace', path: '/player/health', value: undefined }, /no value/],
    ['bad pointer', { op: 'add', path: 'ui/x', value: 1 }, /start with/],
    ['bad escape', { op: 'add', path: '/ui/~2', value: 1 }, /~/],
    ['non-string path', { op: 'remove', path: 7 } as unknown as Op, /string/],
    ['replace of a missing member', { op: 'replace', path: '/player/mana', value: 1 }, /no member "mana"/],
    ['remove of a missing member', { op: 'remove', path: '/ui/windows/none' }, /no member/],
    ['add under a missing parent', { op: 'add', path: '/ui/menus/main', value: 1 }, /\/ui\/menus does not exist/],
    ['add under a primitive', { op: 'add', path: '/player/health/max', value: 1 }, /parent is number/],
    ['path through a primitive', { op: 'add', path: '/player/health/a/b', value: 1 }, /not an object or array/],
    ['insert past the end', { op: 'add', path: '/player/inventory/3', value: 'x' }, /out of bounds/],
    ['replace past the end', { op: 'replace', path: '/player/inventory/2', value: 'x' }, /out of bounds/],
    ['remove past the end', { op: 'remove', path: '/player/inventory/2' }, /out of bounds/],
    ['replace at "-"', { op: 'replace', path: '/player/inventory/-', value: 'x' }, /not an array index/],
    ['remove at "-"', { op: 'remove', path: '/player/inventory/-' }, /not an array index/],
    ['leading zero index', { op: 'replace', path: '/player/inventory/01', value: 'x' }, /not an array index/],
    ['negative index', { op: 'remove', path: '/player/inventory/-1' }, /not an array index/],
    ['name on an array', { op: 'add', path: '/player/inventory/length', value: 1 }, /not an array index/],
    ['walk through "-"', { op: 'add', path: '/player/inventory/-/x', value: 1 }, /not an array index/],
    ['remove the root', { op: 'remove', path: '' }, /root cannot be removed/],
    ['replace the root', { op: 'replace', path: '', value: {} }, /whole state/],
    ['add the root', { op: 'add', path: '', value: {} }, /whole state/],
    ['__proto__ segment', { op: 'add', path: '/__proto__/polluted', value: true }, /forbidden segment "__proto__"/],
    ['constructor segment', { op: 'add', path: '/ui/constructor', value: 1 }, /forbidden segment "constructor"/],
    ['prototype segment', { op: 'replace', path: '/ui/constructor/prototype', value: 1 }, /forbidden/],
    ['__proto__ key inside a value', { op: 'add', path: '/ui/x', value: JSON.parse('{"__proto__":{"p":1}}') }, /__proto__/],
    ['NaN value', { op: 'replace', path: '/player/health', value: NaN }, /not finite/],
    ['function value', { op: 'add', path: '/ui/x', value: () => 1 }, /not JSON/],
    ['class instance', { op: 'add', path: '/ui/x', value: new Date(0) }, /not plain JSON/],
  ])('rejects %s with a reason, changing nothing', (_name, op, reason) => {
    rejects(base(), op, reason);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).p).toBeUndefined();
  });

  it('bounds the depth of the tree (path + value) and the size of a value', () => {
    let deep: JsonValue = 1;
    for (let i = 0; i < 62; i++) deep = { d: deep };
    // 2 path segments + 62 levels = 64: allowed. One more is not.
    expect(applyOp(base(), { op: 'add', path: '/ui/deep', value: deep }).result.ok).toBe(true);
    rejects(base(), { op: 'add', path: '/ui/windows/deep', value: deep }, /deeper than the limit of 64/);
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.me = cyclic;
    rejects(base(), { op: 'add', path: '/ui/c', value: cyclic }, /deeper/);
    const limits = { ...DEFAULT_LIMITS, maxNodes: 1000 };
    rejects(base(), { op: 'add', path: '/ui/big', value: new Array(2000).fill(1) }, /more than 1000 nodes/, { limits });
    rejects(base(), { op: 'add', path: '/ui/s', value: 'x'.repeat(2_000_000) }, /longer than/);
  });

  it('replaces the whole tree only when allowed', () => {
    const r = applyOp(base(), { op: 'replace', path: '', value: { fresh: true } }, { allowRoot: true });
    expect(r.state).toEqual({ fresh: true });
  });
});

describe('applyOps', () => {
  it('applies good ops, rejects bad ones individually, and never writes to the input', () => {
    const s = base();
    const r = applyOps(s, [
      { op: 'replace', path: '/player/health', value: 1 },
      { op: 'remove', path: '/nope' },
      { op: 'add', path: '/player/inventory/-', value: 'x' },
      { op: 'replace', path: '/player/health', value: 2 },
    ]);
    expect(r.results.map((x) => x.ok)).toEqual([true, false, true, true]);
    expect(r.applied).toBe(3);
    expect(r.state).toMatchObject({ player: { health: 2, inventory: ['sword', 'shield', 'x'] } });
    expect((s.player as JsonObject).health).toBe(100);
  });

  it('copies a container once per call, however many ops change it', () => {
    const s = base();
    const r = applyOps(s, [
      { op: 'replace', path: '/player/position/x', value: 5 },
      { op: 'replace', path: '/player/health', value: 5 },
    ]);
    const one = applyOp(s, { op: 'replace', path: '/player/position/x', value: 5 }).state;
    // Same result as op by op, and the untouched parts are still shared.
    expect(r.state).toEqual(applyOp(one, { op: 'replace', path: '/player/health', value: 5 }).state);
    expect((r.state as JsonObject).world).toBe(s.world);
  });

  it('agrees with a mutable reference implementation, and never changes its input (property)', () => {
    fc.assert(
      fc.property(
        jsonObject.chain((doc) => fc.tuple(fc.constant(doc), fc.array(opFor(doc), { maxLength: 8 }))),
        ([doc, ops]) => {
          const frozen = deepFreeze(JSON.parse(JSON.stringify(doc)) as JsonObject);
          const ours = applyOps(frozen, ops);
          const ref = reference(doc, ops);
          expect(ours.results.map((r) => r.ok)).toEqual(ref.ok);
          expect(deepEqual(ours.state, ref.state as JsonValue)).toBe(true);
          expect(frozen).toEqual(doc);
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** RFC 6902 on a deep copy, written the plain mutable way, to check ours against. */
function reference(doc: unknown, ops: readonly Op[]): { ok: boolean[]; state: unknown } {
  let state = JSON.parse(JSON.stringify(doc)) as unknown;
  const ok: boolean[] = [];
  for (const op of ops) {
    const before = JSON.stringify(state);
    try {
      state = refApply(state, op);
      ok.push(true);
    } catch {
      state = JSON.parse(before);
      ok.push(false);
    }
  }
  return { ok, state };
}

function refApply(state: unknown, op: Op): unknown {
  const segs = parsePointer(op.path);
  if (segs.length === 0) throw new Error('root');
  const value = op.op === 'remove' ? undefined : JSON.parse(JSON.stringify(op.value));
  let parent = state as Record<string, unknown> | unknown[];
  for (const s of segs.slice(0, -1)) {
    const next = Array.isArray(parent) ? (/^(0|[1-9]\d*)$/.test(s) ? parent[Number(s)] : undefined) : Object.hasOwn(parent, s) ? parent[s] : undefined;
    if (next === null || typeof next !== 'object') throw new Error('missing');
    parent = next as Record<string, unknown>;
  }
  const last = segs.at(-1)!;
  if (Array.isArray(parent)) {
    const idx = op.op === 'add' && last === '-' ? parent.length : /^(0|[1-9]\d*)$/.test(last) ? Number(last) : -1;
    if (idx < 0 || idx > parent.length || (op.op !== 'add' && idx === parent.length)) throw new Error('index');
    if (op.op === 'add') parent.splice(idx, 0, value);
    else if (op.op === 'replace') parent[idx] = value;
    else parent.splice(idx, 1);
  } else {
    if (op.op !== 'add' && !Object.hasOwn(parent, last)) throw new Error('member');
    if (op.op === 'remove') delete parent[last];
    else parent[last] = value;
  }
  return state;
}
