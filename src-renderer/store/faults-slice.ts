import type { StateCreator } from 'zustand';
import type { Fault } from '../../src-shared/faults';
import type { Store } from './index';

export interface FaultsSlice {
  faults: ReadonlyMap<string, Fault>;
  setFaults(list: readonly Fault[]): void;
  /** One fault changed (an add/update answered before the next 'faults.changed'). */
  putFault(f: Fault): void;
  dropFault(id: string): void;
}

export const createFaultsSlice: StateCreator<Store, [], [], FaultsSlice> = (set) => ({
  faults: new Map(),
  setFaults: (list) => set({ faults: new Map(list.map((f) => [f.id, f])) }),
  putFault: (f) => set((s) => ({ faults: new Map(s.faults).set(f.id, f) })),
  dropFault: (id) =>
    set((s) => {
      if (!s.faults.has(id)) return {};
      const faults = new Map(s.faults);
      faults.delete(id);
      return { faults };
    }),
});
