/**
 * Provokes a conflict on the wire of a console's proxy, as a player does
 * when it edits its ui while the server writes there too: this player
 * clears its notifications without pause, so one of its writes is nearly
 * always in flight (not yet acknowledged) when a server tip crosses it —
 * a conflict within a tip interval or two, instead of waiting for the
 * demo bots' chance collision (seconds alone, far longer on a loaded CI
 * machine).
 */
import { UpClient, type UpClientOptions } from '../src-main/net/client/client';
import { ClientSync } from '../src-main/net/client/sync';
import { Priority } from '../src-shared/protocol';

export interface ConflictMakerOptions {
  readonly host: string;
  readonly port: number;
  readonly identity: UpClientOptions['identity'];
  /** A bot account the demo's own bots do not use. */
  readonly account: string;
  readonly password: string;
  /** Stop after this long whatever `seen` says (the caller then asserts and fails with its own message). */
  readonly maxMs: number;
}

/** Writes `/ui/notifications` every 8 ms until `seen()` is true or `maxMs` passed; then logs out. */
export async function provokeUiConflict(o: ConflictMakerOptions, seen: () => boolean | Promise<boolean>): Promise<void> {
  const player = new UpClient({ host: o.host, port: o.port, identity: o.identity, credentials: { account: o.account, password: o.password }, reconnectAttempts: 0 });
  const sync = new ClientSync(player, { node: `conflict-maker-${o.account}` });
  await player.connect();
  const until = Date.now() + o.maxMs;
  try {
    for (let i = 0; Date.now() < until; i++) {
      // CRITICAL goes out at once, not with the client's next 100 ms tick (which can stay in step with the server's
      // 100 ms tips for a long time, so that none ever crosses a write); every 8 ms stays under the server's 200 messages/s.
      sync.replica.set('/ui/notifications', [], Priority.CRITICAL);
      await new Promise((r) => setTimeout(r, 8));
      // Asking is cheap in a test but not free in a browser: every 20th write is often enough.
      if (i % 20 === 0 && (await seen())) return;
    }
  } finally {
    sync.dispose();
    player.close('done');
  }
}
