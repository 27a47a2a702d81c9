/**
 * The reference server's demo world: a seeded map, creatures that wander,
 * items on the ground, weather and time of day, and the players. It knows
 * game rules (bounds, blocked and occupied tiles, move speed, combat) and
 * nothing of the protocol: the server turns what it says into state ops.
 */
import { EventEmitter } from 'node:events';
import { pick, seededRandom } from '../../../src-shared/random';
import { Grid } from './grid';
import { TileMap, type MapSpec, type Point } from './map';

export const DIRECTIONS = { n: [0, -1], ne: [1, -1], e: [1, 0], se: [1, 1], s: [0, 1], sw: [-1, 1], w: [-1, 0], nw: [-1, -1] } as const;
export type Direction = keyof typeof DIRECTIONS;

export interface Position {
  x: number;
  y: number;
  z: number;
}

export interface Item {
  readonly id: string;
  readonly name: string;
  count: number;
}

interface Entity {
  readonly id: string;
  readonly kind: 'creature' | 'player';
  readonly name: string;
  position: Position;
  health: number;
  maxHealth: number;
}

export interface Creature extends Entity {
  readonly kind: 'creature';
  readonly race: string;
  /** When it next considers a step (0: not yet scheduled — its first tick picks a time within one step interval). */
  nextStepAt: number;
}

export interface Player extends Entity {
  readonly kind: 'player';
  mana: number;
  maxMana: number;
  level: number;
  experience: number;
  readonly inventory: Item[];
  readonly skills: Record<string, number>;
  effects: string[];
  lastMoveAt: number;
}

export interface GroundItem extends Item {
  readonly position: Position;
}

export interface Effect {
  readonly id: string;
  readonly kind: string;
  readonly position: Position;
  readonly until: number;
}

export interface WorldRules {
  /** A player's moves closer together than this are refused (move speed). */
  readonly moveIntervalMs: number;
  /** How far a player sees: ±x tiles, ±y tiles (Tibia's client shows 15 × 11 around the player). */
  readonly viewX: number;
  readonly viewY: number;
  readonly creatures: number;
  readonly items: number;
  /** How often creatures consider a step. */
  readonly creatureStepMs: number;
  readonly weatherEveryMs: number;
  /** Real milliseconds per game minute. */
  readonly msPerGameMinute: number;
  readonly seed: number;
}

export const DEFAULT_RULES: WorldRules = {
  moveIntervalMs: 150,
  viewX: 8,
  viewY: 6,
  creatures: 400,
  items: 300,
  creatureStepMs: 1000,
  weatherEveryMs: 30_000,
  msPerGameMinute: 1000,
  seed: 1,
};

const RACES = [
  { race: 'rat', name: 'Rat', health: 20 },
  { race: 'troll', name: 'Troll', health: 50 },
  { race: 'orc', name: 'Orc', health: 70 },
  { race: 'wolf', name: 'Wolf', health: 25 },
  { race: 'spider', name: 'Spider', health: 20 },
] as const;
const ITEMS = ['gold coin', 'health potion', 'mana potion', 'sword', 'shield', 'apple', 'rope', 'shovel'] as const;
const WEATHER = ['clear', 'cloudy', 'rain', 'storm', 'fog', 'snow'] as const;

/** The parts of a player's view (`world` in its state), one entry per thing seen. */
export type ViewSection = 'creatures' | 'players' | 'items' | 'effects';

/** A thing that appeared, went, moved or changed: its entry in the views of those who see it (or saw it) changes. */
export interface ChangedEntry {
  readonly section: ViewSection;
  readonly id: string;
}

export type WorldChange =
  /**
   * Something changed at these points: every player who sees one of them
   * must be refreshed — for `entries`, the entries of exactly these things
   * (a thing that moved names both its old and new tile).
   */
  | { readonly kind: 'local'; readonly points: readonly Point[]; readonly entries: readonly ChangedEntry[] }
  /** Everyone must be refreshed (weather, time). */
  | { readonly kind: 'global'; readonly what: 'weather' | 'time' }
  /** One player's own state changed (inventory, health…). */
  | { readonly kind: 'player'; readonly id: string; readonly critical?: boolean };

