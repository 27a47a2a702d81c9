/**
 * One zustand store in typed slices (see docs/architecture.md). Each slice
 * lives in its own file; this file only composes them.
 */
import { create } from 'zustand';
import { createAppSlice, type AppSlice } from './app-slice';

export type Store = AppSlice;

export const useStore = create<Store>()((...a) => ({
  ...createAppSlice(...a),
}));
