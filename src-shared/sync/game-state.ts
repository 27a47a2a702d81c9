/**
 * The synchronised tree of spec §5.1: `player` and `world`, which the
 * server owns, and `ui`, which the client owns. Sync itself treats the tree
 * as plain JSON; these types and the empty state give both peers the same
 * starting point (version 0) and name the parts.
 */
import { checkValue, isPlainObject, type JsonObject, type JsonValue, type ValueLimits } from './json';

export interface Position {
  readonly x: number;
  readonly y: number;
  readonly z: number;
}

export interface PlayerState extends JsonObject {
  readonly position: Position & JsonObject;
  readonly health: number;
  readonly mana: number;
  readonly inventory: readonly JsonValue[];
  readonly skills: JsonObject;
  readonly effects: readonly JsonValue[];
}

export interface WorldState extends JsonObject {
  /** By creature id. */
  readonly creatures: JsonObject;
  readonly items: readonly JsonValue[];
  readonly effects: readonly JsonValue[];
  readonly weather: JsonValue;
  /** In-game time of day, minutes since midnight. */
  readonly time: number;
}

export interface UiState extends JsonObject {
  /** By window id. */
  readonly windows: JsonObject;
  readonly widgets: JsonObject;
  readonly notifications: readonly JsonValue[];
}

export interface GameState extends JsonObject {
  readonly player: PlayerState;
  readonly world: WorldState;
  readonly ui: UiState;
}

/** Top-level parts and who owns them (spec §5.1). */
export const STATE_PARTS = { player: 'server', world: 'server', ui: 'client' } as const;

export function emptyGameState(): GameState {
  return {
    player: { position: { x: 0, y: 0, z: 7 }, health: 0, mana: 0, inventory: [], skills: {}, effects: [] },
    world: { creatures: {}, items: [], effects: [], weather: null, time: 0 },
    ui: { windows: {}, widgets: {}, notifications: [] },
  };
}

/** The given initial tree after the checks every value gets (trees are assumed plain JSON from then on), or the empty game state. */
export function checkedInitialState(state: JsonObject | undefined, limits: ValueLimits): JsonObject {
  if (state === undefined) return emptyGameState();
  const e = isPlainObject(state) ? checkValue(state, limits.maxDepth, { ...limits, maxNodes: Infinity }) : 'the state must be an object';
  if (e) throw new RangeError(`initialState: ${e}`);
  return state;
}
