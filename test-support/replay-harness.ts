/**
 * Replay tests: reference servers with a calm world (no creature steps, no
 * weather or clock changes, so two runs of the same session agree), a
 * decrypting proxy that records into a capture, and a scripted client
 * session that exercises every kind of client message.
 */
import { randomUUID } from 'node:crypto';
import { ReferenceServer, BOT_PASSWORD, type ReferenceServerOptions } from '../src-main/peers/server';
import { startProxy, type ProxyRun } from '../src-main/proxy/setup';
import { generateKeyPair, type KeyPair } from '../src-main/net/keys';
import { UpClient } from '../src-main/net/client/client';
import { ClientSync } from '../src-main/net/client/sync';
import { MessageType } from '../src-shared/protocol';
import type { WorldRules } from '../src-main/peers/world/world';
import { TEST_SCRYPT, waitFor } from './up-harness';

export { BOT_PASSWORD };

/** Nothing in this world moves by itself. Moves may follow each other 20 ms apart. */
export const CALM_WORLD: Partial<WorldRules> = {
  seed: 5,
  creatures: 0,
  items: 300,
  creatureStepMs: 1e9,
  weatherEveryMs: 1e9,
  msPerGameMinute: 1e9,
  moveIntervalMs: 20,
};

/** The same keys for every server of a test, so one pinned identity fits the recording and the replay servers. */
export function serverKeys(): { identity: KeyPair; tokenKey: KeyPair } {
  return { identity: generateKeyPair('ed25519'), tokenKey: generateKeyPair('ed25519') };
}

export async function startReference(keys: { identity: KeyPair; tokenKey: KeyPair }, world: Partial<WorldRules> = {}, extra: Partial<ReferenceServerOptions> = {}): Promise<{ ref: ReferenceServer; port: number }> {
  const ref = await ReferenceServer.create({
    port: 0,
    scrypt: TEST_SCRYPT,
    botAccounts: 4,
    keys,
    world: { ...CALM_WORLD, ...world },
    // Replays at max speed send faster than a person: the default 200 messages/s per connection would answer RATE_LIMITED.
    server: { rateLimit: { perSecond: 100_000, burst: 100_000 } },
    ...extra,
  });
  const { port } = await ref.listen();
  return { ref, port };
}

export interface Recording {
  readonly proxy: ProxyRun;
  readonly proxyIdentity: KeyPair;
  readonly port: number;
  close(): Promise<void>;
}

/** A decrypting proxy in front of `serverPort`, recording to `capture`. */
export async function recordThrough(serverPort: number, serverIdentity: Uint8Array, capture: string): Promise<Recording> {
  const proxyIdentity = generateKeyPair('ed25519');
  const proxy = await startProxy({
    listen: { host: '127.0.0.1', port: 0 },
    target: { host: '127.0.0.1', port: serverPort },
    dialect: 'up2',
    mode: 'decrypt',
    identity: proxyIdentity,
    upstreamIdentity: { pinned: serverIdentity },
    capture: { path: capture, overwrite: true },
  });
  return { proxy, proxyIdentity, port: proxy.address.port, close: () => proxy.close() };
}

export interface ScriptedRun {
  /** Every direction sent, in order (pass them back in to send exactly the same moves). */
  readonly directions: readonly string[];
  /** Moves the server accepted (a move into a wall does not count). */
  readonly acceptedMoves: number;
}

export interface ScriptOptions {
  readonly account?: string;
  readonly password?: string;
  /** Accepted moves to make, trying directions until the position changes (default 3). */
  readonly moves?: number;
  /** Send exactly these moves instead, without watching the position. */
  readonly directions?: readonly string[];
  readonly gapMs?: number;
}

type Direction = 'n' | 'ne' | 'e' | 'se' | 's' | 'sw' | 'w' | 'nw';

/**
 * A scripted player: logs in, waits for its snapshot, moves (three accepted
 * moves by default), asks for the time (remote event), waves (broadcast),
 * fetches the message of the day, sends a heartbeat, edits its ui and waits
 * for the acknowledgement, asks for a state catch-up, and logs out. Throws
 * if any step fails — which is how the server-replay test knows a mock
 * server answered well enough.
 */
export async function scriptedSession(port: number, identity: Uint8Array, o: ScriptOptions = {}): Promise<ScriptedRun> {
  const account = o.account ?? 'demo';
  const client = new UpClient({ host: '127.0.0.1', port, identity: { pinned: identity }, credentials: { account, password: o.password ?? account }, reconnectAttempts: 0, requestTimeoutMs: 5000 });
  const sync = new ClientSync(client, { node: `${account}-${randomUUID().slice(0, 8)}` });
  const gap = o.gapMs ?? 120;
  const pause = (): Promise<void> => new Promise((r) => setTimeout(r, gap));
  const sent: string[] = [];
  try {
    await client.connect();
    await waitFor(() => sync.snapshots >= 1, 5000, 'the login snapshot');
    const position = (): string => JSON.stringify((sync.replica.state.player as { position?: unknown } | undefined)?.position);
    let accepted = 0;
    if (o.directions) {
      for (const d of o.directions) {
        client.send('PLAYER_MOVE', { direction: d as Direction });
        sent.push(d);
        await pause();
      }
    } else {
      const dirs: readonly Direction[] = ['e', 's', 'e', 's', 'w', 'n', 'ne', 'se', 'sw', 'nw'];
      for (let i = 0; accepted < (o.moves ?? 3) && i < 30; i++) {
        const before = position();
        const d = dirs[i % dirs.length]!;
        client.send('PLAYER_MOVE', { direction: d });
        sent.push(d);
        const moved = await waitFor(() => position() !== before, 400, 'a move').then(
          () => true,
          () => false,
        );
        if (moved) accepted++;
        await pause();
      }
    }
    await sessionTail(client, sync, account, pause);
    return { directions: sent, acceptedMoves: accepted };
  } finally {
    sync.dispose();
    client.close();
  }
}

