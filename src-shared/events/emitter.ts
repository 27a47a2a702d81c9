/**
 * A small typed, synchronous emitter for the sync and event classes
 * (`session.on('batch', …)`). Written here because src-shared cannot use
 * Node's EventEmitter, and because a listener that throws must not break
 * the state machine that is emitting: the error is caught, reported, and
 * the other listeners still run.
 */

export type ListenerErrorReporter = (error: unknown, event: string) => void;

/**
 * Default report: rethrow on a fresh microtask, so the bug is as loud as an
 * uncaught exception (Node prints it; a browser logs it) while the emitter,
 * already past the listener, stays consistent.
 */
export const rethrowLater: ListenerErrorReporter = (error) => {
  queueMicrotask(() => {
    throw error;
  });
};

export class Emitter<Events extends { [K in keyof Events]: unknown }> {
  private readonly listeners = new Map<keyof Events, Array<(payload: never) => void>>();

  constructor(private readonly onListenerError: ListenerErrorReporter = rethrowLater) {}

  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): () => void {
    const list = this.listeners.get(event);
    if (list) list.push(listener);
    else this.listeners.set(event, [listener]);
    return () => this.off(event, listener);
  }

  off<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): boolean {
    const list = this.listeners.get(event);
    const i = list ? list.indexOf(listener) : -1;
    if (i < 0) return false;
    list!.splice(i, 1);
    return true;
  }

  has(event: keyof Events): boolean {
    return (this.listeners.get(event)?.length ?? 0) > 0;
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const list = this.listeners.get(event);
    if (!list || list.length === 0) return;
    // A copy: listeners may subscribe or unsubscribe while being called.
    for (const listener of list.length === 1 ? list : [...list]) {
      try {
        (listener as (p: Events[K]) => void)(payload);
      } catch (error) {
        this.onListenerError(error, String(event));
      }
    }
  }
}
