/**
 * The one typed contract between the console's services (main process, CLI,
 * web shell) and any UI. Declared once as type maps; both shells and the
 * renderer derive every wrapper's types from it, and the channel lists below
 * are what the Electron preload and the web shell accept — nothing else.
 */

export interface AppInfo {
  readonly name: string;
  readonly version: string;
  /** 'electron' or 'web' */
  readonly shell: string;
  readonly platform: string;
  readonly node: string;
  readonly startedAt: number;
  readonly protocol: string;
}

/** Request/response channels: params in, result out. */
export interface RequestMap {
  'app.info': { params: void; result: AppInfo };
  'app.ping': { params: { t: number }; result: { t: number; serverTime: number } };
}

/** Events pushed from the services to every connected UI. */
export interface EventMap {
  'app.notice': { level: 'info' | 'warn' | 'error'; text: string; at: number };
}

export type RequestChannel = keyof RequestMap;
export type EventChannel = keyof EventMap;
export type ParamsOf<C extends RequestChannel> = RequestMap[C]['params'];
export type ResultOf<C extends RequestChannel> = RequestMap[C]['result'];
export type EventOf<C extends EventChannel> = EventMap[C];

/** Runtime lists, checked against the maps at compile time. */
export const REQUEST_CHANNELS = ['app.info', 'app.ping'] as const satisfies readonly RequestChannel[];
export const EVENT_CHANNELS = ['app.notice'] as const satisfies readonly EventChannel[];

// Compile-time proof that the runtime lists name every channel.
type Missing<All, Listed> = Exclude<All, Listed>;
const _allRequests: Missing<RequestChannel, (typeof REQUEST_CHANNELS)[number]> extends never ? true : never = true;
const _allEvents: Missing<EventChannel, (typeof EVENT_CHANNELS)[number]> extends never ? true : never = true;
void _allRequests;
void _allEvents;

const requestSet: ReadonlySet<string> = new Set(REQUEST_CHANNELS);
const eventSet: ReadonlySet<string> = new Set(EVENT_CHANNELS);
export const isRequestChannel = (c: unknown): c is RequestChannel => typeof c === 'string' && requestSet.has(c);
export const isEventChannel = (c: unknown): c is EventChannel => typeof c === 'string' && eventSet.has(c);

/** What a UI holds: the same shape over Electron IPC and over WebSocket. */
export interface Bridge {
  invoke<C extends RequestChannel>(channel: C, params: ParamsOf<C>): Promise<ResultOf<C>>;
  on<C extends EventChannel>(channel: C, listener: (payload: EventOf<C>) => void): () => void;
}

/** Messages of the WebSocket transport (the Electron one uses ipcRenderer.invoke / webContents.send). */
export type WireMessage =
  | { t: 'req'; id: number; ch: RequestChannel; p: unknown }
  | { t: 'res'; id: number; ok: true; r: unknown }
  | { t: 'res'; id: number; ok: false; e: { message: string; code?: string } }
  | { t: 'evt'; ch: EventChannel; p: unknown };

/** An error a service returns to a UI: `code` is machine-readable, `message` is for people. */
export class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
