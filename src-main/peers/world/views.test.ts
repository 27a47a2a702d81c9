import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyOps, type JsonObject, type JsonValue } from '../../../src-shared/sync';
import { World, DIRECTIONS, type Direction } from './world';
import { ViewChanges } from './views';

const dirs = Object.keys(DIRECTIONS) as Direction[];

/** Players' synced `world` parts, kept up to date only by the ops ViewChanges hands out. */
function harness(world: World): { views: ViewChanges; state: Map<string, JsonValue>; refresh: () => number; refreshOnly: (ids: readonly string[]) => void } {
  const views = new ViewChanges(world);
  world.on('change', (c) => views.note(c));
  const state = new Map<string, JsonValue>();
  const refresh = (): number => {
    let ops = 0;
    if (!views.pending) return 0;
    for (const id of views.players()) {
      if (!world.player(id)) continue;
      const list = views.opsFor(id, state.get(id));
      const r = applyOps((state.get(id) ?? {}) as JsonValue, list.map((o) => (o.path.startsWith('/world') ? { ...o, path: o.path.slice('/world'.length) } : o)), { allowRoot: true });
      expect(r.applied).toBe(list.length);
      state.set(id, r.state);
      ops += list.length;
    }
    views.clear();
    return ops;
  };
  /** What a server refreshing players in turns does: only these players, each marked done. */
  const refreshOnly = (ids: readonly string[]): void => {
    for (const id of ids) {
      if (!world.player(id) || !views.has(id)) continue;
      const list = views.opsFor(id, state.get(id));
      const r = applyOps((state.get(id) ?? {}) as JsonValue, list.map((o) => ({ ...o, path: o.path.slice('/world'.length) })), { allowRoot: true });
      expect(r.applied).toBe(list.length);
      state.set(id, r.state);
      views.done(id);
    }
  };
  return { views, state, refresh, refreshOnly };
}

/** One step of a property test's script: `what` 0–3 walks (direction `arg`), 4 drops, 5 picks up, 6 attacks what is in view. */
function play(world: World, id: string, what: number, arg: number, now: number): void {
  if (what < 4) world.movePlayer(id, { direction: dirs[arg]! }, now);
  else if (what === 4) world.action(id, 'drop', { index: 0 });
  else if (what === 5) world.action(id, 'pickup');
  else if (what === 6) {
    const target = Object.keys(world.viewOf(id).creatures)[0] ?? Object.keys(world.viewOf(id).players)[0];
    if (target) world.interact(id, target, 'attack');
  }
}

const asJson = (v: unknown): JsonValue => JSON.parse(JSON.stringify(v)) as JsonValue;

