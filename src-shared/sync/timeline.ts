/**
 * A session's state over time, rebuilt from what the server sends — for
 * the proxy, a capture viewer or a replay. Feed it the server's
 * GAME_STATE_UPDATE pushes (and catch-ups) and GAME_STATE_SYNC snapshots;
 * it keeps the tree at each version (bounded). Versions share every
 * unchanged subtree (copy-on-write), so keeping many costs what changed,
 * and `diff(a, b)` between two of them only walks what differs.
 *
 * Accepted client ops come back in the server's batches, so the server →
 * client direction alone is enough.
 */
import { diff } from './diff';
import { isPlainObject, type JsonObject } from './json';
import { type StateBatch, type StateSnapshot } from './messages';
import { applyOps, opShapeError, type Op } from './ops';

export type TimelineOutcome =
  | { readonly status: 'applied'; readonly version: number }
  /** Already known (a redelivery). */
  | { readonly status: 'stale' }
  /** Does not follow the latest version: versions in between were not seen. Waits for a snapshot. */
  | { readonly status: 'gap'; readonly missing: readonly [number, number] }
  | { readonly status: 'invalid'; readonly reason: string };

export interface StateTimelineOptions {
  /** Versions kept. Default 1000. */
  readonly capacity?: number;
  /** Known state at `initialVersion`, if the capture started at a known point. */
  readonly initialState?: JsonObject;
  readonly initialVersion?: number;
}

export class StateTimeline {
  private readonly states = new Map<number, JsonObject>();
  private last: number | null = null;
  readonly capacity: number;

  constructor(options: StateTimelineOptions = {}) {
    this.capacity = options.capacity ?? 1000;
    if (options.initialState) this.keep(options.initialVersion ?? 0, options.initialState);
  }

  /** The latest version known, or null before the first snapshot. */
  get latest(): number | null {
    return this.last;
  }

  /** The tree at `version`, if kept. */
  at(version: number): JsonObject | undefined {
    return this.states.get(version);
  }

  /** Versions kept, oldest first. */
  versions(): number[] {
    return [...this.states.keys()].sort((a, b) => a - b);
  }

  applySnapshot(s: StateSnapshot): TimelineOutcome {
    if (!isPlainObject(s) || !Number.isSafeInteger(s.version) || s.version < 0 || !isPlainObject(s.state)) {
      return { status: 'invalid', reason: 'a snapshot is {version, state}' };
    }
    this.keep(s.version, s.state);
    return { status: 'applied', version: s.version };
  }

  applyBatch(b: StateBatch): TimelineOutcome {
    if (!isPlainObject(b) || !Number.isSafeInteger(b.from) || !Number.isSafeInteger(b.to) || b.to < b.from || !Array.isArray(b.ops)) {
      return { status: 'invalid', reason: 'a batch is {from, to, ops}' };
    }
    if (this.last === null) return { status: 'gap', missing: [0, b.from] };
    if (b.to <= this.last && this.states.has(b.to)) return { status: 'stale' };
    if (b.from !== this.last) return { status: 'gap', missing: [this.last, b.from] };
    for (const op of b.ops) {
      const e = opShapeError(op);
      if (e) return { status: 'invalid', reason: e };
    }
    const r = applyOps(this.states.get(this.last)!, b.ops as readonly Op[]);
    const bad = r.results.findIndex((x) => !x.ok);
    if (bad >= 0) {
      const res = r.results[bad]!;
      return { status: 'invalid', reason: `op ${bad} does not apply: ${res.ok ? '' : res.reason}` };
    }
    this.keep(b.to, r.state as JsonObject);
    return { status: 'applied', version: b.to };
  }

  /** Ops that turn version `a` into version `b`, or null when either is not kept. */
  diff(a: number, b: number): Op[] | null {
    const x = this.states.get(a);
    const y = this.states.get(b);
    return x && y ? diff(x, y) : null;
  }

  private keep(version: number, state: JsonObject): void {
    this.states.delete(version);
    this.states.set(version, state);
    if (this.last === null || version >= this.last) this.last = version;
    while (this.states.size > this.capacity) this.states.delete(this.states.keys().next().value as number);
  }
}
