import type { StateCreator } from 'zustand';
import type { SessionRow } from '../../src-shared/ipc/contract';
import { sessionKey } from '../sources';
import type { Store } from './index';

export interface SessionsSlice {
  /**
   * Live and captured sessions by sessionKey ('live/3', 'capture:2/3': numbers
   * repeat across sources); replaced (never mutated) when main sends a new list.
   */
  sessions: ReadonlyMap<string, SessionRow>;
  setSessions(list: readonly SessionRow[]): void;
}

export const createSessionsSlice: StateCreator<Store, [], [], SessionsSlice> = (set) => ({
  sessions: new Map(),
  setSessions: (list) => set({ sessions: new Map(list.map((s) => [sessionKey(s), s])) }),
});