export type MoveResult = { ok: true; position: Position } | { ok: false; reason: string };

export interface CreatureEntry {
  name: string;
  race: string;
  health: number;
  maxHealth: number;
  position: Position;
}
export interface PlayerEntry {
  name: string;
  health: number;
  position: Position;
}
export interface ItemEntry {
  name: string;
  count: number;
  position: Position;
}
export interface EffectEntry {
  kind: string;
  position: Position;
}
export type ViewEntry = CreatureEntry | PlayerEntry | ItemEntry | EffectEntry;

export interface ViewState {
  creatures: Record<string, CreatureEntry>;
  players: Record<string, PlayerEntry>;
  items: Record<string, ItemEntry>;
  effects: Record<string, EffectEntry>;
  weather: string;
  time: { day: number; hour: number; minute: number };
  map: { width: number; height: number; z: number };
}

export class World extends EventEmitter<{ change: [WorldChange]; event: [{ name: string; data: unknown; near?: Point; to?: string }] }> {
  readonly map: TileMap;
  readonly rules: WorldRules;
  private readonly random: () => number;
  private readonly creatures = new Map<string, Creature>();
  private readonly players = new Map<string, Player>();
  private readonly items = new Map<string, GroundItem>();
  private readonly effects = new Map<string, Effect>();
  private readonly occupied = new Map<number, string>();
  private readonly entityGrid = new Grid();
  private readonly itemGrid = new Grid();
  private nextId = 1;
  weather: string = 'clear';
  private lastWeather = 0;
  private gameMinutes = 8 * 60; // the world starts at 08:00 of day 1
  private lastMinuteAt = 0;
  private lastTimeReport = -1;

  constructor(rules: Partial<WorldRules> = {}, mapSpec?: Partial<MapSpec>) {
    super();
    this.setMaxListeners(0);
    this.rules = { ...DEFAULT_RULES, ...rules };
    this.map = new TileMap({ width: 256, height: 256, z: 7, seed: this.rules.seed, blockedRatio: 0.12, ...mapSpec });
    this.random = seededRandom(this.rules.seed * 7919 + 17);
    for (let i = 0; i < this.rules.creatures; i++) this.spawnCreature();
    for (let i = 0; i < this.rules.items; i++) this.dropItem(pick(this.random, ITEMS), 1 + Math.floor(this.random() * 5), this.freeTile());
  }

  private tileKey(x: number, y: number): number {
    return y * this.map.spec.width + x;
  }

  private pos(p: Point): Position {
    return { x: p.x, y: p.y, z: this.map.spec.z };
  }

  private freeTile(): Point {
    for (;;) {
      const p = this.map.randomWalkable(this.random);
      if (!this.occupied.has(this.tileKey(p.x, p.y))) return p;
    }
  }

  private spawnCreature(): Creature {
    const r = pick(this.random, RACES);
    const p = this.freeTile();
    const c: Creature = { id: `c${this.nextId++}`, kind: 'creature', race: r.race, name: r.name, health: r.health, maxHealth: r.health, position: this.pos(p), nextStepAt: 0 };
    this.place(c);
    this.creatures.set(c.id, c);
    // Nobody is there to see the first ones; a respawn appears in someone's view.
    this.emit('change', { kind: 'local', points: [c.position], entries: [{ section: 'creatures', id: c.id }] });
    return c;
  }

  private place(e: Entity): void {
    this.occupied.set(this.tileKey(e.position.x, e.position.y), e.id);
    this.entityGrid.add(e.id, e.position.x, e.position.y);
  }

  private unplace(e: Entity): void {
    this.occupied.delete(this.tileKey(e.position.x, e.position.y));
    this.entityGrid.remove(e.id, e.position.x, e.position.y);
  }

