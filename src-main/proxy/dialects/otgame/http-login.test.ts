import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import fc from 'fast-check';
import { redactLoginRequest, redactLoginResponse, rewriteLoginWorlds, startHttpLoginProxy, type HttpLoginExchange } from './http-login';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** A login.php like the Canary login servers answer (field names as OTClient's entergame.lua reads them). */
function canaryLoginResponse(gamePort: number): object {
  return {
    session: { sessionkey: 'tester@example.org\nhunter2', lastlogintime: 0, ispremium: true, premiumuntil: 1_900_000_000, status: 'active' },
    playdata: {
      worlds: [
        {
          id: 0,
          name: 'Canary',
          externaladdress: '10.1.2.3',
          externalport: gamePort,
          externaladdressprotected: '10.1.2.3',
          externalportprotected: gamePort,
          externaladdressunprotected: '10.1.2.3',
          externalportunprotected: gamePort,
          previewstate: 0,
          location: 'BRA',
          pvptype: 0,
        },
      ],
      characters: [{ worldid: 0, name: 'Knight Tester', level: 8, vocation: 'Knight', ismale: true }],
    },
  };
}

async function fakeLoginServer(handler: Parameters<typeof createServer>[1]): Promise<number> {
  const s: Server = createServer(handler);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  cleanup.push(() => new Promise<void>((r) => s.close(() => r())));
  return (s.address() as { port: number }).port;
}

const post = (port: number, body: string, path = '/login.php'): Promise<Response> =>
  fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'Mozilla/5.0' }, body });

describe('HTTP login proxy', () => {
  it('forwards OTClient’s login, rewrites every world address to the proxy, and reports the exchange without secrets', async () => {
    let seen: { path: string; body: string; ua: string } | undefined;
    const up = await fakeLoginServer((req, res) => {
      let b = '';
      req.on('data', (d: Buffer) => (b += d.toString()));
      req.on('end', () => {
        seen = { path: req.url ?? '', body: b, ua: String(req.headers['user-agent']) };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(canaryLoginResponse(7172)));
      });
    });
    const exchanges: HttpLoginExchange[] = [];
    const proxy = await startHttpLoginProxy({
      listen: { host: '127.0.0.1', port: 0 },
      upstream: `http://127.0.0.1:${up}/login.php`,
      rewriteWorldsTo: { host: '127.0.0.1', port: 17172 },
      onExchange: (e) => exchanges.push(e),
    });
    cleanup.push(() => proxy.close());
    const request = JSON.stringify({ email: 'tester@example.org', password: 'hunter2', stayloggedin: true, type: 'login' });
    const res = await post(proxy.address.port, request);
    expect(res.status).toBe(200);
    const json = (await res.json()) as { playdata: { worlds: Record<string, unknown>[] }; session: { sessionkey: string } };
    expect(json.playdata.worlds[0]).toMatchObject({
      externaladdress: '127.0.0.1',
      externalport: 17172,
      externaladdressprotected: '127.0.0.1',
      externalportprotected: 17172,
      externaladdressunprotected: '127.0.0.1',
      externalportunprotected: 17172,
      name: 'Canary',
      location: 'BRA',
    });
    expect(json.session.sessionkey).toBe('tester@example.org\nhunter2'); // the client needs it: only reports redact it
    expect(seen).toEqual({ path: '/login.php', body: request, ua: 'Mozilla/5.0' });
    expect(exchanges).toHaveLength(1);
    const e = exchanges[0]!;
    expect(e).toMatchObject({ status: 200, rewritten: true, worlds: [{ name: 'Canary', host: '10.1.2.3', port: 7172 }], request: { email: 'tester@example.org', password: '[redacted]', type: 'login' } });
    expect(JSON.stringify(e)).not.toContain('hunter2');
  });

  it('uses the upstream path for requests to "/", passes non-JSON answers through, and reports them', async () => {
    const up = await fakeLoginServer((req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(`<html>${req.url}</html>`));
    const exchanges: HttpLoginExchange[] = [];
    const proxy = await startHttpLoginProxy({ listen: { host: '127.0.0.1', port: 0 }, upstream: `http://127.0.0.1:${up}/api/login.php`, onExchange: (e) => exchanges.push(e) });
    cleanup.push(() => proxy.close());
    const res = await post(proxy.address.port, 'not json', '/');
    expect(await res.text()).toBe('<html>/api/login.php</html>');
    expect(exchanges[0]).toMatchObject({ status: 200, rewritten: false, error: 'login server answer is not JSON (forwarded as it was)' });
  });

  it('answers OTClient-readable errors: login server down (502), request too large (413), answer too large (502)', async () => {
    const dead = await fakeLoginServer(() => {});
    await cleanup.pop()!(); // closed: connection refused
    const exchanges: HttpLoginExchange[] = [];
    const proxy = await startHttpLoginProxy({ listen: { host: '127.0.0.1', port: 0 }, upstream: `http://127.0.0.1:${dead}/login.php`, maxRequestBytes: 1000, onExchange: (e) => exchanges.push(e) });
    cleanup.push(() => proxy.close());
    const r1 = await post(proxy.address.port, JSON.stringify({ email: 'a', password: 'secret-pw' }));
    expect(r1.status).toBe(502);
    expect(((await r1.json()) as { errorMessage: string }).errorMessage).toMatch(/^otbridge login proxy: login server http:\/\/127\.0\.0\.1:\d+ unreachable: /);
    expect(JSON.stringify(exchanges)).not.toContain('secret-pw');
    const r2 = await post(proxy.address.port, 'x'.repeat(5000));
    expect(r2.status).toBe(413);
    const big = await fakeLoginServer((_req, res) => res.writeHead(200).end('y'.repeat(3000)));
    const p2 = await startHttpLoginProxy({ listen: { host: '127.0.0.1', port: 0 }, upstream: `http://127.0.0.1:${big}/`, maxResponseBytes: 2000 });
    cleanup.push(() => p2.close());
    const r3 = await post(p2.address.port, '{}');
    expect(r3.status).toBe(502);
    expect(((await r3.json()) as { errorMessage: string }).errorMessage).toMatch(/over the 2000-byte limit/);
  });

  it('refuses an upstream that is not http(s)', async () => {
    await expect(startHttpLoginProxy({ listen: { host: '127.0.0.1', port: 0 }, upstream: 'ftp://x/' })).rejects.toThrow(/http\(s\) URL/);
  });
});

