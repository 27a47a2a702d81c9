import { createContext, useContext } from 'react';
import type { ConsoleClient } from './index';

export const ClientContext = createContext<ConsoleClient | null>(null);

/** The console client the app was started with (views call the services through it). */
export function useClient(): ConsoleClient {
  const c = useContext(ClientContext);
  if (!c) throw new Error('useClient outside <ClientContext.Provider>');
  return c;
}