  private dropItem(name: string, count: number, at: Point): GroundItem {
    const item: GroundItem = { id: `i${this.nextId++}`, name, count, position: this.pos(at) };
    this.items.set(item.id, item);
    this.itemGrid.add(item.id, at.x, at.y);
    return item;
  }

  // ---- players -------------------------------------------------------------

  /**
   * A player enters the world: at the temple (the map's spawn) by default,
   * or — `spread` — at a free tile chosen from its id, so that a thousand
   * bots do not all stand in each other's view.
   */
  addPlayer(id: string, name: string, now = Date.now(), spread = false): Player {
    const existing = this.players.get(id);
    if (existing) return existing;
    const near = spread ? this.map.randomWalkable(seededRandom(hashId(id) ^ this.rules.seed)) : this.map.spawn;
    let p: Point = near;
    // The nearest free tile around the spawn, in growing squares.
    search: for (let r = 0; r < 64; r++) {
      for (let dy = -r; dy <= r; dy++) {
        for (let dx = -r; dx <= r; dx++) {
          const x = near.x + dx;
          const y = near.y + dy;
          if (this.map.isWalkable(x, y) && !this.occupied.has(this.tileKey(x, y))) {
            p = { x, y };
            break search;
          }
        }
      }
    }
    const player: Player = {
      id,
      kind: 'player',
      name,
      position: this.pos(p),
      health: 150,
      maxHealth: 150,
      mana: 55,
      maxMana: 55,
      level: 8,
      experience: 4200,
      inventory: [{ id: `i${this.nextId++}`, name: 'health potion', count: 3 }],
      skills: { fist: 10, club: 10, sword: 10, axe: 10, distance: 10, shielding: 10, fishing: 10 },
      effects: [],
      lastMoveAt: now - this.rules.moveIntervalMs,
    };
    this.players.set(id, player);
    this.place(player);
    this.emit('change', { kind: 'local', points: [player.position], entries: [{ section: 'players', id }] });
    return player;
  }

  removePlayer(id: string): void {
    const p = this.players.get(id);
    if (!p) return;
    this.unplace(p);
    this.players.delete(id);
    this.emit('change', { kind: 'local', points: [p.position], entries: [{ section: 'players', id }] });
  }

  player(id: string): Player | undefined {
    return this.players.get(id);
  }

  get playerCount(): number {
    return this.players.size;
  }

  /** Moves a player one step or to an adjacent tile, by the rules. */
  movePlayer(id: string, move: { direction: Direction } | { to: Position }, now = Date.now()): MoveResult {
    const p = this.players.get(id);
    if (!p) return { ok: false, reason: 'no such player' };
    if (now - p.lastMoveAt < this.rules.moveIntervalMs) return { ok: false, reason: `too fast: one step per ${this.rules.moveIntervalMs} ms` };
    let to: Position;
    if ('direction' in move) {
      const [dx, dy] = DIRECTIONS[move.direction];
      to = { x: p.position.x + dx, y: p.position.y + dy, z: p.position.z };
    } else {
      to = move.to;
      if (Math.max(Math.abs(to.x - p.position.x), Math.abs(to.y - p.position.y)) !== 1 || to.z !== p.position.z) {
        return { ok: false, reason: 'a move goes to an adjacent tile on the same floor' };
      }
    }
    if (!this.map.inBounds(to.x, to.y)) return { ok: false, reason: 'out of the map' };
    if (!this.map.isWalkable(to.x, to.y, to.z)) return { ok: false, reason: 'blocked tile' };
    if (this.occupied.has(this.tileKey(to.x, to.y))) return { ok: false, reason: 'occupied tile' };
    const from = p.position;
    this.unplace(p);
    p.position = { ...to };
    this.place(p);
    p.lastMoveAt = now;
    this.emit('change', { kind: 'local', points: [from, p.position], entries: [{ section: 'players', id }] });
    return { ok: true, position: p.position };
  }

