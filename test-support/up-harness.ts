/**
 * A UP/2.0 server and clients on 127.0.0.1 for integration tests. Password
 * hashing uses small scrypt parameters here (tests only) so that logins
 * cost microseconds; the format and the code path are the production ones.
 */
import { AccountStore } from '../src-main/net/auth/accounts';
import { TokenService } from '../src-main/net/auth/tokens';
import { generateKeyPair, type KeyPair } from '../src-main/net/keys';
import { UpServer, type UpServerOptions } from '../src-main/net/server/server';
import { UpClient, type UpClientOptions } from '../src-main/net/client/client';

export const TEST_SCRYPT = { N: 1 << 10, r: 8, p: 1 };

export interface TestServer {
  readonly server: UpServer;
  readonly port: number;
  readonly identity: KeyPair;
  readonly tokens: TokenService;
  readonly accounts: AccountStore;
  client(opts?: Partial<UpClientOptions>): UpClient;
  close(): Promise<void>;
}

export async function startTestServer(
  opts: Partial<Omit<UpServerOptions, 'identity' | 'tokens' | 'accounts'>> & {
    tokenLifetimeS?: number;
    now?: () => number;
  } = {},
): Promise<TestServer> {
  const identity = generateKeyPair('ed25519');
  const accounts = new AccountStore(TEST_SCRYPT);
  await accounts.addWithPassword('demo', 'demo', ['player']);
  await accounts.addWithPassword('admin', 'admin', ['player', 'admin']);
  for (let i = 1; i <= 5; i++) await accounts.addWithPassword(`bot${i}`, `bot${i}`, ['player']);
  const tokens = new TokenService({
    issuer: 'otbridge-test',
    signingKey: generateKeyPair('ed25519').privateKey,
    ...(opts.tokenLifetimeS ? { lifetimeS: opts.tokenLifetimeS } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  });
  const server = new UpServer({ identity, tokens, accounts, ...opts });
  const { port } = await server.listen(0, '127.0.0.1');
  const clients: UpClient[] = [];
  return {
    server,
    port,
    identity,
    tokens,
    accounts,
    client(o = {}) {
      const c = new UpClient({
        host: '127.0.0.1',
        port,
        identity: { pinned: identity.publicRaw },
        credentials: { account: 'demo', password: 'demo' },
        ...o,
      });
      c.on('closed', () => {});
      clients.push(c);
      return c;
    },
    async close() {
      for (const c of clients) c.close();
      await server.close();
    },
  };
}

/** Resolves when `predicate` holds, polling; fails after `ms`. */
export async function waitFor(predicate: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
