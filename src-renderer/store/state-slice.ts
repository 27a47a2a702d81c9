/**
 * State: per session, the timeline of versions; the two versions picked for
 * a diff (any two, not only neighbours), the diff main computed, and the
 * tree at the version being looked at.
 */
import type { StateCreator } from 'zustand';
import type { StateOp, StateVersionRow } from '../../src-shared/ipc/contract';
import type { Store } from './index';

/** Versions kept per session in the timeline; main keeps the states themselves. */
export const MAX_VERSIONS = 50_000;

export type Loadable<T> =
  | { readonly status: 'idle' }
  | { readonly status: 'loading' }
  | { readonly status: 'ok'; readonly value: T }
  | { readonly status: 'error'; readonly message: string };

export interface StateSlice {
  stateSession: number | null;
  versions: ReadonlyMap<number, readonly StateVersionRow[]>;
  /** The versions picked as A (from) and B (to). */
  diffFrom: number | null;
  diffTo: number | null;
  diff: Loadable<{ from: number; to: number; ops: readonly StateOp[] }>;
  tree: Loadable<{ version: number; state: unknown }>;
  setStateSession(id: number | null): void;
  setVersions(session: number, rows: readonly StateVersionRow[]): void;
  addVersions(events: readonly { session: number; row: StateVersionRow }[]): void;
  pickFrom(v: number | null): void;
  pickTo(v: number | null): void;
  setDiff(d: StateSlice['diff']): void;
  setTree(t: StateSlice['tree']): void;
}

export const createStateSlice: StateCreator<Store, [], [], StateSlice> = (set) => ({
  stateSession: null,
  versions: new Map(),
  diffFrom: null,
  diffTo: null,
  diff: { status: 'idle' },
  tree: { status: 'idle' },
  setStateSession: (stateSession) =>
    set((s) => (s.stateSession === stateSession ? {} : { stateSession, diffFrom: null, diffTo: null, diff: { status: 'idle' }, tree: { status: 'idle' } })),
  setVersions: (session, rows) =>
    set((s) => {
      const sorted = [...rows].sort((a, b) => a.version - b.version).slice(-MAX_VERSIONS);
      return { versions: new Map(s.versions).set(session, sorted) };
    }),
  addVersions: (events) =>
    set((s) => {
      if (events.length === 0) return {};
      const versions = new Map(s.versions);
      for (const { session, row } of events) {
        const list = versions.get(session) ?? [];
        const last = list[list.length - 1];
        if (last && row.version <= last.version) {
          // Out of order or repeated: insert in place unless it is already there.
          if (list.some((r) => r.version === row.version)) continue;
          versions.set(session, [...list, row].sort((a, b) => a.version - b.version));
          continue;
        }
        const next = [...list, row];
        versions.set(session, next.length > MAX_VERSIONS ? next.slice(next.length - MAX_VERSIONS) : next);
      }
      return { versions };
    }),
  pickFrom: (diffFrom) => set({ diffFrom }),
  pickTo: (diffTo) => set({ diffTo }),
  setDiff: (diff) => set({ diff }),
  setTree: (tree) => set({ tree }),
});
