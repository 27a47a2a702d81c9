/**
 * Scripted players for load and for the demo: each one logs in, keeps its
 * state in sync, and every so often moves, acts, looks at or attacks what
 * it sees, triggers events, and edits its `ui` state — which the server
 * also writes (notifications), so the demo shows real conflicts.
 *
 * Their events reach whom a player's would: the server (remote) or their
 * party (targeted). None is sent to the whole world: in Tibia that is a
 * gamemaster's announcement, and a thousand players each broadcasting
 * would make every player's traffic grow with the number of players.
 */
import { randomUUID } from 'node:crypto';
import { pick, seededRandom } from '../../src-shared/random';
import { MessageType } from '../../src-shared/protocol';
import { UpClient, type UpClientOptions } from '../net/client/client';
import { ClientSync } from '../net/client/sync';
import type { IdentityPolicy } from '../net/handshake';
import { DIRECTIONS_8 } from '../../src-shared/protocol';

export interface BotOptions {
  readonly host: string;
  readonly port: number;
  readonly identity: IdentityPolicy;
  readonly account: string;
  readonly password: string;
  /** Mean ms between actions (default 500). */
  readonly intervalMs?: number;
  readonly seed?: number;
  readonly client?: Partial<UpClientOptions>;
}

export interface BotStats {
  actions: number;
  /** PLAYER_MOVE sent. */
  moves: number;
  /** PLAYER_ACTION sent (say, pickup, rest). */
  playerActions: number;
  /** PLAYER_INTERACT sent (look, attack). */
  interacts: number;
  /** EVENT_TRIGGER sent: `remoteEvents` to the server, `partyEvents` to the party. */
  events: number;
  remoteEvents: number;
  partyEvents: number;
  /** Changes to its own `ui` state (each goes out as a GAME_STATE_UPDATE request). */
  uiEdits: number;
  heartbeats: number;
  /** Requests whose answer was timed (remote events, party events, heartbeats). */
  requests: number;
  latencyMs: number[];
  errors: number;
}

const newStats = (): BotStats => ({ actions: 0, moves: 0, playerActions: 0, interacts: 0, events: 0, remoteEvents: 0, partyEvents: 0, uiEdits: 0, heartbeats: 0, requests: 0, latencyMs: [], errors: 0 });

export class Bot {
  readonly client: UpClient;
  sync: ClientSync | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly random: () => number;
  private stopped = false;
  private ended = false;
  readonly stats: BotStats = newStats();
  /** The other members of its party (the fleet forms them): whom its party events go to. */
  party: readonly Bot[] = [];

  constructor(readonly opts: BotOptions) {
    this.random = seededRandom(opts.seed ?? 1);
    this.client = new UpClient({
      host: opts.host,
      port: opts.port,
      identity: opts.identity,
      credentials: { account: opts.account, password: opts.password },
      ...opts.client,
    });
    this.client.on('serverError', () => this.stats.errors++);
  }

  /** Connects and logs in; then acts, unless `act` is false (resume() starts it). */
  async start(act = true): Promise<void> {
    // Listen before logging in: the login snapshot follows the login answer at once.
    this.sync = new ClientSync(this.client, { node: `${this.opts.account}-${randomUUID().slice(0, 8)}` });
    if (!act) this.stopped = true;
    try {
      await this.client.connect();
    } catch (e) {
      // A refused login leaves the connection open (UNAUTHENTICATED is not fatal): a bot that cannot play leaves.
      this.stop();
      throw e;
    }
    this.schedule();
  }

