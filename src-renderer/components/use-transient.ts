/**
 * Reads a store value through a transient subscription (zustand's
 * `subscribe`) that wakes React at most every `ms`. Charts use it so a burst
 * of updates redraws them once, and nothing above them re-renders.
 */
import { useCallback, useSyncExternalStore } from 'react';
import { store, type Store } from '../store';

export function useTransient<T>(selector: (s: Store) => T, ms: number): T {
  const subscribe = useCallback(
    (wake: () => void) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      let last = 0;
      const fire = (): void => {
        timer = undefined;
        last = Date.now();
        wake();
      };
      const unsub = store.subscribe(() => {
        if (timer !== undefined) return;
        const wait = ms - (Date.now() - last);
        if (wait <= 0) fire();
        else timer = setTimeout(fire, wait);
      });
      return () => {
        unsub();
        clearTimeout(timer);
      };
    },
    [ms],
  );
  // The selector must return stable values (the series arrays are replaced only when they change).
  return useSyncExternalStore(subscribe, () => selector(store.getState()));
}