describe('login JSON handling', () => {
  it('never throws on arbitrary JSON, and rewrites every world it finds', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.array(fc.jsonValue(), { maxLength: 4 }), (anything, extra) => {
        expect(() => rewriteLoginWorlds(anything, { host: 'h', port: 1 })).not.toThrow();
        expect(() => redactLoginResponse(anything)).not.toThrow();
        expect(() => redactLoginRequest(anything)).not.toThrow();
        const withWorlds = { playdata: { worlds: [...extra, { name: 'W', externaladdressprotected: '10.0.0.1', externalportprotected: 7172 }] } };
        const r = rewriteLoginWorlds(withWorlds, { host: 'proxy', port: 9 });
        const worlds = (r.rewritten as { playdata: { worlds: unknown[] } }).playdata.worlds;
        for (const w of worlds)
          if (w && typeof w === 'object' && !Array.isArray(w)) expect(w).toMatchObject({ externaladdressprotected: 'proxy', externalportprotected: 9, externaladdress: 'proxy' });
        expect(r.worlds.at(-1)).toEqual({ name: 'W', host: '10.0.0.1', port: 7172 });
      }),
      { numRuns: 300 },
    );
  });

  it('redacts passwords in requests and session keys in responses, keeping the rest', () => {
    expect(redactLoginRequest({ email: 'a@b', password: 'x', stayloggedin: true })).toEqual({ email: 'a@b', password: '[redacted]', stayloggedin: true });
    expect(redactLoginResponse({ session: { sessionkey: 'a@b\nsecret', ispremium: true } })).toEqual({ session: { sessionkey: 'a@b\n[redacted]', ispremium: true } });
    expect(redactLoginResponse({ session: { sessionkey: 'opaque-token' } })).toEqual({ session: { sessionkey: '[redacted] (12 chars)' } });
  });
});
