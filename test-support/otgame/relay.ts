/**
 * A stand-in for the proxy core in tests: a TCP relay on 127.0.0.1 that
 * drives a Dialect only through its interface (createSession, decode,
 * encode), forwarding what encode() returns and keeping every message and
 * every fact, so the OT dialect is tested through real sockets while the
 * core is written elsewhere.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { type Dialect, type Dir, type ProxyMessage, type SessionFacts } from '../../src-main/proxy/dialect';

export interface RelaySession {
  readonly messages: ProxyMessage[];
  readonly facts: SessionFacts;
  /** Bytes each side was sent by the relay, concatenated per direction of travel. */
  readonly forwarded: Record<Dir, number[]>;
}

export interface Relay {
  readonly port: number;
  readonly sessions: RelaySession[];
  close(): Promise<void>;
}

export async function startRelay(dialect: Dialect, upstream: { host?: string; port: number }, mode: 'decrypt' | 'passthrough' = 'decrypt'): Promise<Relay> {
  const sessions: RelaySession[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    const rec: RelaySession = { messages: [], facts: {}, forwarded: { c2s: [], s2c: [] } };
    sessions.push(rec);
    const up = connect({ host: upstream.host ?? '127.0.0.1', port: upstream.port });
    sockets.add(up);
    const session = dialect.createSession({
      mode,
      inject: () => {},
      observe: (m) => rec.messages.push(m),
      facts: (f) => Object.assign(rec.facts, f),
      abort: () => {
        client.destroy();
        up.destroy();
      },
    });
    const pump = (dir: Dir, to: Socket) => async (chunk: Buffer) => {
      for (const m of session.decode(dir, new Uint8Array(chunk))) {
        rec.messages.push(m);
        if (!m.forward) continue;
        const bytes = await session.encode(m);
        if (bytes) {
          for (const b of bytes) rec.forwarded[dir].push(b);
          to.write(bytes);
        }
      }
    };
    // Chunks of one direction are handled in order.
    let c2s = Promise.resolve();
    let s2c = Promise.resolve();
    client.on('data', (chunk) => (c2s = c2s.then(() => pump('c2s', up)(chunk))));
    up.on('data', (chunk) => (s2c = s2c.then(() => pump('s2c', client)(chunk))));
    const end = (): void => {
      session.close();
      client.destroy();
      up.destroy();
    };
    client.on('close', () => void c2s.then(() => up.end()));
    up.on('close', () => void s2c.then(() => client.end()));
    client.on('error', end);
    up.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    sessions,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
