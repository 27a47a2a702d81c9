/**
 * The OTClient side of events: REMOTE requests, BROADCAST and TARGETED
 * triggers sent to the server as EVENT_TRIGGER, their EVENT_RESPONSEs, and
 * EVENT_BROADCASTs coming in. The peer supplies `send` (which writes the
 * trigger as a request frame) and passes in what it receives.
 *
 * Triggers not yet answered are kept with their ids; after a resume the peer
 * calls `resend()` and the server, which remembers the ids it answered,
 * answers the same again instead of acting twice.
 */
import { EventBus, type DispatchResult } from './bus';
import { UUID_PATTERN } from './ids';
import { nameError } from './pattern';
import { type BusEvent, type EventBroadcastBody, type EventResponseBody, type EventTriggerBody, type PlayerId } from './types';

export class EventError extends Error {
  override readonly name = 'EventError';
  constructor(
    message: string,
    /** The trigger's id. */
    readonly id: string,
  ) {
    super(message);
  }
}

export interface ClientEventsOptions {
  /** Sends an EVENT_TRIGGER request (the peer pairs its RESPONSE and calls `receiveResponse`). */
  readonly send: (trigger: EventTriggerBody) => void;
  /** Where incoming broadcasts are dispatched; a new bus by default. */
  readonly bus?: EventBus;
}

interface Waiting {
  readonly trigger: EventTriggerBody;
  readonly resolve: (data: unknown) => void;
  readonly reject: (e: EventError) => void;
}

export class ClientEvents {
  readonly bus: EventBus;
  private readonly waiting = new Map<string, Waiting>();

  constructor(private readonly options: ClientEventsOptions) {
    this.bus = options.bus ?? new EventBus();
  }

  /** A REMOTE event: resolves with the server's `data`, rejects with EventError when it answers `ok: false`. */
  request<R = unknown>(name: string, data?: unknown): Promise<R> {
    return this.trigger({ name, scope: 'remote', data }) as Promise<R>;
  }

  /** A BROADCAST through the server to every player; resolves when the server has accepted it. */
  broadcast(name: string, data?: unknown): Promise<void> {
    return this.trigger({ name, scope: 'broadcast', data }).then(() => undefined);
  }

  /** A TARGETED event through the server to the named players. */
  sendTo(targets: readonly PlayerId[], name: string, data?: unknown): Promise<void> {
    if (!Array.isArray(targets) || targets.length === 0) return Promise.reject(new EventError('a targeted event needs at least one target', ''));
    return this.trigger({ name, scope: 'targeted', targets, data }).then(() => undefined);
  }

  /** An EVENT_RESPONSE; returns false when it answers nothing we are waiting for (already answered, unknown). */
  receiveResponse(body: EventResponseBody): boolean {
    const w = typeof body?.id === 'string' ? this.waiting.get(body.id) : undefined;
    if (!w) return false;
    this.waiting.delete(body.id);
    if (body.ok === true) w.resolve(body.data);
    else w.reject(new EventError(typeof body.error === 'string' ? body.error : 'the server refused the event', body.id));
    return true;
  }

  /** An EVENT_BROADCAST: dispatched on the bus (scope broadcast) unless its id was seen. */
  receiveBroadcast(body: EventBroadcastBody): DispatchResult {
    const bad = typeof body?.id !== 'string' ? 'missing id' : nameError(body.name);
    if (bad) return { duplicate: false, delivered: 0, failed: 0 };
    const event: BusEvent = {
      id: body.id,
      name: body.name,
      scope: 'broadcast',
      source: body.source,
      ts: typeof body.ts === 'number' ? body.ts : this.bus.now(),
      ...(body.data === undefined ? {} : { data: body.data }),
    };
    return this.bus.dispatch(event);
  }

  /** Triggers sent and not yet answered (to send again after a resume). */
  unanswered(): EventTriggerBody[] {
    return [...this.waiting.values()].map((w) => w.trigger);
  }

  /** Sends every unanswered trigger again, with its id. Returns how many. */
  resend(): number {
    const list = this.unanswered();
    for (const t of list) this.options.send(t);
    return list.length;
  }

  /** Gives up on one trigger (its request timed out). */
  fail(id: string, reason: string): boolean {
    const w = this.waiting.get(id);
    if (!w) return false;
    this.waiting.delete(id);
    w.reject(new EventError(reason, id));
    return true;
  }

  /** Gives up on every trigger (the session ended). */
  failAll(reason: string): number {
    const ids = [...this.waiting.keys()];
    for (const id of ids) this.fail(id, reason);
    return ids.length;
  }

  get pending(): number {
    return this.waiting.size;
  }

  private trigger(t: { name: string; scope: EventTriggerBody['scope']; targets?: readonly PlayerId[]; data?: unknown }): Promise<unknown> {
    const bad = nameError(t.name);
    if (bad) return Promise.reject(new EventError(bad, ''));
    const id = this.bus.newId();
    if (!UUID_PATTERN.test(id)) return Promise.reject(new EventError(`newId gave "${id}", not a UUID`, id));
    const trigger: EventTriggerBody = {
      id,
      name: t.name,
      scope: t.scope,
      ...(t.targets ? { targets: [...t.targets] } : {}),
      ...(t.data === undefined ? {} : { data: t.data }),
    };
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { trigger, resolve, reject });
      try {
        this.options.send(trigger);
      } catch (e) {
        this.waiting.delete(id);
        reject(new EventError(`could not send: ${(e as Error)?.message ?? String(e)}`, id));
      }
    });
  }
}
