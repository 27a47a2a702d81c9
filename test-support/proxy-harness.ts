/** A UP/2.0 server, a proxy in front of it, and clients through the proxy, on 127.0.0.1. */
import { startTestServer, type TestServer } from './up-harness';
import { Proxy } from '../src-main/proxy/proxy';
import { createUp2Dialect } from '../src-main/proxy/dialects/up2';
import { generateKeyPair, type KeyPair } from '../src-main/net/keys';
import { codecPorts } from '../src-main/net/ports';
import { FaultEngine } from '../src-main/proxy/faults/engine';
import type { MessageRecord } from '../src-shared/records';
import type { UpClient, UpClientOptions } from '../src-main/net/client/client';
import type { ProxyMode } from '../src-main/proxy/dialect';
import type { UpServerOptions } from '../src-main/net/server/server';

export interface ProxyRig {
  readonly server: TestServer;
  readonly proxy: Proxy;
  readonly proxyIdentity: KeyPair;
  readonly records: MessageRecord[];
  client(opts?: Partial<UpClientOptions>): UpClient;
  close(): Promise<void>;
}

export async function startProxyRig(
  mode: ProxyMode,
  opts: { seed?: number; pinUpstream?: Uint8Array; server?: Partial<Omit<UpServerOptions, 'identity' | 'tokens' | 'accounts'>> } = {},
): Promise<ProxyRig> {
  const server = await startTestServer(opts.server ?? {});
  const proxyIdentity = generateKeyPair('ed25519');
  const proxy = new Proxy({
    listen: { host: '127.0.0.1', port: 0 },
    target: { host: '127.0.0.1', port: server.port },
    mode,
    faults: new FaultEngine(opts.seed ?? 1),
    dialect: createUp2Dialect({
      identity: proxyIdentity,
      upstreamIdentity: { pinned: opts.pinUpstream ?? server.identity.publicRaw },
      maxPayload: 1 << 20,
      ports: codecPorts,
      redact: true,
    }),
  });
  const { port } = await proxy.start();
  const records: MessageRecord[] = [];
  proxy.on('record', (r) => records.push(r));
  const clients: UpClient[] = [];
  return {
    server,
    proxy,
    proxyIdentity,
    records,
    client(o = {}) {
      const c = server.client({
        port,
        identity: { pinned: mode === 'decrypt' ? proxyIdentity.publicRaw : server.identity.publicRaw },
        ...o,
      });
      clients.push(c);
      return c;
    },
    async close() {
      for (const c of clients) c.close();
      await proxy.close();
      await server.close();
    },
  };
}
