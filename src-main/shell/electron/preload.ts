/**
 * The preload: exposes exactly the typed contract of src-shared/ipc as
 * `window.otbridge` — never ipcRenderer itself. Channels outside the
 * contract are refused here, and main checks the sender again.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  isEventChannel,
  isRequestChannel,
  type Bridge,
  type EventChannel,
  type RequestChannel,
} from '../../../src-shared/ipc/contract';

type Reply = { ok: true; r: unknown } | { ok: false; e: { code: string; message: string } };

const bridge: Bridge = {
  async invoke(channel: RequestChannel, params: unknown) {
    if (!isRequestChannel(channel)) throw new Error(`unknown channel ${String(channel)}`);
    const reply = (await ipcRenderer.invoke(channel, params)) as Reply;
    if (!reply.ok) throw Object.assign(new Error(reply.e.message), { code: reply.e.code });
    return reply.r as never;
  },
  on(channel: EventChannel, listener: (payload: never) => void) {
    if (!isEventChannel(channel)) throw new Error(`unknown event ${String(channel)}`);
    const wrapped = (_e: IpcRendererEvent, payload: unknown): void => listener(payload as never);
    ipcRenderer.on(channel, wrapped);
    return () => {
      ipcRenderer.off(channel, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('otbridge', bridge);