describe('view changes', () => {
  it('keeps every player’s view equal to a full recomputation while players walk, fight, drop and pick up, creatures wander and effects fade', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 7 })), { minLength: 20, maxLength: 120 }),
        (seed, script) => {
          // A small, crowded map so that players see each other and the creatures.
          const world = new World({ seed, creatures: 60, items: 40, viewX: 4, viewY: 3, moveIntervalMs: 0, creatureStepMs: 300, weatherEveryMs: 2000, msPerGameMinute: 20 }, { width: 24, height: 24 });
          const { state, refresh } = harness(world);
          const ids = Array.from({ length: 8 }, (_, i) => `p${i}`);
          let now = 1000;
          for (const id of ids) {
            world.addPlayer(id, id.toUpperCase(), now, true);
            state.set(id, asJson(world.viewOf(id)));
          }
          refresh();
          for (const [who, what, arg] of script) {
            const id = ids[who]!;
            now += 100;
            if (what === 7 && arg === 0) {
              // Someone leaves and comes back elsewhere.
              world.removePlayer(id);
              world.addPlayer(id, id.toUpperCase(), now, true);
              state.set(id, asJson(world.viewOf(id)));
            } else play(world, id, what, arg, now);
            world.tick(now);
            refresh();
            for (const p of ids) expect(state.get(p)).toEqual(asJson(world.viewOf(p)));
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('refreshed in turns (a group of players at a time, as the server does before each group’s sync tick), every player’s view equals a full recomputation at its turn', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 2, max: 4 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 7 })), { minLength: 20, maxLength: 120 }),
        (seed, groups, script) => {
          const world = new World({ seed, creatures: 60, items: 40, viewX: 4, viewY: 3, moveIntervalMs: 0, creatureStepMs: 300, weatherEveryMs: 2000, msPerGameMinute: 20 }, { width: 24, height: 24 });
          const { views, state, refreshOnly } = harness(world);
          const ids = Array.from({ length: 8 }, (_, i) => `p${i}`);
          let now = 1000;
          for (const id of ids) {
            world.addPlayer(id, id.toUpperCase(), now, true);
            state.set(id, asJson(world.viewOf(id)));
          }
          refreshOnly(ids);
          let turn = 0;
          for (const [who, what, arg] of script) {
            const id = ids[who]!;
            now += 100;
            play(world, id, what, arg, now);
            world.tick(now);
            const group = ids.filter((_, i) => i % groups === turn % groups);
            turn++;
            refreshOnly(group);
            for (const p of group) expect(state.get(p)).toEqual(asJson(world.viewOf(p)));
          }
          // Everyone's turn once more: nothing is left pending, and every view is right.
          refreshOnly(ids);
          expect(views.pending).toBe(false);
          for (const p of ids) expect(state.get(p)).toEqual(asJson(world.viewOf(p)));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('refreshes an onlooker entry by entry, a player who moved whole, and everyone for weather and time', () => {
    const world = new World({ creatures: 0, items: 0, viewX: 4, viewY: 3, moveIntervalMs: 0, weatherEveryMs: 1000, msPerGameMinute: 10 }, { width: 32, height: 32, blockedRatio: 0 });
    const { views, state, refresh } = harness(world);
    world.addPlayer('a', 'A', 0);
    world.addPlayer('b', 'B', 0);
    world.addPlayer('far', 'Far', 0, true);
    for (const id of ['a', 'b', 'far']) state.set(id, asJson(world.viewOf(id)));
    refresh();
    const before = world.player('b')!.position;
    expect(world.movePlayer('b', { direction: before.x > world.player('a')!.position.x ? 'e' : 'w' }, 10).ok).toBe(true);
    expect(views.players().sort()).toEqual(['a', 'b']);
    // The onlooker gets only b's position, the mover its whole view diffed (b sees nothing new here).
    expect(views.opsFor('a', state.get('a'))).toEqual([{ op: 'replace', path: '/world/players/b/position/x', value: world.player('b')!.position.x }]);
    refresh();
    expect(state.get('a')).toEqual(asJson(world.viewOf('a')));
    world.tick(1);
    world.tick(2000);
    expect(views.players().sort()).toEqual(['a', 'b', 'far']);
    const ops = views.opsFor('far', state.get('far'));
    expect(ops.length).toBeGreaterThan(0);
    expect(ops.every((o) => o.path.startsWith('/world/weather') || o.path.startsWith('/world/time'))).toBe(true);
    refresh();
    for (const id of ['a', 'b', 'far']) expect(state.get(id)).toEqual(asJson(world.viewOf(id)));
  });

  it('recomputes whole when the synced part is not a view (missing, or a section replaced by something else)', () => {
    const world = new World({ creatures: 30, items: 10, viewX: 4, viewY: 3 }, { width: 24, height: 24 });
    const views = new ViewChanges(world);
    world.on('change', (c) => views.note(c));
    world.addPlayer('a', 'A', 0);
    views.clear();
    world.addPlayer('b', 'B', 0);
    expect(views.players()).toContain('a');
    const full = asJson(world.viewOf('a')) as JsonObject;
    // b arrived in a's view: a has one entry to refresh, which needs a `players` object to go in.
    for (const current of [undefined, 'nonsense', { ...full, players: [] }] as (JsonValue | undefined)[]) {
      const ops = views.opsFor('a', current);
      const out = applyOps(current ?? {}, ops.map((o) => ({ ...o, path: o.path.slice('/world'.length) })), { allowRoot: true });
      expect(out.applied).toBe(ops.length);
      expect(out.state).toEqual(full);
    }
  });
});
