/**
 * The four conflict strategies of spec §5.1 and the one pure function that
 * applies them. Both peers, and the proxy judging a conflict it saw on the
 * wire, call `decide(strategy, clientOp, serverOp)`; it looks only at the
 * two ops, so every caller reaches the same decision.
 *
 * A decision says what becomes of the client's op once the server's op has
 * taken effect: dropped, kept (applied after the server's), or rewritten to
 * carry a merged value. The server's op always stands — when the client
 * wins, its op is simply applied after it.
 */
import { type HlcStamp, type PatchOp } from '../protocol/catalogue';
import { compareStamps } from './hlc';
import { hasOwn, isPlainObject, type JsonObject, type JsonValue } from './json';
import { Patcher } from './ops';
import { getAt, isAncestorOrSelf, isPositional, lastSegment, splitPointer } from './pointer';
import { PrefixTable } from './prefix';

export type Strategy = 'LAST_WRITE_WINS' | 'CLIENT_WINS' | 'SERVER_WINS' | 'MERGE';
export const STRATEGIES: readonly Strategy[] = ['LAST_WRITE_WINS', 'CLIENT_WINS', 'SERVER_WINS', 'MERGE'];

/** Spec §5.1 ownership turned into defaults: the server decides its parts, the client its own. */
export const DEFAULT_STRATEGIES: Readonly<Record<string, Strategy>> = {
  '/player': 'SERVER_WINS',
  '/world': 'SERVER_WINS',
  '/ui': 'CLIENT_WINS',
};
/** For paths outside every configured prefix. */
export const DEFAULT_FALLBACK_STRATEGY: Strategy = 'LAST_WRITE_WINS';

export function isStrategy(s: unknown): s is Strategy {
  return typeof s === 'string' && (STRATEGIES as readonly string[]).includes(s);
}

/** Strategy by path prefix, longest prefix wins. Looked up with the client op's path. */
export function strategyTable(
  overrides: Readonly<Record<string, Strategy>> = {},
  fallback: Strategy = DEFAULT_FALLBACK_STRATEGY,
): PrefixTable<Strategy> {
  for (const [p, s] of Object.entries(overrides)) if (!isStrategy(s)) throw new RangeError(`unknown strategy ${String(s)} for "${p}"`);
  return new PrefixTable<Strategy>({ ...DEFAULT_STRATEGIES, ...overrides }, fallback);
}

export type Winner = 'client' | 'server' | 'merged';

export interface Decision {
  readonly winner: Winner;
  /** The client's op as it takes effect after the server's op; null when it is dropped. */
  readonly client: PatchOp | null;
}

export function decide(strategy: Strategy, client: PatchOp, server: PatchOp): Decision {
  switch (strategy) {
    case 'SERVER_WINS':
      return { winner: 'server', client: null };
    case 'CLIENT_WINS':
      return { winner: 'client', client: after(client, server) };
    case 'LAST_WRITE_WINS':
      return lastWriteWins(client, server);
    case 'MERGE': {
      const merged = mergeOp(client, server);
      return merged ? { winner: 'merged', client: merged } : lastWriteWins(client, server);
    }
  }
}

/** What each strategy would decide for one pair of ops (the proxy's view of a conflict it saw on the wire). */
export function decideAll(client: PatchOp, server: PatchOp): Record<Strategy, Decision> {
  return {
    LAST_WRITE_WINS: decide('LAST_WRITE_WINS', client, server),
    CLIENT_WINS: decide('CLIENT_WINS', client, server),
    SERVER_WINS: decide('SERVER_WINS', client, server),
    MERGE: decide('MERGE', client, server),
  };
}

/** Greater stamp wins; stamps never tie between two peers (their nodes differ). */
function lastWriteWins(client: PatchOp, server: PatchOp): Decision {
  return newer(client.ts, server.ts) ? { winner: 'client', client: after(client, server) } : { winner: 'server', client: null };
}

const newer = (a: HlcStamp, b: HlcStamp): boolean => compareStamps(a, b) > 0;

