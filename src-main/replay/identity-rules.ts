/**
 * Which values a server hands out that later client messages refer to, and
 * where: the table identity mapping runs on. It follows the catalogue
 * (src-shared/protocol/catalogue.ts): every rule names a message type and a
 * JSON pointer into its body ("*" = every element), checked against the
 * catalogue when the rules are built.
 *
 * - learn rules: where a new value appears in the server's answers (the
 *   captured answer at the same place gives the old value);
 * - use rules: where client messages carry one, and how it is put in:
 *   map (captured value → new value), current (the latest new value),
 *   fresh (the replay mints a new one: a resent event id would hit the
 *   server's idempotency cache), shift (a clock stamp re-based on the
 *   moment the replay sends it).
 *
 * Kinds marked `anywhere` are also replaced wherever their captured value
 * appears as a string in a client message, and translated back in every
 * comparison (a player id inside event data, or as a key of /world/players).
 */
import { ALL_MESSAGES } from '../../src-shared/protocol';
import { ReplayError } from './errors';

export interface IdentityKind {
  readonly name: string;
  readonly anywhere: boolean;
  /** Never printed (tokens). */
  readonly secret: boolean;
}

export interface LearnRule {
  readonly kind: string;
  readonly type: string;
  /** response: in a RESPONSE; push: in a push; any: either. */
  readonly role: 'response' | 'push' | 'any';
  readonly pointer: string;
  /** Read this claim of the JWT found there instead of the value itself. */
  readonly claim?: string;
}

export interface UseRule {
  readonly kind: string;
  readonly type: string;
  readonly pointer: string;
  readonly how: 'map' | 'current' | 'fresh' | 'shift';
}

export interface IdentityRules {
  readonly kinds: readonly IdentityKind[];
  readonly learn: readonly LearnRule[];
  readonly use: readonly UseRule[];
}

export const DEFAULT_IDENTITY_RULES: IdentityRules = {
  kinds: [
    { name: 'sessionId', anywhere: true, secret: false },
    { name: 'accountId', anywhere: true, secret: false },
    { name: 'playerId', anywhere: true, secret: false },
    { name: 'eventId', anywhere: true, secret: false },
    { name: 'broadcastId', anywhere: true, secret: false },
    { name: 'resourceHash', anywhere: true, secret: false },
    { name: 'itemId', anywhere: true, secret: false },
    { name: 'stateVersion', anywhere: false, secret: false },
    { name: 'refreshToken', anywhere: false, secret: true },
    { name: 'accessToken', anywhere: false, secret: true },
    { name: 'clock', anywhere: false, secret: false },
  ],
  learn: [
    { kind: 'sessionId', type: 'HANDSHAKE', role: 'response', pointer: '/sessionId' },
    { kind: 'sessionId', type: 'AUTH_LOGIN', role: 'response', pointer: '/accessToken', claim: 'sid' },
    { kind: 'accountId', type: 'AUTH_LOGIN', role: 'response', pointer: '/accountId' },
    { kind: 'playerId', type: 'AUTH_LOGIN', role: 'response', pointer: '/playerId' },
    { kind: 'accessToken', type: 'AUTH_LOGIN', role: 'response', pointer: '/accessToken' },
    { kind: 'refreshToken', type: 'AUTH_LOGIN', role: 'response', pointer: '/refreshToken' },
    { kind: 'accessToken', type: 'AUTH_REFRESH', role: 'response', pointer: '/accessToken' },
    { kind: 'refreshToken', type: 'AUTH_REFRESH', role: 'response', pointer: '/refreshToken' },
    { kind: 'stateVersion', type: 'GAME_STATE_SYNC', role: 'any', pointer: '/version' },
    { kind: 'stateVersion', type: 'GAME_STATE_UPDATE', role: 'any', pointer: '/to' },
    { kind: 'stateVersion', type: 'GAME_STATE_UPDATE', role: 'response', pointer: '/version' },
    { kind: 'eventId', type: 'EVENT_RESPONSE', role: 'response', pointer: '/id' },
    { kind: 'broadcastId', type: 'EVENT_BROADCAST', role: 'push', pointer: '/id' },
    { kind: 'resourceHash', type: 'RESOURCE_RESPONSE', role: 'response', pointer: '/sha256' },
    { kind: 'resourceHash', type: 'RESOURCE_UPDATE', role: 'push', pointer: '/sha256' },
    // A world mints item ids as players log in: two players logging in the other way round swap them.
    { kind: 'itemId', type: 'GAME_STATE_SYNC', role: 'any', pointer: '/state/player/inventory/*/id' },
  ],
  use: [
    { kind: 'refreshToken', type: 'AUTH_REFRESH', pointer: '/refreshToken', how: 'current' },
    { kind: 'stateVersion', type: 'GAME_STATE_UPDATE', pointer: '/from', how: 'current' },
    { kind: 'stateVersion', type: 'GAME_STATE_UPDATE', pointer: '/to', how: 'current' },
    { kind: 'stateVersion', type: 'GAME_STATE_REQUEST', pointer: '/since', how: 'current' },
    { kind: 'clock', type: 'GAME_STATE_UPDATE', pointer: '/ops/*/ts/wall', how: 'shift' },
    { kind: 'eventId', type: 'EVENT_TRIGGER', pointer: '/id', how: 'fresh' },
    { kind: 'playerId', type: 'EVENT_TRIGGER', pointer: '/targets/*', how: 'map' },
    { kind: 'playerId', type: 'PLAYER_INTERACT', pointer: '/target', how: 'map' },
    { kind: 'resourceHash', type: 'RESOURCE_REQUEST', pointer: '/ifNoneMatch', how: 'map' },
  ],
};

const TYPES: ReadonlySet<string> = new Set(ALL_MESSAGES.map((d) => d.name));

/** Checks a rule table against the catalogue: known types, known kinds, pointers that are pointers. */
export function checkIdentityRules(rules: IdentityRules): IdentityRules {
  const kinds = new Set(rules.kinds.map((k) => k.name));
  const where = (r: { type: string; pointer: string; kind: string }, what: string): void => {
    if (!TYPES.has(r.type)) throw new ReplayError('BAD_RULE', `${what} rule for ${r.kind}: "${r.type}" is not a message type of the catalogue`);
    if (!kinds.has(r.kind)) throw new ReplayError('BAD_RULE', `${what} rule ${r.type} ${r.pointer}: unknown identity kind "${r.kind}"`);
    if (r.pointer !== '' && !r.pointer.startsWith('/')) throw new ReplayError('BAD_RULE', `${what} rule ${r.type} "${r.pointer}": a pointer starts with "/"`);
  };
  for (const r of rules.learn) where(r, 'learn');
  for (const r of rules.use) where(r, 'use');
  return rules;
}

/**
 * Paths whose values are identities that change on every run and are not
 * translated (tokens, state versions, clocks): the comparison leaves them
 * out, since a difference there says nothing about the server under test.
 */
export function identityIgnores(rules: IdentityRules): string[] {
  const byName = new Map(rules.kinds.map((k) => [k.name, k]));
  const out = new Set<string>();
  for (const r of rules.learn) {
    const k = byName.get(r.kind);
    if (k && !k.anywhere) out.add(`${r.type}:${r.pointer}`);
  }
  return [...out];
}
