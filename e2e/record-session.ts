/**
 * Records one session through the demo's proxy for the Replay spec, with an
 * account none of the demo's bots uses: replayed later under the same
 * account, it is the only session of its player on the server, so what the
 * server pushes to that player goes to the replay (a bot's own account would
 * be shared with the live bot, and pushes aimed at the player would reach
 * only one of the two sessions).
 *
 * The script holds only what answers the same way on every run of the demo
 * world: no moves (another bot may stand on the tile), no pickups (the items
 * on the ground change), no chat.
 */
import { randomUUID } from 'node:crypto';
import { UpClient } from '../src-main/net/client/client';
import { ClientSync } from '../src-main/net/client/sync';
import { BOT_PASSWORD } from '../src-main/peers/server';
import { sessionTail } from '../test-support/replay-harness';
import { waitFor } from '../test-support/up-harness';

/** One of the demo server's 50 bot accounts; the demo runs bots 1 to 5. */
export const RECORDED_ACCOUNT = 'bot42';
/** Its player id on the demo server (bot accounts play bot-N). */
export const RECORDED_PLAYER = 'bot-42';

export async function recordSession(proxy: string): Promise<void> {
  const [host, port] = proxy.split(':');
  // The proxy presents its own identity in decrypt mode; this client trusts it for this one run.
  const client = new UpClient({ host: host!, port: Number(port), identity: { trustOnFirstUse: true }, credentials: { account: RECORDED_ACCOUNT, password: BOT_PASSWORD }, reconnectAttempts: 0, requestTimeoutMs: 5000 });
  const sync = new ClientSync(client, { node: `${RECORDED_ACCOUNT}-${randomUUID().slice(0, 8)}` });
  const pause = (): Promise<void> => new Promise((r) => setTimeout(r, 150));
  try {
    await client.connect();
    await waitFor(() => sync.snapshots >= 1, 10_000, 'the login snapshot');
    await sessionTail(client, sync, RECORDED_ACCOUNT, pause);
  } finally {
    sync.dispose();
    client.close();
  }
}
