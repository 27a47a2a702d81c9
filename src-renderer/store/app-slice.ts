import type { StateCreator } from 'zustand';
import type { AppInfo } from '../../src-shared/ipc/contract';

export type Connection = 'connecting' | 'open' | 'closed';

export interface AppSlice {
  info: AppInfo | null;
  connection: Connection;
  error: string | null;
  setInfo(info: AppInfo): void;
  setConnection(c: Connection): void;
  setError(e: string | null): void;
}

export const createAppSlice: StateCreator<AppSlice, [], [], AppSlice> = (set) => ({
  info: null,
  connection: 'connecting',
  error: null,
  setInfo: (info) => set({ info, error: null }),
  setConnection: (connection) => set({ connection }),
  setError: (error) => set({ error }),
});
