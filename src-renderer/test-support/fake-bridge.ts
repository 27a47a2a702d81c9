/**
 * A Bridge for unit tests of the store and the controllers: requests go to
 * handlers the test provides (or wait until the test answers them), events
 * are pushed by the test. The browser tests use the real web shell instead.
 */
import type { Bridge, EventChannel, EventOf, ParamsOf, RequestChannel, ResultOf } from '../../src-shared/ipc/contract';

type Handler<C extends RequestChannel> = (params: ParamsOf<C>) => ResultOf<C> | Promise<ResultOf<C>>;

export class FakeBridge implements Bridge {
  readonly calls: { channel: RequestChannel; params: unknown }[] = [];
  private readonly handlers = new Map<RequestChannel, (p: unknown) => unknown>();
  private readonly listeners = new Map<EventChannel, Set<(p: unknown) => void>>();

  handle<C extends RequestChannel>(channel: C, handler: Handler<C>): this {
    this.handlers.set(channel, handler as (p: unknown) => unknown);
    return this;
  }

  async invoke<C extends RequestChannel>(channel: C, params: ParamsOf<C>): Promise<ResultOf<C>> {
    this.calls.push({ channel, params });
    const h = this.handlers.get(channel);
    if (!h) throw Object.assign(new Error(`no handler for ${channel}`), { code: 'UNKNOWN_CHANNEL' });
    return (await h(params)) as ResultOf<C>;
  }

  on<C extends EventChannel>(channel: C, listener: (payload: EventOf<C>) => void): () => void {
    let set = this.listeners.get(channel);
    if (!set) this.listeners.set(channel, (set = new Set()));
    const l = listener as (p: unknown) => void;
    set.add(l);
    return () => set.delete(l);
  }

  emit<C extends EventChannel>(channel: C, payload: EventOf<C>): void {
    for (const l of this.listeners.get(channel) ?? []) l(payload);
  }

  listenerCount(channel: EventChannel): number {
    return this.listeners.get(channel)?.size ?? 0;
  }

  callsTo(channel: RequestChannel): unknown[] {
    return this.calls.filter((c) => c.channel === channel).map((c) => c.params);
  }
}

/** A promise the test resolves by hand, to order a response against events. */
export function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: Error) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((a, b) => {
    resolve = a;
    reject = b;
  });
  return { promise, resolve, reject };
}
