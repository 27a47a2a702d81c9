/**
 * Events as the peers see them, and the bodies that carry them (spec §5:
 * EVENT_TRIGGER, EVENT_RESPONSE, EVENT_BROADCAST).
 */

/** Player ids are strings or integers (the protocol's `id`). */
export type PlayerId = string | number;

/**
 * - local: stays in this process, never sent.
 * - remote: a request to the server, answered by a response.
 * - broadcast: the server delivers it to every player.
 * - targeted: the server delivers it to the named players.
 */
export type EventScope = 'local' | 'remote' | 'broadcast' | 'targeted';

export interface BusEvent<D = unknown> {
  /** Unique; a second delivery of the same id is dropped. */
  readonly id: string;
  readonly name: string;
  readonly scope: EventScope;
  readonly data?: D;
  /** Who raised it (a player id, or "server"); absent for local events. */
  readonly source?: PlayerId;
  /** For targeted events: who it is for. */
  readonly targets?: readonly PlayerId[];
  /** When it was raised, ms since the epoch. */
  readonly ts: number;
}

/** EVENT_TRIGGER (client → server, a request). */
export interface EventTriggerBody {
  readonly id: string;
  readonly name: string;
  readonly scope: 'remote' | 'broadcast' | 'targeted';
  readonly targets?: readonly PlayerId[];
  readonly data?: unknown;
}

/** EVENT_RESPONSE (server → client, the RESPONSE to a trigger). */
export interface EventResponseBody {
  readonly id: string;
  readonly ok: boolean;
  readonly data?: unknown;
  readonly error?: string;
}

/** EVENT_BROADCAST (server → client, a push). */
export interface EventBroadcastBody {
  readonly id: string;
  readonly name: string;
  readonly source: PlayerId;
  readonly data?: unknown;
  readonly ts: number;
}
