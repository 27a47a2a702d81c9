/**
 * The web shell: the console's renderer and its services over HTTP and
 * WebSocket, for machines without Electron's binary and for the browser
 * tests. Bound to 127.0.0.1 by default; every WebSocket needs the random
 * token printed at start (as mitmweb and Jupyter do) and an Origin of this
 * server, so another site open in the same browser cannot drive it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { ServiceError, type WireMessage } from '../../../src-shared/ipc/contract';
import type { ConsoleServices } from '../../console/services';
import { rendererDir } from '../../console/paths';

export interface WebShellOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Fixed token (tests); random 24 bytes otherwise. */
  readonly token: string;
  readonly staticDir: string;
  /** Largest WebSocket message accepted from a browser. */
  readonly maxMessageBytes: number;
}

export interface WebShell {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function startWebShell(services: ConsoleServices, options: Readonly<Partial<WebShellOptions>> = {}): Promise<WebShell> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('base64url');
  const staticDir = resolve(options.staticDir ?? rendererDir());
  const maxMessageBytes = options.maxMessageBytes ?? 1 << 20;
  if (!existsSync(join(staticDir, 'index.html'))) {
    throw new Error(`the renderer is not built (no ${join(staticDir, 'index.html')}): run \`npm run build\` first`);
  }

  let port = 0;
  const allowedOrigins = (): Set<string> => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://${host}:${port}`]);

  const server: Server = createServer((req, res) => serveStatic(req, res, staticDir));
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes });

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const given = url.searchParams.get('token') ?? '';
    const origin = req.headers.origin;
    if (url.pathname !== '/ws' || !safeEqual(given, token) || (origin !== undefined && !allowedOrigins().has(origin))) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws, services));
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', fail);
      ok();
    });
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    port,
    token,
    async close() {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((ok) => wss.close(() => ok()));
      await new Promise<void>((ok) => server.close(() => ok()));
      server.closeAllConnections();
    },
  };
}

function attach(ws: WebSocket, services: ConsoleServices): void {
  const send = (m: WireMessage): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
  };
  const conn = services.connect((ch, p) => send({ t: 'evt', ch, p }));
  ws.on('close', () => conn.close());
  ws.on('error', () => conn.close());
  ws.on('message', (data, isBinary) => {
    let msg: { t?: unknown; id?: unknown; ch?: unknown; p?: unknown };
    try {
      if (isBinary) throw new Error('binary');
      msg = JSON.parse(data.toString()) as typeof msg;
    } catch {
      ws.close(1003, 'expected JSON text messages');
      return;
    }
    if (msg.t !== 'req' || typeof msg.id !== 'number' || !Number.isSafeInteger(msg.id)) {
      ws.close(1008, 'expected {t:"req", id, ch, p}');
      return;
    }
    const id = msg.id;
    conn.handle(msg.ch, msg.p).then(
      (r) => send({ t: 'res', id, ok: true, r }),
      (e: unknown) => {
        const err = e instanceof ServiceError ? { code: e.code, message: e.message } : { message: String((e as Error)?.message ?? e) };
        send({ t: 'res', id, ok: false, e: err });
      },
    );
  });
}

function serveStatic(req: IncomingMessage, res: ServerResponse, root: string): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  } catch {
    res.writeHead(400).end('bad path');
    return;
  }
  if (pathname.includes('\0')) {
    res.writeHead(400).end('bad path');
    return;
  }
  const rel = pathname === '/' ? 'index.html' : normalize(pathname).replace(/^([/\\])+/, '');
  const file = resolve(root, rel);
  if (file !== root && !file.startsWith(root + sep)) {
    res.writeHead(404).end('not found');
    return;
  }
  let target = file;
  if (!existsSync(target) || !statSync(target).isFile()) {
    // Client-side routes fall back to the app; missing assets are real 404s.
    if (extname(rel)) {
      res.writeHead(404).end('not found');
      return;
    }
    target = join(root, 'index.html');
  }
  res.writeHead(200, {
    'Content-Type': MIME[extname(target)] ?? 'application/octet-stream',
    'Cache-Control': target.endsWith('index.html') ? 'no-store' : 'public, max-age=31536000, immutable',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Content-Security-Policy':
      "default-src 'self'; connect-src 'self' ws://127.0.0.1:* ws://localhost:*; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'",
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(target).pipe(res);
}
