/**
 * The HTTP login proxy for clients ≥ 12.81, which log in by POSTing JSON
 * to the server's login.php (OTClient's LoginHttp: {email, password,
 * stayloggedin, type: "login"}) and get back `session` and
 * `playdata.{worlds, characters}`. OTClient connects to each world's
 * `externaladdressprotected:externalportprotected`; this proxy forwards the
 * request, rewrites those (and the unprotected/plain variants) to the
 * proxy's game listener, and reports each exchange with secrets removed.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { REDACTED, redactSessionKey } from './redact';

export interface HttpLoginExchange {
  readonly time: number;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** The request JSON with the password removed (undefined when not JSON). */
  readonly request?: unknown;
  /** The response JSON with the session key reduced to its account part. */
  readonly response?: unknown;
  /** The worlds as the login server handed them out. */
  readonly worlds: readonly { name: string; host: string; port: number }[];
  readonly rewritten: boolean;
  readonly error?: string;
  readonly ms: number;
}

export interface HttpLoginProxyOptions {
  readonly listen: { readonly host: string; readonly port: number };
  /** The real login endpoint, e.g. http://127.0.0.1:80/login.php (its path is used for requests to "/"). */
  readonly upstream: string;
  /** The proxy's game listener as clients reach it; omitted: worlds are left as they are. */
  readonly rewriteWorldsTo?: { readonly host: string; readonly port: number };
  readonly onExchange?: (e: HttpLoginExchange) => void;
  /** Largest request / response body accepted (default 1 MiB / 8 MiB). */
  readonly maxRequestBytes?: number;
  readonly maxResponseBytes?: number;
  readonly timeoutMs?: number;
}

export interface HttpLoginProxy {
  readonly address: AddressInfo;
  close(): Promise<void>;
}

const ADDRESS_KEYS = ['externaladdress', 'externaladdressprotected', 'externaladdressunprotected'];
const PORT_KEYS = ['externalport', 'externalportprotected', 'externalportunprotected'];

class TooLarge extends Error {}

async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    n += chunk.length;
    if (n > max) throw new TooLarge(`request body over ${max} bytes`);
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

