/**
 * Captures opened in the console, uploads on their way to the services, and
 * the source Traffic, State and Conflicts read from. Switching the source
 * empties what those views hold: message ids, session numbers and versions
 * of one source mean nothing in another.
 */
import type { StateCreator } from 'zustand';
import type { CaptureInfo, SourceRef } from '../../src-shared/ipc/contract';
import { LIVE, sameSource } from '../sources';
import type { Store } from './index';

/** A file being sent to the services in chunks (drag and drop, or chosen in the browser). */
export interface UploadState {
  readonly id: number;
  readonly name: string;
  readonly total: number;
  readonly sent: number;
}

export interface SourcesSlice {
  captures: ReadonlyMap<number, CaptureInfo>;
  source: SourceRef;
  uploads: readonly UploadState[];
  setCaptures(list: readonly CaptureInfo[]): void;
  putCapture(c: CaptureInfo): void;
  /** Switches the source and clears what the source-bound views hold (the client then reloads them). */
  setSource(ref: SourceRef): void;
  putUpload(u: UploadState): void;
  dropUpload(id: number): void;
}

export const createSourcesSlice: StateCreator<Store, [], [], SourcesSlice> = (set, get) => ({
  captures: new Map(),
  source: LIVE,
  uploads: [],
  setCaptures: (list) => set({ captures: new Map(list.map((c) => [c.id, c])) }),
  putCapture: (c) => set((s) => ({ captures: new Map(s.captures).set(c.id, c) })),
  setSource: (ref) => {
    if (sameSource(get().source, ref)) return;
    get().trafficWindow.replace([]);
    set((s) => ({
      source: ref,
      scopeSession: null,
      // Traffic
      trafficVersion: s.trafficVersion + 1,
      trafficCount: 0,
      hasOlder: false,
      loadingOlder: false,
      subscription: null,
      selectedId: null,
      details: new Map(),
      // Live only: a capture's stream never runs, so nothing is paused and the last row is all there is.
      paused: false,
      follow: ref === 'live',
      // State
      stateSession: null,
      versions: new Map(),
      diffFrom: null,
      diffTo: null,
      diff: { status: 'idle' },
      tree: { status: 'idle' },
      // Conflicts
      conflicts: new Map(),
    }));
  },
  putUpload: (u) => set((s) => ({ uploads: [...s.uploads.filter((x) => x.id !== u.id), u] })),
  dropUpload: (id) => set((s) => ({ uploads: s.uploads.filter((x) => x.id !== id) })),
});
