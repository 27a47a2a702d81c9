/**
 * The console's services facade: one dispatch table for every request
 * channel of src-shared/ipc and one emitter for its events. The Electron
 * shell, the web shell and the tests attach to it; it knows nothing of
 * either transport.
 */
import { EventEmitter } from 'node:events';
import {
  ServiceError,
  isRequestChannel,
  type EventChannel,
  type EventOf,
  type ParamsOf,
  type RequestChannel,
  type ResultOf,
} from '../../src-shared/ipc/contract';
import { APP } from './app-info';

type Handlers = { [C in RequestChannel]: (params: ParamsOf<C>) => Promise<ResultOf<C>> | ResultOf<C> };

export interface ServicesOptions {
  readonly shell: 'electron' | 'web' | 'cli';
}

export class ConsoleServices {
  private readonly events = new EventEmitter();
  private readonly handlers: Handlers;
  readonly startedAt = Date.now();

  constructor(readonly options: ServicesOptions) {
    this.events.setMaxListeners(0);
    this.handlers = {
      'app.info': () => ({
        name: APP.name,
        version: APP.version,
        shell: options.shell,
        platform: `${process.platform}-${process.arch}`,
        node: process.versions.node,
        startedAt: this.startedAt,
        protocol: APP.protocol,
      }),
      'app.ping': ({ t }) => ({ t, serverTime: Date.now() }),
    };
  }

  /** Runs a request from any UI. Unknown channels and handler failures become ServiceErrors. */
  async handle(channel: unknown, params: unknown): Promise<unknown> {
    if (!isRequestChannel(channel)) throw new ServiceError('UNKNOWN_CHANNEL', `no such request channel: ${String(channel)}`);
    const handler = this.handlers[channel] as (p: unknown) => unknown;
    try {
      return await handler(params);
    } catch (e) {
      if (e instanceof ServiceError) throw e;
      throw new ServiceError('INTERNAL', (e as Error).message);
    }
  }

  emit<C extends EventChannel>(channel: C, payload: EventOf<C>): void {
    this.events.emit('event', channel, payload);
  }

  /** Every event, for a transport to forward. Returns the unsubscribe function. */
  subscribe(listener: (channel: EventChannel, payload: unknown) => void): () => void {
    this.events.on('event', listener);
    return () => this.events.off('event', listener);
  }

  async close(): Promise<void> {
    this.events.removeAllListeners();
  }
}
