/**
 * The Canary side of events, one per server: answers REMOTE triggers with
 * the registered handler, and turns BROADCAST and TARGETED triggers (and
 * the server's own broadcasts) into deliveries — EVENT_BROADCAST bodies and
 * who they are for — that the peer sends to the matching sessions.
 *
 * A trigger is handled once per (player, id): a trigger resent after a
 * resume gets the same answer, and nothing is delivered twice. Broadcast
 * bodies get fresh ids from the server, so a client cannot choose the ids
 * other players deduplicate by.
 */
import { BoundedMap } from './bounded';
import { EventBus } from './bus';
import { UUID_PATTERN } from './ids';
import { compilePattern, nameError, type Matcher } from './pattern';
import { type BusEvent, type EventBroadcastBody, type EventResponseBody, type PlayerId } from './types';

/** Answers a REMOTE event: the resolved value is the response's `data`; a throw is `ok: false`. */
export type RemoteHandler = (event: BusEvent, from: PlayerId) => unknown;

/** One EVENT_BROADCAST to send: to every logged-in player, or to those named. */
export interface Delivery {
  readonly to: 'all' | readonly PlayerId[];
  readonly body: EventBroadcastBody;
}

export interface TriggerOutcome {
  /** The EVENT_RESPONSE to send back to the trigger's sender. */
  readonly response: EventResponseBody;
  readonly deliveries: readonly Delivery[];
  /** This (player, id) was handled before: the same response, no deliveries. */
  readonly duplicate: boolean;
}

export interface ServerEventsOptions {
  /** Server-side subscribers see every accepted trigger; a new bus by default. */
  readonly bus?: EventBus;
  /** Triggers remembered for idempotent answers. Default 4096. */
  readonly memory?: number;
  /** `source` of the server's own broadcasts. Default "server". */
  readonly serverId?: PlayerId;
  /** Most targets one event may name. Default 1000 (the session limit). */
  readonly maxTargets?: number;
}

const SCOPES: ReadonlySet<unknown> = new Set(['remote', 'broadcast', 'targeted']);

export class ServerEvents {
  readonly bus: EventBus;
  private handlers: { readonly pattern: string; readonly matches: Matcher; readonly handler: RemoteHandler }[] = [];
  private readonly answered: BoundedMap<string, Promise<TriggerOutcome>>;

  constructor(private readonly options: ServerEventsOptions = {}) {
    this.bus = options.bus ?? new EventBus();
    this.answered = new BoundedMap(options.memory ?? 4096);
  }

  /** Registers the handler that answers REMOTE events matching `pattern` (the first registered match answers). */
  handle(pattern: string, handler: RemoteHandler): () => void {
    const entry = { pattern, matches: compilePattern(pattern), handler };
    this.handlers = [...this.handlers, entry];
    return () => {
      this.handlers = this.handlers.filter((h) => h !== entry);
    };
  }

  /** An EVENT_TRIGGER from `from`. Resolves with the response to send and the deliveries to make. */
  trigger(from: PlayerId, body: unknown): Promise<TriggerOutcome> {
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const id = typeof b.id === 'string' ? b.id : '';
    const key = `${typeof from}:${String(from)}\u0000${id}`;
    const before = id ? this.answered.get(key) : undefined;
    if (before) return before.then((o) => ({ response: o.response, deliveries: [], duplicate: true }));
    const outcome = this.run(from, b, id);
    if (id && UUID_PATTERN.test(id)) this.answered.set(key, outcome);
    return outcome;
  }

  /** The server's own event to every player, or to `targets`. */
  broadcast(name: string, data?: unknown, targets?: readonly PlayerId[]): Delivery {
    const bad = nameError(name);
    if (bad) throw new RangeError(bad);
    const source = this.options.serverId ?? 'server';
    const body = this.body(name, source, data);
    this.bus.dispatch(this.event(body, targets ? 'targeted' : 'broadcast', targets));
    return { to: targets ? [...targets] : 'all', body };
  }

  private async run(from: PlayerId, b: Record<string, unknown>, id: string): Promise<TriggerOutcome> {
    const refuse = (error: string): TriggerOutcome => ({ response: { id, ok: false, error }, deliveries: [], duplicate: false });
    if (!UUID_PATTERN.test(id)) return refuse('the event id must be a UUID');
    const bad = nameError(b.name);
    if (bad) return refuse(bad);
    if (!SCOPES.has(b.scope)) return refuse('scope must be remote, broadcast or targeted');
    const name = b.name as string;
    const scope = b.scope as 'remote' | 'broadcast' | 'targeted';
    const data = b.data;

    if (scope === 'remote') {
      const h = this.handlers.find((x) => x.matches(name));
      if (!h) return refuse(`no handler for "${name}"`);
      const event: BusEvent = { id, name, scope, source: from, ts: this.bus.now(), ...(data === undefined ? {} : { data }) };
      this.bus.dispatch(event, { dedupe: false });
      try {
        const result = await h.handler(event, from);
        return { response: { id, ok: true, ...(result === undefined ? {} : { data: result }) }, deliveries: [], duplicate: false };
      } catch (e) {
        return refuse(e instanceof Error ? e.message : String(e));
      }
    }

    let targets: PlayerId[] | undefined;
    if (scope === 'targeted') {
      const max = this.options.maxTargets ?? 1000;
      if (!Array.isArray(b.targets) || b.targets.length === 0) return refuse('a targeted event needs at least one target');
      if (b.targets.length > max) return refuse(`a targeted event names at most ${max} players`);
      if (!b.targets.every((t) => typeof t === 'string' || (typeof t === 'number' && Number.isInteger(t)))) return refuse('targets must be player ids');
      targets = [...new Set(b.targets as PlayerId[])];
    }
    const body = this.body(name, from, data);
    this.bus.dispatch(this.event(body, scope, targets), { dedupe: false });
    return { response: { id, ok: true }, deliveries: [{ to: targets ?? 'all', body }], duplicate: false };
  }

  private body(name: string, source: PlayerId, data: unknown): EventBroadcastBody {
    return { id: this.bus.newId(), name, source, ts: this.bus.now(), ...(data === undefined ? {} : { data }) };
  }

  private event(body: EventBroadcastBody, scope: 'broadcast' | 'targeted', targets?: readonly PlayerId[]): BusEvent {
    return {
      id: body.id,
      name: body.name,
      scope,
      source: body.source,
      ts: body.ts,
      ...(targets ? { targets } : {}),
      ...(body.data === undefined ? {} : { data: body.data }),
    };
  }
}