/**
 * What every scripted session does after its moves, and what answers the
 * same way on every run: asks for the time (remote event), waves
 * (broadcast), fetches the message of the day, sends a heartbeat, edits its
 * ui and waits for the acknowledgement, asks for a state catch-up, and logs
 * out. Throws on the first step that fails.
 */
export async function sessionTail(client: UpClient, sync: ClientSync, account: string, pause: () => Promise<void>): Promise<void> {
  const time = await client.trigger({ id: randomUUID(), name: 'server.time', scope: 'remote' });
  if (!time.ok) throw new Error(`server.time failed: ${time.error}`);
  await pause();
  const wave = await client.trigger({ id: randomUUID(), name: 'party.wave', scope: 'broadcast', data: { from: account } });
  if (!wave.ok) throw new Error(`party.wave failed: ${wave.error}`);
  await pause();
  const motd = await client.fetchResource('motd.txt');
  if (!motd.data?.length) throw new Error('the message of the day is empty');
  await client.request(MessageType.HEARTBEAT, { t: 1_700_000_000_000 });
  await pause();
  sync.replica.set('/ui/windows/inventory', { open: true, x: 10, y: 20 });
  await waitFor(() => sync.replica.pendingCount === 0, 5000, 'the ui edit to be acknowledged');
  await pause();
  await client.request(MessageType.GAME_STATE_REQUEST, { since: 0 });
  await pause();
  await client.logout();
}

export interface TwoPlayerRun {
  /** Broadcasts bot1 received from bot2 while both were in the world. */
  readonly wavesFromOther: number;
}

/**
 * Two bots in one world, as a multi-player capture holds them: bot2 waves
 * three times while bot1 watches, then bot1 moves and waves once and both
 * log out. Bots are spread over the map (the server places them apart), so
 * bot1's state never shows bot2: replayed alone, bot1 misses only bot2's
 * broadcasts.
 */
export async function twoPlayerSession(port: number, identity: Uint8Array): Promise<TwoPlayerRun> {
  const client = (account: string): UpClient =>
    new UpClient({ host: '127.0.0.1', port, identity: { pinned: identity }, credentials: { account, password: BOT_PASSWORD }, reconnectAttempts: 0, requestTimeoutMs: 5000 });
  const one = client('bot1');
  const two = client('bot2');
  const sync = new ClientSync(one, { node: `bot1-${randomUUID().slice(0, 8)}` });
  let wavesFromOther = 0;
  one.on('push', (f) => {
    const b = f.body as { name?: unknown; source?: unknown } | null;
    if (f.header.type === MessageType.EVENT_BROADCAST && b?.name === 'party.wave' && b.source === 'bot-2') wavesFromOther++;
  });
  const pause = (ms = 120): Promise<void> => new Promise((r) => setTimeout(r, ms));
  try {
    await one.connect();
    await waitFor(() => sync.snapshots >= 1, 5000, "bot1's login snapshot");
    await two.connect();
    for (let i = 0; i < 3; i++) {
      const r = await two.trigger({ id: randomUUID(), name: 'party.wave', scope: 'broadcast', data: { from: 'bot2' } });
      if (!r.ok) throw new Error(`bot2's wave failed: ${r.error}`);
      await pause();
    }
    await waitFor(() => wavesFromOther === 3, 3000, "bot2's three waves to reach bot1");
    await two.logout();
    one.send('PLAYER_MOVE', { direction: 'e' });
    await pause(300);
    const r = await one.trigger({ id: randomUUID(), name: 'party.wave', scope: 'broadcast', data: { from: 'bot1' } });
    if (!r.ok) throw new Error(`bot1's wave failed: ${r.error}`);
    await pause(300);
    await one.logout();
    return { wavesFromOther };
  } finally {
    sync.dispose();
    one.close();
    two.close();
  }
}

/**
 * Two bots, and a broadcast shortly after one of them left: bot1 logs out,
 * then bot2 waves 400 ms later — bot1's capture never has that wave. A replay
 * that lets the server finish before bot1's logout keeps bot1 in the world
 * a little longer, so it hears the wave there.
 */
export async function waveAfterLogout(port: number, identity: Uint8Array): Promise<void> {
  const client = (account: string): UpClient =>
    new UpClient({ host: '127.0.0.1', port, identity: { pinned: identity }, credentials: { account, password: BOT_PASSWORD }, reconnectAttempts: 0, requestTimeoutMs: 5000 });
  const one = client('bot1');
  const two = client('bot2');
  try {
    await one.connect();
    await two.connect();
    await new Promise((r) => setTimeout(r, 300));
    await one.logout();
    // Well after the logout: the two sessions' relative timing may shift a little in the replay (each starts its clock
    // when its own login is answered), and the wave must still come after bot1's logout point, while bot1 waits.
    await new Promise((r) => setTimeout(r, 400));
    const r = await two.trigger({ id: randomUUID(), name: 'party.wave', scope: 'broadcast', data: { from: 'bot2' } });
    if (!r.ok) throw new Error(`bot2's wave failed: ${r.error}`);
    await new Promise((r2) => setTimeout(r2, 200));
    await two.logout();
  } finally {
    one.close();
    two.close();
  }
}