  /** PLAYER_ACTION: say, pickup, drop, use_item, rest. Returns null, or why nothing happened. */
  action(id: string, action: string, args: Record<string, unknown> = {}): string | null {
    const p = this.players.get(id);
    if (!p) return 'no such player';
    switch (action) {
      case 'say': {
        const text = typeof args.text === 'string' ? args.text.slice(0, 255) : '';
        if (!text) return 'say needs args.text';
        this.emit('event', { name: 'chat.say', data: { from: p.name, text }, near: p.position });
        return null;
      }
      case 'pickup': {
        for (const itemId of this.itemGrid.near(p.position.x, p.position.y, 1, 1)) {
          const it = this.items.get(itemId);
          if (!it || Math.max(Math.abs(it.position.x - p.position.x), Math.abs(it.position.y - p.position.y)) > 1) continue;
          this.items.delete(it.id);
          this.itemGrid.remove(it.id, it.position.x, it.position.y);
          const same = p.inventory.find((i) => i.name === it.name);
          if (same) same.count += it.count;
          else p.inventory.push({ id: it.id, name: it.name, count: it.count });
          this.emit('change', { kind: 'local', points: [it.position], entries: [{ section: 'items', id: it.id }] });
          this.emit('change', { kind: 'player', id });
          return null;
        }
        return 'nothing to pick up here';
      }
      case 'drop': {
        const index = typeof args.index === 'number' ? args.index : 0;
        const it = p.inventory[index];
        if (!it) return `no item at inventory index ${index}`;
        p.inventory.splice(index, 1);
        const dropped = this.dropItem(it.name, it.count, p.position);
        this.emit('change', { kind: 'local', points: [p.position], entries: [{ section: 'items', id: dropped.id }] });
        this.emit('change', { kind: 'player', id });
        return null;
      }
      case 'use_item': {
        const it = p.inventory.find((i) => i.name === args.item || i.name === 'health potion');
        if (!it) return 'no such item';
        if (it.name === 'health potion') p.health = Math.min(p.maxHealth, p.health + 50);
        if (it.name === 'mana potion') p.mana = Math.min(p.maxMana, p.mana + 50);
        if (--it.count <= 0) p.inventory.splice(p.inventory.indexOf(it), 1);
        this.emit('change', { kind: 'player', id });
        return null;
      }
      case 'rest':
        p.mana = Math.min(p.maxMana, p.mana + 5);
        p.health = Math.min(p.maxHealth, p.health + 5);
        this.emit('change', { kind: 'player', id });
        return null;
      default:
        return `unknown action "${action}" (known: say, pickup, drop, use_item, rest)`;
    }
  }

  /** PLAYER_INTERACT with a creature or player in sight. */
  interact(id: string, target: string, kind: string): string | null {
    const p = this.players.get(id);
    if (!p) return 'no such player';
    const t = this.creatures.get(target) ?? this.players.get(target);
    if (!t || !this.sees(p, t.position)) return `${target} is not in sight`;
    switch (kind) {
      case 'look':
        this.emit('event', { name: 'look', data: { target, description: `You see ${t.kind === 'creature' ? `a ${t.name.toLowerCase()}` : t.name} (${t.health}/${t.maxHealth}).` }, to: id });
        return null;
      case 'attack': {
        if (Math.max(Math.abs(t.position.x - p.position.x), Math.abs(t.position.y - p.position.y)) > 1) return `${target} is out of reach`;
        const damage = 5 + Math.floor(this.random() * 10);
        t.health = Math.max(0, t.health - damage);
        const fx: Effect = { id: `e${this.nextId++}`, kind: 'hit', position: { ...t.position }, until: Date.now() + 1000 };
        this.effects.set(fx.id, fx);
        const died = t.health === 0 && t.kind === 'creature';
        if (died) {
          this.unplace(t);
          this.creatures.delete(t.id);
          p.experience += t.maxHealth * 5;
          this.emit('change', { kind: 'player', id });
        }
        this.emit('change', { kind: 'local', points: [t.position], entries: [{ section: t.kind === 'creature' ? 'creatures' : 'players', id: t.id }, { section: 'effects', id: fx.id }] });
        if (died) this.spawnCreature();
        if (t.kind === 'player') this.emit('change', { kind: 'player', id: t.id, critical: t.health === 0 });
        return null;
      }
      case 'talk':
      case 'trade':
      case 'use':
        this.emit('event', { name: `npc.${kind}`, data: { target, text: `${t.name} ignores you.` }, to: id });
        return null;
      default:
        return `unknown interaction "${kind}"`;
    }
  }

