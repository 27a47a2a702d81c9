/**
 * Session metadata: who talked to whom, through which proxy mode, with which
 * identity keys and account. Written as a pcapng Custom Block of its own
 * (JSON, padded with spaces) when a session starts and again, complete, each
 * time the proxy learns more (login, end); readers keep the latest.
 *
 * Captures get shared, so secrets never reach the file: sanitizeSessionMeta
 * drops passwords, tokens, keys and signatures, and turns any JWT it finds
 * into its claims (header and signature dropped).
 */
import { createHash } from 'node:crypto';
import { fromBase64, utf8Decode } from '../../src-shared/protocol';
import { type Endpoint } from './ip';

export interface SessionMeta {
  /** Proxy session number, as in MessageSummary.session. */
  readonly session: number;
  readonly dialect?: string;
  /** 'decrypt' (keys known, frames stored in plaintext) or 'passthrough' (stored as on the wire). */
  readonly mode?: string;
  /** The client as the proxy saw it. */
  readonly client?: Endpoint;
  /** Where the proxy listened. */
  readonly proxy?: Endpoint;
  /** The upstream server. */
  readonly server?: Endpoint;
  /** ms since the epoch. */
  readonly start?: number;
  readonly end?: number;
  /** UP/2.0 handshake sessionId. */
  readonly sessionId?: string;
  /** Identity key fingerprints: the upstream server's, and the one the proxy presented to the client. */
  readonly identity?: { readonly server?: string; readonly presented?: string };
  readonly account?: string;
  readonly accountId?: string;
  readonly playerId?: string;
  readonly scope?: readonly string[];
  /** Claims of the session's access token (signature and secrets removed). */
  readonly claims?: Readonly<Record<string, unknown>>;
  readonly closeReason?: string;
  /** Key paths that sanitizing removed, so a reader knows something was there. */
  readonly redacted?: readonly string[];
  /** Anything else the proxy knows. */
  readonly [key: string]: unknown;
}

/** Keys whose values are secrets by name. */
const SECRET_KEY = /(pass(word|phrase)?|secret|token|private|priv_?key|cookie|authori[sz]ation|signature|^key$|^okm$|^shared$)/i;
const JWT = /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const JWT_INSIDE = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;

const LIMITS = { depth: 8, keys: 256, string: 4096, array: 256 } as const;

/** The claims of a JWT (its middle part), or undefined when it is not one. Never keeps the signature. */
export function jwtClaims(token: string): Record<string, unknown> | undefined {
  if (!JWT.test(token)) return undefined;
  try {
    const claims = JSON.parse(utf8Decode(fromBase64(token.split('.')[1]!))) as unknown;
    return claims && typeof claims === 'object' && !Array.isArray(claims) ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** "sha256:<hex>" of a public key (raw bytes or base64url text), as session metadata writes identity keys. */
export function identityFingerprint(key: Uint8Array | string): string {
  const raw = typeof key === 'string' ? fromBase64(key) : key;
  return `sha256:${createHash('sha256').update(raw).digest('hex')}`;
}

/**
 * A copy of `meta` that is safe to write: secrets removed (listed in
 * `redacted`), JWTs replaced by their claims, sizes bounded, prototype keys
 * dropped. Accepts `accessToken` and keeps its claims as `claims`.
 */
export function sanitizeSessionMeta(meta: SessionMeta): SessionMeta {
  const redacted: string[] = [...(Array.isArray(meta.redacted) ? meta.redacted.filter((x): x is string => typeof x === 'string') : [])];
  let claims: Record<string, unknown> | undefined;
  const clean = (v: unknown, path: string, depth: number): unknown => {
    if (typeof v === 'string') {
      const c = jwtClaims(v);
      if (c) {
        claims ??= c;
        redacted.push(path);
        return { jwtClaims: clean(c, `${path}.claims`, depth + 1) };
      }
      // A token inside free text (an error message quoting it) goes too.
      const text = v.replace(JWT_INSIDE, () => {
        redacted.push(path);
        return '[jwt removed]';
      });
      return text.length > LIMITS.string ? `${text.slice(0, LIMITS.string - 1)}…` : text;
    }
    if (typeof v === 'number') return Number.isFinite(v) ? v : null;
    if (typeof v === 'boolean' || v === null) return v;
    if (depth >= LIMITS.depth) return '[too deep]';
    if (Array.isArray(v)) return v.slice(0, LIMITS.array).map((x, i) => clean(x, `${path}[${i}]`, depth + 1));
    if (v instanceof Uint8Array) return `[${v.length} bytes]`;
    if (typeof v === 'object') {
      const out: Record<string, unknown> = {};
      let n = 0;
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (k === '__proto__' || k === 'constructor' || k === 'prototype' || x === undefined) continue;
        if (++n > LIMITS.keys) break;
        const p = path ? `${path}.${k}` : k;
        if (SECRET_KEY.test(k)) {
          if (typeof x === 'string') {
            const c = jwtClaims(x);
            if (c) claims ??= c;
          }
          redacted.push(p);
          continue;
        }
        out[k] = clean(x, p, depth + 1);
      }
      return out;
    }
    return undefined; // functions, symbols, bigints
  };
  const { redacted: _r, ...rest } = meta;
  const out = clean(rest, '', 0) as Record<string, unknown>;
  if (!out.claims && claims) out.claims = clean(claims, 'claims', 1);
  if (redacted.length) out.redacted = [...new Set(redacted)];
  out.session = meta.session;
  return out as SessionMeta;
}

/** Later facts win; `identity` is merged key by key. */
export function mergeSessionMeta(a: SessionMeta | undefined, b: SessionMeta): SessionMeta {
  if (!a) return b;
  const identity = a.identity || b.identity ? { ...a.identity, ...b.identity } : undefined;
  const redacted = a.redacted || b.redacted ? [...new Set([...(a.redacted ?? []), ...(b.redacted ?? [])])] : undefined;
  return { ...a, ...b, ...(identity ? { identity } : {}), ...(redacted ? { redacted } : {}) };
}

const utf8e = new TextEncoder();

/** The custom block data: {"kind":"session","v":1,…}. */
export function encodeSessionBlockData(meta: SessionMeta): Uint8Array {
  return utf8e.encode(JSON.stringify({ kind: 'session', v: 1, ...meta }));
}

/** Parses a custom block's data as session metadata, or returns a problem text (not ours, not JSON, no session). */
export function decodeSessionBlockData(data: Uint8Array): SessionMeta | string {
  let end = data.length;
  // Padding: spaces (ours) or NULs (other writers).
  while (end > 0 && (data[end - 1] === 0x20 || data[end - 1] === 0)) end--;
  let v: unknown;
  try {
    v = JSON.parse(utf8Decode(data.subarray(0, end)));
  } catch (e) {
    return `session metadata block is not JSON (${(e as Error).message})`;
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'session metadata block is not a JSON object';
  const o = v as Record<string, unknown>;
  if (o.kind !== 'session') return `custom block of kind ${JSON.stringify(o.kind)} is not session metadata`;
  if (typeof o.session !== 'number' || !Number.isInteger(o.session) || o.session < 0) return 'session metadata block has no valid "session" number';
  const { kind: _k, v: _v, ...meta } = o;
  return meta as SessionMeta;
}