  /** Stops acting, stays connected (its state keeps syncing). */
  pause(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** Acts again after pause() or start(false); a stopped bot stays stopped. */
  resume(): void {
    if (!this.stopped || this.ended) return;
    this.stopped = false;
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    const mean = this.opts.intervalMs ?? 500;
    this.timer = setTimeout(() => {
      this.act().catch(() => this.stats.errors++);
      this.schedule();
    }, mean * (0.5 + this.random()));
    this.timer.unref();
  }

  /** Its player id once logged in (the server chooses it). */
  get playerId(): string | null {
    const id = this.client.login?.playerId;
    return id === undefined ? null : String(id);
  }

  private get state(): Record<string, unknown> {
    return (this.sync?.replica.state ?? {}) as Record<string, unknown>;
  }

  /** One random thing a player would do. */
  async act(): Promise<void> {
    if (!this.client.connection?.isOpen) return;
    this.stats.actions++;
    const r = this.random();
    if (r < 0.6) {
      this.stats.moves++;
      this.client.send('PLAYER_MOVE', { direction: pick(this.random, DIRECTIONS_8) });
    } else if (r < 0.68) {
      this.stats.playerActions++;
      this.client.send('PLAYER_ACTION', pick(this.random, [{ action: 'say', args: { text: 'hi there' } }, { action: 'pickup' }, { action: 'rest' }]));
    } else if (r < 0.78) {
      const creatures = Object.keys(((this.state.world as Record<string, unknown> | undefined)?.creatures as Record<string, unknown>) ?? {});
      if (!creatures.length) return;
      this.stats.interacts++;
      this.client.send('PLAYER_INTERACT', { target: pick(this.random, creatures), kind: this.random() < 0.5 ? 'look' : 'attack' });
    } else if (r < 0.86) {
      const mates = this.random() < 0.5 ? this.partyIds() : [];
      this.stats.events++;
      this.stats.requests++;
      if (mates.length) this.stats.partyEvents++;
      else this.stats.remoteEvents++;
      const t0 = performance.now();
      await this.client.trigger(
        mates.length
          ? { id: randomUUID(), name: 'party.wave', scope: 'targeted', targets: mates, data: { from: this.opts.account } }
          : { id: randomUUID(), name: 'server.time', scope: 'remote', data: { from: this.opts.account } },
      );
      this.stats.latencyMs.push(performance.now() - t0);
    } else if (r < 0.96) {
      this.stats.uiEdits++;
      const sync = this.sync;
      if (!sync) return;
      if (this.random() < 0.6) sync.replica.set('/ui/notifications', []);
      else sync.replica.set(`/ui/windows/${pick(this.random, ['inventory', 'skills', 'battle', 'vip'])}`, { open: this.random() < 0.5, x: Math.floor(this.random() * 800), y: Math.floor(this.random() * 600) });
    } else {
      this.stats.heartbeats++;
      this.stats.requests++;
      const t0 = performance.now();
      await this.client.request(MessageType.HEARTBEAT, { t: Date.now() });
      this.stats.latencyMs.push(performance.now() - t0);
    }
  }

  /** The player ids of its party members who are online. */
  private partyIds(): string[] {
    const ids: string[] = [];
    for (const b of this.party) {
      const id = b.playerId;
      if (id !== null && b.client.connection?.isOpen) ids.push(id);
    }
    return ids;
  }

  stop(logout = false): Promise<void> | void {
    this.stopped = true;
    this.ended = true;
    if (this.timer) clearTimeout(this.timer);
    this.sync?.dispose();
    if (logout && this.client.connection?.isOpen) return this.client.logout().catch(() => {});
    this.client.close('bot stopped');
  }
}

export interface FleetOptions extends Omit<BotOptions, 'account' | 'password' | 'seed'> {
  readonly count: number;
  /** Accounts bot1…botN (password "bot", as the reference server makes them) unless given. */
  readonly accounts?: readonly { account: string; password: string }[];
  readonly seed?: number;
  /** Bots logging in at once (logins are scrypt-bound on the server). */
  readonly loginConcurrency?: number;
  /**
   * Bots begin to act only once every login has been tried, all together:
   * a large fleet's logins are then not slowed (or timed out) by the traffic
   * of the bots already in.
   */
  readonly actTogether?: boolean;
  /** Bots per party, in fleet order (default 5; 1: no parties): party events go to the other members. */
  readonly partySize?: number;
}

export class BotFleet {
  readonly bots: Bot[] = [];

  static async start(opts: FleetOptions): Promise<BotFleet> {
    const fleet = new BotFleet();
    const accounts = opts.accounts ?? Array.from({ length: opts.count }, (_, i) => ({ account: `bot${i + 1}`, password: 'bot' }));
    const queue = accounts.slice(0, opts.count).map((a, i) => new Bot({ ...opts, ...a, seed: (opts.seed ?? 1) * 1000 + i }));
    fleet.bots.push(...queue);
    const partySize = Math.max(1, opts.partySize ?? 5);
    for (let i = 0; i < queue.length; i += partySize) {
      const members = queue.slice(i, i + partySize);
      for (const b of members) b.party = members.filter((m) => m !== b);
    }
    const concurrency = opts.loginConcurrency ?? 16;
    let next = 0;
    const failures = fleet.failures;
    await Promise.all(
      Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
        while (next < queue.length) {
          const bot = queue[next++]!;
          try {
            await bot.start(!opts.actTogether);
          } catch (e) {
            failures.push(e as Error);
          }
        }
      }),
    );
    if (failures.length === queue.length && queue.length > 0) throw new Error(`no bot could log in: ${failures[0]!.message}`);
    if (opts.actTogether) for (const b of queue) if (b.client.connection?.isOpen) b.resume();
    return fleet;
  }

  /** Bots that could not log in, with why (the fleet goes on without them). */
  readonly failures: Error[] = [];

  get connected(): number {
    return this.bots.filter((b) => b.client.connection?.isOpen).length;
  }

  /** Stops every bot; with `logout`, their sessions end on the server too (else they stay resumable for a while). */
  async stop(logout = false): Promise<void> {
    await Promise.all(this.bots.map((b) => b.stop(logout)));
  }
}