/**
 * The client's op to apply after the server's. A `replace` of an object
 * member becomes an `add` when the server's op replaced or removed that
 * member or an ancestor, so the winning value lands even where the
 * server's op left no member to replace.
 */
function after(client: PatchOp, server: PatchOp): PatchOp {
  const replacedAbove = server.path !== client.path || server.op === 'remove';
  if (client.op === 'replace' && replacedAbove && !isPositional(lastSegment(client.path)) && isAncestorOrSelf(server.path, client.path)) {
    return { op: 'add', path: client.path, value: client.value, ts: client.ts };
  }
  return client;
}

/**
 * MERGE: when both sides wrote objects for the same place, the client's op
 * is rewritten to carry their key-by-key union; any other pair of values
 * (a primitive, an array, a removal, an array insert) returns null and the
 * caller falls back to LAST_WRITE_WINS.
 *
 * - Same path: merge the two values.
 * - Server op above the client's: merge the client's value with the part of
 *   the server's value at the client's path.
 * - Server op below the client's: the client's object with the server's
 *   change inside it; where both set that member, objects merge and other
 *   values go to the later stamp.
 */
export function mergeOp(client: PatchOp, server: PatchOp): PatchOp | null {
  if (client.op === 'remove') return null;
  const cPos = isPositional(lastSegment(client.path));
  if (client.op === 'add' && cPos) return null;
  if (server.op === 'add' && isPositional(lastSegment(server.path))) return null;
  const cv = client.value as JsonValue;
  if (!isPlainObject(cv)) return null;
  const clientNewer = newer(client.ts, server.ts);
  let merged: JsonValue | null = null;
  if (isAncestorOrSelf(server.path, client.path)) {
    if (server.op === 'remove') return null;
    const sv = getAt(server.value as JsonValue, client.path.slice(server.path.length));
    if (!isPlainObject(sv)) return null;
    merged = mergeObjects(cv, sv, clientNewer);
  } else if (isAncestorOrSelf(client.path, server.path)) {
    merged = mergeInside(cv, server, server.path.slice(client.path.length), clientNewer);
  }
  if (merged === null) return null;
  return { op: cPos ? client.op : 'add', path: client.path, value: merged, ts: client.ts };
}

/** Key-by-key union; members both have: objects merge recursively, other pairs go to the newer side. */
export function mergeObjects(client: JsonObject, server: JsonObject, clientNewer: boolean): JsonObject {
  const out: Record<string, JsonValue> = {};
  for (const k of Object.keys(client)) {
    const cv = client[k]!;
    if (!hasOwn(server, k)) out[k] = cv;
    else {
      const sv = server[k]!;
      out[k] = isPlainObject(cv) && isPlainObject(sv) ? mergeObjects(cv, sv, clientNewer) : clientNewer ? cv : sv;
    }
  }
  for (const k of Object.keys(server)) if (!hasOwn(client, k)) out[k] = server[k]!;
  return out;
}

function mergeInside(cv: JsonObject, server: PatchOp, relPointer: string, clientNewer: boolean): JsonValue | null {
  const rel = splitPointer(relPointer);
  // Down through objects only: "merged key by key" has no meaning inside arrays.
  let node: JsonValue = cv;
  for (let i = 0; i < rel.length - 1; i++) {
    if (!isPlainObject(node) || !hasOwn(node, rel[i]!)) return null;
    node = node[rel[i]!]!;
  }
  if (!isPlainObject(node)) return null;
  const leaf = rel[rel.length - 1]!;
  const mine = hasOwn(node, leaf) ? node[leaf] : undefined;
  const p = new Patcher(cv);
  if (server.op === 'remove') {
    if (clientNewer || mine === undefined) return cv;
    return p.apply({ op: 'remove', path: relPointer }).ok ? p.state : null;
  }
  const sv = server.value as JsonValue;
  if (clientNewer && mine !== undefined && !(isPlainObject(mine) && isPlainObject(sv))) return cv;
  const value = isPlainObject(mine) && isPlainObject(sv) ? mergeObjects(mine, sv, clientNewer) : sv;
  return p.apply({ op: 'add', path: relPointer, value }).ok ? p.state : null;
}
