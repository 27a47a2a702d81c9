/**
 * Which players' views changed since the last sync tick, and the ops that
 * bring each one's `world` state up to date.
 *
 * A player who moved sees a different area: its view is recomputed whole
 * and diffed. Everyone else only sees some things appear, go, move or change
 * — a creature stepping, another player walking by — so only those entries
 * are recomputed. With a thousand players walking, most refreshes are the
 * second kind, and their cost is the few entries that changed rather than
 * the whole view (about 9 in 10 of the server's view work at 1000 bots).
 * Weather and time concern everyone but only those two members.
 */
import { diff, hasOwn, isPlainObject, childPointer, type JsonObject, type JsonValue, type Op } from '../../../src-shared/sync';
import { type ViewSection, type World, type WorldChange } from './world';

/** Past this many changed entries, a player's view is recomputed whole (cheaper than entry by entry). */
const MAX_ENTRIES = 32;

export class ViewChanges {
  /** Players whose whole view is recomputed. */
  private readonly whole = new Set<string>();
  /** Per player, the entries to recompute: key `section/id`. */
  private readonly entries = new Map<string, Map<string, { section: ViewSection; id: string }>>();
  /** Players who have not yet been given the last change of weather or time. */
  private readonly globals = new Set<string>();

  constructor(private readonly world: World) {}

  /** Records a change of the world (call it for every 'change' the world emits). */
  note(c: WorldChange): void {
    if (c.kind === 'global') {
      for (const id of this.world.playerIds()) this.globals.add(id);
      return;
    }
    if (c.kind !== 'local') return;
    // Keys once per change, not once per viewer (a change is seen by several players).
    const keys = c.entries.map((e) => `${e.section}/${e.id}`);
    const players = c.entries.filter((e) => e.section === 'players').map((e) => e.id);
    for (const point of c.points) {
      for (const viewer of this.world.playersSeeing(point)) {
        if (this.whole.has(viewer)) continue;
        // The viewer itself moved (or arrived): everything around it may be new.
        if (players.includes(viewer)) {
          this.markWhole(viewer);
          continue;
        }
        let mine = this.entries.get(viewer);
        if (!mine) this.entries.set(viewer, (mine = new Map()));
        for (let i = 0; i < keys.length; i++) mine.set(keys[i]!, c.entries[i]!);
        if (mine.size > MAX_ENTRIES) this.markWhole(viewer);
      }
    }
  }

  /** The player's view is recomputed whole at the next refresh (it moved, or its state may be off). */
  markWhole(playerId: string): void {
    this.whole.add(playerId);
    this.entries.delete(playerId);
  }

  /** Whether anyone's view changed. */
  get pending(): boolean {
    return this.globals.size > 0 || this.whole.size > 0 || this.entries.size > 0;
  }

  /** Whether this player's view changed since it was last refreshed (see done()). */
  has(playerId: string): boolean {
    return this.whole.has(playerId) || this.entries.has(playerId) || this.globals.has(playerId);
  }

  /** The players to refresh: those something changed for (everyone after a change of weather or time). */
  players(): string[] {
    const out = new Set(this.whole);
    for (const id of this.entries.keys()) out.add(id);
    for (const id of this.globals) out.add(id);
    return [...out];
  }

  /**
   * Ops that turn `current` (the player's synced `world` part) into what it
   * sees now. Recomputes the whole view when it must (or when `current` is
   * not the shape a view has), else only the entries that changed.
   */
  opsFor(playerId: string, current: JsonValue | undefined): Op[] {
    if (this.whole.has(playerId) || !isPlainObject(current)) return diff(current ?? {}, this.world.viewOf(playerId) as unknown as JsonValue, '/world');
    const ops: Op[] = [];
    if (this.globals.has(playerId)) {
      const now = { weather: this.world.weather, time: this.world.time } as unknown as JsonObject;
      ops.push(...diff({ weather: current.weather ?? null, time: current.time ?? null }, now, '/world'));
    }
    const mine = this.entries.get(playerId);
    if (!mine) return ops;
    for (const { section, id } of mine.values()) {
      const table = current[section];
      if (!isPlainObject(table)) return diff(current, this.world.viewOf(playerId) as unknown as JsonValue, '/world');
      const had = hasOwn(table, id) ? table[id] : undefined;
      const now = this.world.entryOf(playerId, section, id) as unknown as JsonValue | undefined;
      const path = childPointer(`/world/${section}`, id);
      if (had === undefined) {
        if (now !== undefined) ops.push({ op: 'add', path, value: now });
      } else if (now === undefined) ops.push({ op: 'remove', path });
      else ops.push(...diff(had, now, path));
    }
    return ops;
  }

  /**
   * After this player's refresh: nothing is pending for it any more. A
   * server that refreshes players in turns (each just before its sync tick)
   * calls this per player; what changed for the others stays pending, so
   * several changes of one entry between two of its turns cost one diff.
   */
  done(playerId: string): void {
    this.whole.delete(playerId);
    this.entries.delete(playerId);
    this.globals.delete(playerId);
  }

  /** After a refresh of everyone: nothing is pending any more. */
  clear(): void {
    this.whole.clear();
    this.entries.clear();
    this.globals.clear();
  }
}