function parseJson(b: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(b)) as unknown;
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** The request as it may be shown: the password and any token gone. */
export function redactLoginRequest(v: unknown): unknown {
  if (!isObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = /pass|token|secret/i.test(k) ? REDACTED : x;
  return out;
}

/** The response as it may be shown: session keys reduced. */
export function redactLoginResponse(v: unknown): unknown {
  if (!isObject(v)) return v;
  const session = v.session;
  if (!isObject(session)) return v;
  const s: Record<string, unknown> = { ...session };
  for (const k of Object.keys(s)) if (/sessionkey|token/i.test(k) && typeof s[k] === 'string') s[k] = redactSessionKey(s[k]);
  return { ...v, session: s };
}

/** The worlds of a login response, and the response with them pointed at `to` (when given). */
export function rewriteLoginWorlds(
  v: unknown,
  to: { host: string; port: number } | undefined,
): { worlds: { name: string; host: string; port: number }[]; rewritten: unknown; changed: boolean } {
  const worlds: { name: string; host: string; port: number }[] = [];
  if (!isObject(v) || !isObject(v.playdata) || !Array.isArray(v.playdata.worlds)) return { worlds, rewritten: v, changed: false };
  const list = v.playdata.worlds.map((w: unknown) => {
    if (!isObject(w)) return w;
    worlds.push({
      name: String(w.name ?? ''),
      host: String(w.externaladdressprotected ?? w.externaladdress ?? ''),
      port: Number(w.externalportprotected ?? w.externalport ?? 0),
    });
    if (!to) return w;
    const out: Record<string, unknown> = { ...w };
    for (const k of ADDRESS_KEYS) out[k] = to.host;
    for (const k of PORT_KEYS) out[k] = to.port;
    return out;
  });
  return { worlds, rewritten: to ? { ...v, playdata: { ...v.playdata, worlds: list } } : v, changed: !!to && worlds.length > 0 };
}

const HOP_BY_HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive', 'upgrade', 'accept-encoding']);

export async function startHttpLoginProxy(opts: HttpLoginProxyOptions): Promise<HttpLoginProxy> {
  const upstream = new URL(opts.upstream);
  if (upstream.protocol !== 'http:' && upstream.protocol !== 'https:') throw new RangeError(`upstream must be an http(s) URL, got ${opts.upstream}`);
  const maxReq = opts.maxRequestBytes ?? 1 << 20;
  const maxRes = opts.maxResponseBytes ?? 8 << 20;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const t0 = performance.now();
    const path = req.url === '/' || !req.url ? upstream.pathname + upstream.search : req.url;
    const report = (e: Omit<HttpLoginExchange, 'time' | 'method' | 'path' | 'ms'>): void =>
      opts.onExchange?.({ time: Date.now(), method: req.method ?? 'GET', path, ms: performance.now() - t0, ...e });
    const fail = (status: number, message: string, request?: unknown): void => {
      // OTClient shows errorMessage to the player.
      const body = JSON.stringify({ errorCode: 3, errorMessage: `otbridge login proxy: ${message}` });
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
      report({ status, worlds: [], rewritten: false, error: message, ...(request !== undefined ? { request } : {}) });
    };
    let body: Buffer;
    try {
      body = await readBody(req, maxReq);
    } catch (e) {
      return fail(e instanceof TooLarge ? 413 : 400, (e as Error).message);
    }
    const requestJson = parseJson(body);
    const shownRequest = requestJson === undefined ? undefined : redactLoginRequest(requestJson);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(k) && typeof v === 'string') headers[k] = v;
    let answer: Response;
    try {
      answer = await fetch(new URL(path, upstream), {
        method: req.method ?? 'POST',
        headers,
        ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body: new Uint8Array(body) }),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
        redirect: 'manual',
      });
    } catch (e) {
      return fail(502, `login server ${upstream.origin} unreachable: ${(e as Error).cause ? String(((e as Error).cause as Error).message) : (e as Error).message}`, shownRequest);
    }
    const declared = Number(answer.headers.get('content-length') ?? 0);
    if (declared > maxRes) return fail(502, `login server answered ${declared} bytes, over the ${maxRes}-byte limit`, shownRequest);
    const raw = new Uint8Array(await answer.arrayBuffer());
    if (raw.length > maxRes) return fail(502, `login server answered ${raw.length} bytes, over the ${maxRes}-byte limit`, shownRequest);
    const json = parseJson(raw);
    const { worlds, rewritten, changed } = rewriteLoginWorlds(json, opts.rewriteWorldsTo);
    const out = changed ? Buffer.from(JSON.stringify(rewritten)) : Buffer.from(raw);
    const resHeaders: Record<string, string> = {};
    answer.headers.forEach((v, k) => {
      if (!HOP_BY_HOP.has(k) && k !== 'content-encoding') resHeaders[k] = v;
    });
    resHeaders['content-length'] = String(out.length);
    res.writeHead(answer.status, resHeaders).end(out);
    report({
      status: answer.status,
      ...(shownRequest !== undefined ? { request: shownRequest } : {}),
      ...(json !== undefined ? { response: redactLoginResponse(json) } : {}),
      worlds,
      rewritten: changed,
      ...(json === undefined && raw.length ? { error: 'login server answer is not JSON (forwarded as it was)' } : {}),
    });
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500).end();
      opts.onExchange?.({ time: Date.now(), method: req.method ?? '', path: req.url ?? '', status: 500, worlds: [], rewritten: false, error: String(e), ms: 0 });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.listen.port, opts.listen.host, () => resolve());
  });
  return {
    address: server.address() as AddressInfo,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
