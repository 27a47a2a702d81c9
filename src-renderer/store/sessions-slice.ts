import type { StateCreator } from 'zustand';
import type { SessionRow } from '../../src-shared/ipc/contract';
import type { Store } from './index';

export interface SessionsSlice {
  /** By id; replaced (never mutated) when main sends a new list. */
  sessions: ReadonlyMap<number, SessionRow>;
  setSessions(list: readonly SessionRow[]): void;
}

export const createSessionsSlice: StateCreator<Store, [], [], SessionsSlice> = (set) => ({
  sessions: new Map(),
  setSessions: (list) => set({ sessions: new Map(list.map((s) => [s.id, s])) }),
});
