/**
 * Traffic: the row window, the filter as typed and as applied, the stream's
 * pause/follow state, the selection and the details fetched for it.
 */
import type { StateCreator } from 'zustand';
import type { FilterError, MessageDetail, TrafficSubscription } from '../../src-shared/ipc/contract';
import type { MessageSummary } from '../../src-shared/records';
import { compileFilter } from '../../src-shared/filter';
import { RowWindow } from './row-window';
import type { Store } from './index';

/** The bound: the newest 200 000 rows in memory; older ones are paged from main. */
export const ROW_CAPACITY = 200_000;
/** Details kept for going back and forth between rows; a detail can be large (its wire bytes). */
const MAX_DETAILS = 64;

export type DetailEntry =
  | { readonly status: 'loading' }
  | { readonly status: 'ok'; readonly detail: MessageDetail }
  | { readonly status: 'missing' }
  | { readonly status: 'error'; readonly message: string };

export interface TrafficSlice {
  /** Mutable, stable identity: read it by index; `trafficVersion` says when it changed. */
  trafficWindow: RowWindow;
  trafficVersion: number;
  trafficCount: number;
  /** What is in the box, and what main is filtering with (the last text that compiled). */
  filterText: string;
  filterApplied: string;
  filterError: FilterError | null;
  filterDescribe: string;
  subscription: number | null;
  subscribing: boolean;
  paused: boolean;
  /** Keep the newest row in view as rows arrive. */
  follow: boolean;
  hasOlder: boolean;
  loadingOlder: boolean;
  selectedId: number | null;
  details: ReadonlyMap<number, DetailEntry>;

  /** Sets the box's text and checks it (no request: the controller decides when to apply it). */
  setFilterText(text: string): void;
  setFilterApplied(text: string): void;
  setServerFilterError(e: FilterError | null): void;
  setSubscribing(on: boolean): void;
  trafficSnapshot(sub: TrafficSubscription): void;
  trafficAppend(rows: readonly MessageSummary[]): void;
  trafficPrepend(rows: readonly MessageSummary[], hasMore: boolean): void;
  setLoadingOlder(on: boolean): void;
  setPaused(p: boolean): void;
  setFollow(f: boolean): void;
  select(id: number | null): void;
  setDetail(id: number, entry: DetailEntry): void;
}

export const createTrafficSlice =
  (capacity: number): StateCreator<Store, [], [], TrafficSlice> =>
  (set, get) => ({
    trafficWindow: new RowWindow(capacity),
    trafficVersion: 0,
    trafficCount: 0,
    filterText: '',
    filterApplied: '',
    filterError: null,
    filterDescribe: 'all messages',
    subscription: null,
    subscribing: false,
    paused: false,
    follow: true,
    hasOlder: false,
    loadingOlder: false,
    selectedId: null,
    details: new Map(),

    setFilterText: (text) => {
      const f = compileFilter(text);
      set(f.ok ? { filterText: text, filterError: null, filterDescribe: f.describe } : { filterText: text, filterError: f.error });
    },
    setFilterApplied: (filterApplied) => set({ filterApplied }),
    setServerFilterError: (filterError) => set({ filterError }),
    setSubscribing: (subscribing) => set({ subscribing }),

    trafficSnapshot: (sub) => {
      const w = get().trafficWindow;
      w.replace(sub.rows);
      set((s) => ({
        subscription: sub.subscription,
        subscribing: false,
        trafficVersion: s.trafficVersion + 1,
        trafficCount: w.length,
        hasOlder: sub.hasOlder,
        ...(sub.filterError ? { filterError: sub.filterError } : {}),
      }));
    },
    trafficAppend: (rows) => {
      const w = get().trafficWindow;
      const trimmedBefore = w.trimmed;
      if (w.append(rows) === 0) return;
      set((s) => ({
        trafficVersion: s.trafficVersion + 1,
        trafficCount: w.length,
        // Rows trimmed from the front can be paged back.
        ...(w.trimmed !== trimmedBefore ? { hasOlder: true } : {}),
      }));
    },
    trafficPrepend: (rows, hasMore) => {
      const w = get().trafficWindow;
      const added = w.prepend(rows);
      set((s) => ({
        hasOlder: hasMore,
        loadingOlder: false,
        ...(added ? { trafficVersion: s.trafficVersion + 1, trafficCount: w.length } : {}),
      }));
    },
    setLoadingOlder: (loadingOlder) => set({ loadingOlder }),
    setPaused: (paused) => set({ paused }),
    setFollow: (follow) => set({ follow }),
    select: (selectedId) => set({ selectedId }),
    setDetail: (id, entry) =>
      set((s) => {
        const details = new Map(s.details);
        details.delete(id);
        details.set(id, entry);
        // Oldest first in insertion order: drop from the front.
        for (const k of details.keys()) {
          if (details.size <= MAX_DETAILS) break;
          if (k !== s.selectedId) details.delete(k);
        }
        return { details };
      }),
  });
