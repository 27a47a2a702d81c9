/**
 * One zustand store in typed slices (docs/architecture.md). Each slice lives
 * in its own file; this file only composes them. `createConsoleStore` makes
 * a fresh store (tests make one each); the app uses the one below.
 */
import { createStore, useStore as useZustand, type StoreApi } from 'zustand';
import { createAppSlice, type AppSlice } from './app-slice';
import { createTrafficSlice, ROW_CAPACITY, type TrafficSlice } from './traffic-slice';
import { createSessionsSlice, type SessionsSlice } from './sessions-slice';
import { createMetricsSlice, type MetricsSlice } from './metrics-slice';
import { createFaultsSlice, type FaultsSlice } from './faults-slice';
import { createConflictsSlice, type ConflictsSlice } from './conflicts-slice';
import { createStateSlice, type StateSlice } from './state-slice';
import { createReplaySlice, type ReplaySlice } from './replay-slice';
import { createSourcesSlice, type SourcesSlice } from './sources-slice';
import { createMigrationsSlice, type MigrationsSlice } from './migrations-slice';
import { createConfigSlice, type ConfigSlice } from './config-slice';
import { createAuditSlice, type AuditSlice } from './audit-slice';

export type Store = AppSlice &
  TrafficSlice &
  SessionsSlice &
  MetricsSlice &
  FaultsSlice &
  ConflictsSlice &
  StateSlice &
  ReplaySlice &
  SourcesSlice &
  MigrationsSlice &
  ConfigSlice &
  AuditSlice;
export type ConsoleStore = StoreApi<Store>;

export function createConsoleStore(options: { rowCapacity?: number } = {}): ConsoleStore {
  return createStore<Store>()((...a) => ({
    ...createAppSlice(...a),
    ...createTrafficSlice(options.rowCapacity ?? ROW_CAPACITY)(...a),
    ...createSessionsSlice(...a),
    ...createMetricsSlice(...a),
    ...createFaultsSlice(...a),
    ...createConflictsSlice(...a),
    ...createStateSlice(...a),
    ...createReplaySlice(...a),
    ...createSourcesSlice(...a),
    ...createMigrationsSlice(...a),
    ...createConfigSlice(...a),
    ...createAuditSlice(...a),
  }));
}

export const store = createConsoleStore();

/** One selector per value (style.md): components subscribe to exactly what they draw. */
export function useStore<T>(selector: (s: Store) => T): T {
  return useZustand(store, selector);
}
