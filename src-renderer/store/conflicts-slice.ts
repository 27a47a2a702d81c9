import type { StateCreator } from 'zustand';
import type { ConflictRow } from '../../src-shared/ipc/contract';
import type { Store } from './index';

/** Conflicts are rare in healthy traffic; a flood beyond this keeps only the newest. */
export const MAX_CONFLICTS = 10_000;

export interface ConflictsSlice {
  conflicts: ReadonlyMap<number, ConflictRow>;
  /** The path prefix the list is narrowed to ('' = all). */
  conflictPrefix: string;
  setConflictPrefix(p: string): void;
  setConflicts(list: readonly ConflictRow[]): void;
  addConflicts(list: readonly ConflictRow[]): void;
}

const keepNewest = (m: Map<number, ConflictRow>): Map<number, ConflictRow> => {
  if (m.size <= MAX_CONFLICTS) return m;
  const ids = [...m.keys()].sort((a, b) => a - b).slice(0, m.size - MAX_CONFLICTS);
  for (const id of ids) m.delete(id);
  return m;
};

export const createConflictsSlice: StateCreator<Store, [], [], ConflictsSlice> = (set) => ({
  conflicts: new Map(),
  conflictPrefix: '',
  setConflictPrefix: (conflictPrefix) => set({ conflictPrefix }),
  setConflicts: (list) => set({ conflicts: keepNewest(new Map(list.map((c) => [c.id, c]))) }),
  addConflicts: (list) =>
    set((s) => {
      // Live additions honour the prefix the list is narrowed to, as main's list would.
      const wanted = list.filter((c) => c.path.startsWith(s.conflictPrefix));
      if (wanted.length === 0) return {};
      const m = new Map(s.conflicts);
      for (const c of wanted) m.set(c.id, c);
      return { conflicts: keepNewest(m) };
    }),
});
