import { describe, expect, it } from 'vitest';
import { World, DIRECTIONS, type Direction, type WorldChange } from './world';
import { TileMap } from './map';

const small = { creatures: 20, items: 20 };

describe('map', () => {
  it('is the same for the same seed, different for another, and keeps the spawn clear', () => {
    const a = new TileMap({ width: 64, height: 64, z: 7, seed: 5, blockedRatio: 0.2 });
    const b = new TileMap({ width: 64, height: 64, z: 7, seed: 5, blockedRatio: 0.2 });
    const c = new TileMap({ width: 64, height: 64, z: 7, seed: 6, blockedRatio: 0.2 });
    expect(a.blockedCount).toBe(b.blockedCount);
    expect(a.blockedCount).not.toBe(c.blockedCount);
    expect(a.blockedCount).toBeGreaterThan(200);
    for (let dy = -3; dy <= 3; dy++) for (let dx = -3; dx <= 3; dx++) expect(a.isWalkable(32 + dx, 32 + dy)).toBe(true);
    expect(a.isWalkable(-1, 0)).toBe(false);
    expect(a.isWalkable(0, 64)).toBe(false);
    expect(a.isWalkable(32, 32, 8)).toBe(false);
  });
});

describe('world rules', () => {
  it('moves a player one step, and refuses moves that are too fast', () => {
    const w = new World({ ...small, moveIntervalMs: 100 });
    const p = w.addPlayer('p1', 'Knight', 0);
    const start = { ...p.position };
    let t = 1000;
    let moved: Direction | null = null;
    for (const d of Object.keys(DIRECTIONS) as Direction[]) {
      const r = w.movePlayer('p1', { direction: d }, t);
      if (r.ok) {
        moved = d;
        break;
      }
    }
    expect(moved).not.toBeNull();
    const [dx, dy] = DIRECTIONS[moved!];
    expect(w.player('p1')!.position).toEqual({ x: start.x + dx, y: start.y + dy, z: 7 });
    t += 50;
    expect(w.movePlayer('p1', { direction: moved! }, t)).toEqual({ ok: false, reason: 'too fast: one step per 100 ms' });
  });

  it('refuses blocked, occupied and out-of-map tiles, and non-adjacent destinations', () => {
    const w = new World({ ...small, moveIntervalMs: 0 }, { width: 32, height: 32 });
    const a = w.addPlayer('a', 'A', 0);
    const b = w.addPlayer('b', 'B', 0);
    const toward = (from: { x: number; y: number }, to: { x: number; y: number }): Direction =>
      (Object.keys(DIRECTIONS) as Direction[]).find((d) => from.x + DIRECTIONS[d][0] === to.x && from.y + DIRECTIONS[d][1] === to.y)!;
    expect(w.movePlayer('a', { direction: toward(a.position, b.position) }, 1)).toEqual({ ok: false, reason: 'occupied tile' });
    expect(w.movePlayer('a', { to: { x: a.position.x + 2, y: a.position.y, z: 7 } }, 2)).toMatchObject({ ok: false });
    // Walk west until the edge of the map: the last step is refused.
    let last: { ok: boolean; reason?: string } = { ok: true };
    for (let i = 0; i < 40 && last.ok; i++) last = w.movePlayer('b', { direction: 'w' }, 10 + i);
    expect(['out of the map', 'blocked tile', 'occupied tile']).toContain((last as { reason: string }).reason);
  });

  it('creatures wander the same way for the same seed', () => {
    const run = (): string => {
      const w = new World({ ...small, seed: 9 });
      for (let t = 0; t <= 10_000; t += 500) w.tick(t);
      return JSON.stringify(w.snapshot().creatures);
    };
    expect(run()).toBe(run());
  });

  it('creatures step at their own moments: every tick moves some, none moves all of a second’s steps', () => {
    const w = new World({ creatures: 300, items: 0, creatureStepMs: 1000, seed: 4 });
    const perTick: number[] = [];
    let moved = 0;
    w.on('change', (c) => {
      if (c.kind === 'local' && c.entries.some((e) => e.section === 'creatures')) moved++;
    });
    w.tick(1000);
    for (let t = 1100; t <= 3000; t += 100) {
      moved = 0;
      w.tick(t);
      perTick.push(moved);
    }
    const lastSecond = perTick.slice(-10);
    const total = lastSecond.reduce((a, b) => a + b, 0);
    // Each creature considers one step a second and takes it half the time (unless the tile is taken).
    expect(total).toBeGreaterThan(300 * 0.3);
    expect(total).toBeLessThan(300 * 0.6);
    expect(lastSecond.every((n) => n > 0)).toBe(true);
    expect(Math.max(...lastSecond)).toBeLessThan(total * 0.3);
  });

  it('a player sees only what is within its view', () => {
    const w = new World({ creatures: 300, items: 0, viewX: 4, viewY: 3 });
    const p = w.addPlayer('p1', 'A');
    const view = w.viewOf('p1');
    for (const c of Object.values(view.creatures)) {
      expect(Math.abs(c.position.x - p.position.x)).toBeLessThanOrEqual(4);
      expect(Math.abs(c.position.y - p.position.y)).toBeLessThanOrEqual(3);
    }
    const all = w.snapshot().creatures as { position: { x: number; y: number } }[];
    const inSight = all.filter((c) => Math.abs(c.position.x - p.position.x) <= 4 && Math.abs(c.position.y - p.position.y) <= 3);
    expect(Object.keys(view.creatures).length).toBe(inSight.length);
  });

  it('reports local changes to the players who see them, and global ones', () => {
    const w = new World({ ...small, weatherEveryMs: 1000, msPerGameMinute: 10 });
    const changes: WorldChange[] = [];
    w.on('change', (c) => changes.push(c));
    w.addPlayer('p1', 'A');
    w.tick(1);
    w.tick(2000);
    expect(changes.some((c) => c.kind === 'global' && c.what === 'weather')).toBe(true);
    expect(changes.some((c) => c.kind === 'global' && c.what === 'time')).toBe(true);
    const p = w.player('p1')!;
    expect([...w.playersSeeing(p.position)]).toEqual(['p1']);
  });

  it('drop and pickup move an item between the ground and the inventory', () => {
    const w = new World({ ...small, items: 0 });
    w.addPlayer('p1', 'A');
    expect(w.action('p1', 'drop', { index: 0 })).toBeNull();
    expect(w.player('p1')!.inventory).toHaveLength(0);
    expect(Object.values(w.viewOf('p1').items)).toMatchObject([{ name: 'health potion', count: 3 }]);
    expect(w.action('p1', 'pickup')).toBeNull();
    expect(w.player('p1')!.inventory).toMatchObject([{ name: 'health potion', count: 3 }]);
    expect(w.action('p1', 'pickup')).toBe('nothing to pick up here');
    expect(w.action('p1', 'dance')).toMatch(/unknown action/);
  });

  it('attacking a creature until it dies gives experience and respawns one elsewhere', () => {
    const w = new World({ creatures: 2000, items: 0 }, { width: 64, height: 64 });
    w.addPlayer('p1', 'A');
    const p = w.player('p1')!;
    const near = Object.entries(w.viewOf('p1').creatures).find(([, c]) => Math.max(Math.abs(c.position.x - p.position.x), Math.abs(c.position.y - p.position.y)) === 1);
    expect(near).toBeDefined();
    const [id] = near!;
    const xp = p.experience;
    for (let i = 0; i < 30 && w.viewOf('p1').creatures[id]; i++) expect(w.interact('p1', id, 'attack')).toBeNull();
    expect(w.viewOf('p1').creatures[id]).toBeUndefined();
    expect(p.experience).toBeGreaterThan(xp);
    expect((w.snapshot().creatures as unknown[]).length).toBe(2000);
    expect(w.interact('p1', 'c999999', 'look')).toMatch(/not in sight/);
  });
});