  private sees(p: Player, at: Position): boolean {
    return at.z === p.position.z && Math.abs(at.x - p.position.x) <= this.rules.viewX && Math.abs(at.y - p.position.y) <= this.rules.viewY;
  }

  /** The players whose view includes `at` (the players to refresh after a local change). */
  playersSeeing(at: Point): string[] {
    const out: string[] = [];
    for (const id of this.entityGrid.near(at.x, at.y, this.rules.viewX, this.rules.viewY)) {
      const p = this.players.get(id);
      if (p && Math.abs(at.x - p.position.x) <= this.rules.viewX && Math.abs(at.y - p.position.y) <= this.rules.viewY) out.push(id);
    }
    return out;
  }

  playerIds(): IterableIterator<string> {
    return this.players.keys();
  }

  // ---- time ----------------------------------------------------------------

  /** Advances the world to `now`: creatures step, effects fade, the weather and the clock move. */
  tick(now = Date.now()): void {
    if (this.lastMinuteAt === 0) this.lastMinuteAt = this.lastWeather = now;
    // Each creature considers a step once per interval, at its own moment: the world's work (and the
    // refreshes it causes) comes evenly at every tick rather than all at once every second.
    const every = this.rules.creatureStepMs;
    for (const c of this.creatures.values()) {
      if (c.nextStepAt === 0) c.nextStepAt = now + Math.floor(this.random() * every);
      if (c.nextStepAt > now) continue;
      c.nextStepAt = Math.max(c.nextStepAt + every, now + 1);
      if (this.random() < 0.5) continue;
      const [dx, dy] = DIRECTIONS[pick(this.random, Object.keys(DIRECTIONS) as Direction[])];
      const x = c.position.x + dx;
      const y = c.position.y + dy;
      if (!this.map.isWalkable(x, y) || this.occupied.has(this.tileKey(x, y))) continue;
      const from = c.position;
      this.unplace(c);
      c.position = { x, y, z: from.z };
      this.place(c);
      if (c.health < c.maxHealth) c.health = Math.min(c.maxHealth, c.health + 1);
      this.emit('change', { kind: 'local', points: [from, c.position], entries: [{ section: 'creatures', id: c.id }] });
    }
    for (const e of this.effects.values()) {
      if (e.until <= now) {
        this.effects.delete(e.id);
        this.emit('change', { kind: 'local', points: [e.position], entries: [{ section: 'effects', id: e.id }] });
      }
    }
    if (now - this.lastWeather >= this.rules.weatherEveryMs) {
      this.lastWeather = now;
      this.weather = pick(this.random, WEATHER);
      this.emit('change', { kind: 'global', what: 'weather' });
    }
    const minutes = Math.floor((now - this.lastMinuteAt) / this.rules.msPerGameMinute);
    if (minutes > 0) {
      this.lastMinuteAt += minutes * this.rules.msPerGameMinute;
      this.gameMinutes += minutes;
      // Players see the clock in steps of 10 game minutes: no need to sync every minute.
      const step = Math.floor(this.gameMinutes / 10);
      if (step !== this.lastTimeReport) {
        this.lastTimeReport = step;
        this.emit('change', { kind: 'global', what: 'time' });
      }
    }
  }

  get time(): { day: number; hour: number; minute: number } {
    const m = Math.floor(this.gameMinutes / 10) * 10;
    return { day: 1 + Math.floor(m / 1440), hour: Math.floor((m % 1440) / 60), minute: m % 60 };
  }

  // ---- views ---------------------------------------------------------------

