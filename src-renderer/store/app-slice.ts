import type { StateCreator } from 'zustand';
import type { AppInfo, ProxyStatus } from '../../src-shared/ipc/contract';
import type { Store } from './index';
import { CONSOLE_VIEWS } from '../../src-shared/ipc/shell';

export type Connection = 'connecting' | 'open' | 'closed';
export type Theme = 'dark' | 'light';
/** In the order of the navigation and of Alt+1 … Alt+9, Alt+0 (and of the Electron View menu: the list is shared with main). */
export const VIEWS = CONSOLE_VIEWS;
export type ViewName = (typeof VIEWS)[number];

export interface Notice {
  readonly id: number;
  readonly level: 'info' | 'warn' | 'error';
  readonly text: string;
  readonly at: number;
}

export interface AppSlice {
  info: AppInfo | null;
  proxy: ProxyStatus | null;
  connection: Connection;
  error: string | null;
  theme: Theme;
  view: ViewName;
  /** The session picked in Sessions (null: all): Traffic, Metrics and State follow it. */
  scopeSession: number | null;
  notices: readonly Notice[];
  setInfo(info: AppInfo): void;
  setProxy(p: ProxyStatus): void;
  setConnection(c: Connection): void;
  setError(e: string | null): void;
  setTheme(t: Theme): void;
  setView(v: ViewName): void;
  setScope(session: number | null): void;
  addNotice(n: Omit<Notice, 'id'>): void;
  dismissNotice(id: number): void;
}

/** The last few notices are enough: older ones are in the services' log. */
const MAX_NOTICES = 5;
let noticeId = 0;

export const createAppSlice: StateCreator<Store, [], [], AppSlice> = (set) => ({
  info: null,
  proxy: null,
  connection: 'connecting',
  error: null,
  theme: 'dark',
  view: 'traffic',
  scopeSession: null,
  notices: [],
  setInfo: (info) => set({ info, error: null }),
  setProxy: (proxy) => set({ proxy }),
  setConnection: (connection) => set({ connection }),
  setError: (error) => set({ error }),
  setTheme: (theme) => set({ theme }),
  setView: (view) => set({ view }),
  setScope: (scopeSession) => set({ scopeSession }),
  addNotice: (n) => set((s) => ({ notices: [...s.notices, { ...n, id: ++noticeId }].slice(-MAX_NOTICES) })),
  dismissNotice: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
});