  /** What one player sees: the `world` part of its state. */
  viewOf(id: string): ViewState {
    const p = this.players.get(id);
    const view: ViewState = {
      creatures: {},
      players: {},
      items: {},
      effects: {},
      weather: this.weather,
      time: this.time,
      map: { width: this.map.spec.width, height: this.map.spec.height, z: this.map.spec.z },
    };
    if (!p) return view;
    const { x, y } = p.position;
    for (const eid of this.entityGrid.near(x, y, this.rules.viewX, this.rules.viewY)) {
      const c = this.creatures.get(eid);
      if (c) {
        if (this.sees(p, c.position)) view.creatures[c.id] = creatureEntry(c);
        continue;
      }
      const o = this.players.get(eid);
      if (o && o.id !== id && this.sees(p, o.position)) view.players[o.id] = playerEntry(o);
    }
    for (const iid of this.itemGrid.near(x, y, this.rules.viewX, this.rules.viewY)) {
      const it = this.items.get(iid);
      if (it && this.sees(p, it.position)) view.items[it.id] = itemEntry(it);
    }
    for (const e of this.effects.values()) if (this.sees(p, e.position)) view.effects[e.id] = effectEntry(e);
    return view;
  }

  /**
   * One entry of a player's view — what viewOf(viewer)[section][id] is —
   * or undefined when the viewer does not see it (or it is gone). Refreshing
   * only the entries that changed costs what changed, not the whole view.
   */
  entryOf(viewer: string, section: ViewSection, id: string): ViewEntry | undefined {
    const p = this.players.get(viewer);
    if (!p) return undefined;
    switch (section) {
      case 'creatures': {
        const c = this.creatures.get(id);
        return c && this.sees(p, c.position) ? creatureEntry(c) : undefined;
      }
      case 'players': {
        const o = this.players.get(id);
        return o && o.id !== viewer && this.sees(p, o.position) ? playerEntry(o) : undefined;
      }
      case 'items': {
        const it = this.items.get(id);
        return it && this.sees(p, it.position) ? itemEntry(it) : undefined;
      }
      case 'effects': {
        const e = this.effects.get(id);
        return e && this.sees(p, e.position) ? effectEntry(e) : undefined;
      }
    }
  }

  /** The `player` part of a player's state. */
  playerState(id: string): Record<string, unknown> | null {
    const p = this.players.get(id);
    if (!p) return null;
    return {
      id: p.id,
      name: p.name,
      position: { ...p.position },
      health: p.health,
      maxHealth: p.maxHealth,
      mana: p.mana,
      maxMana: p.maxMana,
      level: p.level,
      experience: p.experience,
      inventory: p.inventory.map((i) => ({ ...i })),
      skills: { ...p.skills },
      effects: [...p.effects],
    };
  }

  /** Read-only snapshot of everything, for admin scripts. */
  snapshot(): Record<string, unknown> {
    return {
      map: { width: this.map.spec.width, height: this.map.spec.height, z: this.map.spec.z, blocked: this.map.blockedCount },
      weather: this.weather,
      time: this.time,
      creatures: [...this.creatures.values()].map((c) => ({ id: c.id, name: c.name, race: c.race, health: c.health, position: { ...c.position } })),
      players: [...this.players.values()].map((p) => ({ id: p.id, name: p.name, level: p.level, health: p.health, position: { ...p.position } })),
      items: [...this.items.values()].map((i) => ({ id: i.id, name: i.name, count: i.count, position: { ...i.position } })),
    };
  }
}

const creatureEntry = (c: Creature): CreatureEntry => ({ name: c.name, race: c.race, health: c.health, maxHealth: c.maxHealth, position: { ...c.position } });
const playerEntry = (o: Player): PlayerEntry => ({ name: o.name, health: o.health, position: { ...o.position } });
const itemEntry = (it: GroundItem): ItemEntry => ({ name: it.name, count: it.count, position: { ...it.position } });
const effectEntry = (e: Effect): EffectEntry => ({ kind: e.kind, position: { ...e.position } });

/** FNV-1a of a string, for a stable per-player choice. */
function hashId(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
