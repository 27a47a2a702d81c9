/**
 * The Canary-side reference server: the UP/2.0 server library with every
 * module attached — state sync over the demo world, events, resources,
 * scripts — and the game rules of the world behind PLAYER_* messages.
 * `otbridge server` runs it; the console's demo and the tests start it
 * in-process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isIP } from 'node:net';
import { Priority, type BodyOf, type ResponseOf } from '../../src-shared/protocol';
import { diff, type JsonObject, type JsonValue, type ServerSyncSession } from '../../src-shared/sync';
import { AccountStore } from '../net/auth/accounts';
import { DEFAULT_SCRYPT, hashPassword, type ScryptParams } from '../net/auth/passwords';
import { TokenService } from '../net/auth/tokens';
import { fingerprint, generateKeyPair, type KeyPair } from '../net/keys';
import { UpServer, type UpServerOptions } from '../net/server/server';
import type { ServerSession } from '../net/server/session';
import { ResourceStore, attachResources } from '../net/server/modules/resources';
import { SyncModule } from '../net/server/modules/sync';
import { attachScripts } from '../net/server/modules/scripts';
import { createScriptRunner, type ScriptRunner } from '../scripting';
import { World, type WorldRules } from './world/world';
import { ViewChanges } from './world/views';
import { writeDemoResources } from './demo-resources';
import { loadOrCreateKeys } from './identity-file';
import { attachEvents, type EventsModule } from '../net/server/modules/events';
import { openAuditLog, type AuditLog } from '../audit';

export interface ReferenceServerOptions {
  readonly host?: string;
  readonly port?: number;
  /** Key file (created when missing); without it, fresh keys for this run only. */
  readonly keyFile?: string;
  readonly keys?: { identity: KeyPair; tokenKey: KeyPair };
  /** Accounts file to load ({"accounts":[{name, passwordHash, scope}]}). */
  readonly accountsFile?: string;
  /** The demo accounts demo/demo and admin/admin: on by default on loopback only. */
  readonly demoAccounts?: boolean;
  /** Allow demo accounts on a non-loopback address (you were warned). */
  readonly demoAccountsAnywhere?: boolean;
  readonly resourcesDir?: string;
  readonly world?: Partial<WorldRules>;
  readonly issuer?: string;
  readonly scrypt?: ScryptParams;
  readonly scripts?: boolean;
  readonly server?: Partial<Omit<UpServerOptions, 'identity' | 'tokens' | 'accounts'>>;
  /** Extra accounts for bots: bot1…botN, password "bot". */
  readonly botAccounts?: number;
  readonly log?: (line: string, fields?: Record<string, unknown>) => void;
  /**
   * The demo's server also posts a tip into each player's ui notifications
   * this often (0: never), while bots clear them: concurrent writes to the
   * same path, i.e. conflicts to watch in the console.
   */
  readonly uiTipsEveryMs?: number;
  /** Audit log for admin script executions (path); none when absent. */
  readonly auditLog?: string;
  /**
   * Sessions' sync ticks are spread over this many groups within each 100 ms
   * (default 10): with a thousand players the server works in pieces of a
   * hundred sessions, so a request waits behind at most one piece rather
   * than the whole tick.
   */
  readonly syncSlices?: number;
}

/** The password of every bot account. */
export const BOT_PASSWORD = 'bot';

export const isLoopback = (host: string): boolean => host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));

export class ReferenceServer {
  readonly server: UpServer;
  readonly world: World;
  readonly sync: SyncModule;
  readonly accounts: AccountStore;
  readonly tokens: TokenService;
  readonly identity: KeyPair;
  readonly runner: ScriptRunner | null;
  events!: EventsModule;
  /** Players whose own part (`player`) changed since the last tick. */
  private readonly dirty = new Set<string>();
  /** Whose views (`world`) changed since the last tick, and how. */
  private readonly views: ViewChanges;
  /** Each player's latest session: the player is refreshed at that session's group's turn (all its sessions together). */
  private readonly sessionsByPlayer = new Map<string, ServerSession>();
  private readonly critical = new Set<string>();
  private worldTimer: NodeJS.Timeout | null = null;
  private tipsTimer: NodeJS.Timeout | null = null;
  private ownResources: string | null = null;
  private readonly resources: ResourceStore;
  private detachResources: (() => void) | null = null;
  private readonly log: NonNullable<ReferenceServerOptions['log']>;
  private readonly audit: AuditLog | null;

  private constructor(
    readonly opts: ReferenceServerOptions,
    keys: { identity: KeyPair; tokenKey: KeyPair },
    accounts: AccountStore,
  ) {
    this.log = opts.log ?? (() => {});
    this.audit = opts.auditLog ? openAuditLog(opts.auditLog) : null;
    this.identity = keys.identity;
    this.accounts = accounts;
    this.tokens = new TokenService({ issuer: opts.issuer ?? 'otbridge-reference', signingKey: keys.tokenKey.privateKey });
    this.server = new UpServer({ identity: keys.identity, tokens: this.tokens, accounts, ...opts.server });
    this.world = new World(opts.world);
    this.views = new ViewChanges(this.world);
    let dir = opts.resourcesDir;
    if (!dir) {
      dir = mkdtempSync(join(tmpdir(), 'otbridge-resources-'));
      this.ownResources = dir;
      writeDemoResources(dir, this.world.map);
    }
    this.resources = new ResourceStore(dir);
    this.sync = new SyncModule(this.server, {
      initialState: (s) => this.initialState(s),
      beforeTick: (group) => this.refresh(group),
      slices: opts.syncSlices ?? 10,
    });
    this.runner = opts.scripts === false ? null : createScriptRunner();
    this.wire();
  }

  static async create(opts: ReferenceServerOptions = {}): Promise<ReferenceServer> {
    const host = opts.host ?? '127.0.0.1';
    const keys = opts.keys ?? (opts.keyFile ? loadOrCreateKeys(opts.keyFile) : { identity: generateKeyPair('ed25519'), tokenKey: generateKeyPair('ed25519') });
    const accounts = new AccountStore(opts.scrypt ?? DEFAULT_SCRYPT);
    const wantDemo = opts.demoAccounts ?? true;
    if (wantDemo && !isLoopback(host) && !opts.demoAccountsAnywhere) {
      throw new Error(
        `refusing to start on ${host} with the demo accounts (demo/demo, admin/admin): anyone could log in as admin. ` +
          'Listen on 127.0.0.1, turn them off (--no-demo-accounts), or pass --demo-accounts-anywhere if you really mean it.',
      );
    }
    if (wantDemo) {
      await accounts.addWithPassword('demo', 'demo', ['player'], { demo: true });
      await accounts.addWithPassword('admin', 'admin', ['player', 'admin'], { demo: true });
      await accounts.addWithPassword('qa', 'qa', ['player', 'qa'], { demo: true });
    }
    // Bot accounts share one password ("bot"), hashed once: a thousand scrypt hashes would take minutes.
    if ((opts.botAccounts ?? 0) > 0) {
      const botHash = await hashPassword(BOT_PASSWORD, opts.scrypt ?? DEFAULT_SCRYPT);
      for (let i = 1; i <= opts.botAccounts!; i++) accounts.add({ name: `bot${i}`, passwordHash: botHash, scope: ['player'], playerId: `bot-${i}`, demo: true });
    }
    if (opts.accountsFile) accounts.loadFile(opts.accountsFile);
    if (accounts.size === 0) throw new Error('no accounts: give an accounts file (--accounts) or keep the demo accounts');
    return new ReferenceServer(opts, keys, accounts);
  }

  get fingerprint(): string {
    return fingerprint(this.identity.publicRaw);
  }

  async listen(): Promise<{ host: string; port: number }> {
    const addr = await this.server.listen(this.opts.port ?? 7180, this.opts.host ?? '127.0.0.1');
    this.detachResources = attachResources(this.server, this.resources);
    this.worldTimer = setInterval(() => this.world.tick(), 100);
    this.worldTimer.unref();
    if (this.opts.uiTipsEveryMs) {
      let n = 0;
      this.tipsTimer = setInterval(() => {
        n++;
        for (const s of this.server.liveSessions()) this.addNotification(s, `tip #${n}: ${TIPS[n % TIPS.length]}`);
      }, this.opts.uiTipsEveryMs);
      this.tipsTimer.unref();
    }
    this.log('listening', { host: addr.address, port: addr.port, identity: this.fingerprint });
    return { host: addr.address, port: addr.port };
  }

  private initialState(s: ServerSession): JsonObject {
    // Bots spread over the map; people start at the temple.
    this.world.addPlayer(s.playerId, s.account.name, Date.now(), s.playerId.startsWith('bot-'));
    return {
      player: this.world.playerState(s.playerId) as JsonObject,
      world: this.world.viewOf(s.playerId) as unknown as JsonObject,
      ui: { windows: {}, widgets: {}, notifications: [] },
    };
  }

  private wire(): void {
    const { server, world } = this;
    server.on('sessionEnd', (s, reason) => {
      const other = server.sessionOfPlayer(s.playerId);
      if (other) {
        // The same account is logged in elsewhere: the player stays in the world, refreshed through that session.
        if (this.sessionsByPlayer.get(s.playerId) === s) this.sessionsByPlayer.set(s.playerId, other);
      } else {
        this.sessionsByPlayer.delete(s.playerId);
        world.removePlayer(s.playerId);
        // Nothing stays pending for a player who left (refreshes visit sessions: it would stay forever).
        this.views.done(s.playerId);
        this.dirty.delete(s.playerId);
        this.critical.delete(s.playerId);
      }
      this.log('session ended', { session: s.id, account: s.account.name, reason });
    });
    server.on('sessionStart', (s) => {
      this.sessionsByPlayer.set(s.playerId, s);
      this.log('session started', { session: s.id, account: s.account.name });
    });
    world.on('change', (c) => {
      this.views.note(c);
      if (c.kind === 'player') {
        this.dirty.add(c.id);
        if (c.critical) this.critical.add(c.id);
      } else if (c.kind === 'local') {
        // A player who moved (or arrived) has a new position in its own part.
        for (const e of c.entries) if (e.section === 'players' && world.player(e.id)) this.dirty.add(e.id);
      }
    });
    world.on('event', (e) => {
      const targets = e.to ? [e.to] : e.near ? world.playersSeeing(e.near) : undefined;
      if (targets?.length === 0) return;
      this.events.broadcast(e.name, e.data, targets);
    });
    server.handle('PLAYER_MOVE', (ctx) => {
      const body = ctx.frame.body as BodyOf<'PLAYER_MOVE'>;
      const r = world.movePlayer(ctx.session.playerId, 'direction' in body ? { direction: body.direction } : { to: body.to });
      // A refused move is no protocol error: the player simply does not move (the state says where it is).
      if (!r.ok) this.dirty.add(ctx.session.playerId);
    });
    server.handle('PLAYER_ACTION', (ctx) => {
      const body = ctx.frame.body as BodyOf<'PLAYER_ACTION'>;
      const problem = world.action(ctx.session.playerId, body.action, body.args ?? {});
      if (problem) this.notify(ctx.session, problem);
    });
    server.handle('PLAYER_INTERACT', (ctx) => {
      const body = ctx.frame.body as BodyOf<'PLAYER_INTERACT'>;
      const problem = world.interact(ctx.session.playerId, body.target, body.kind);
      if (problem) this.notify(ctx.session, problem);
    });
    this.events = attachEvents(this.server, {
      remote: {
        'server.time': () => ({ time: this.world.time, weather: this.world.weather }),
        'player.whoami': (s) => ({ playerId: s.playerId, account: s.account.name, scope: [...s.scope] }),
        'dice.roll': (_s, data) => {
          const sides = typeof (data as { sides?: unknown })?.sides === 'number' ? Math.max(2, Math.min(1000, (data as { sides: number }).sides)) : 6;
          return { sides, value: 1 + Math.floor(Math.random() * sides) };
        },
      },
    });
    if (this.runner) {
      const runner = this.runner;
      attachScripts(this.server, {
        runner,
        world: () => this.world.snapshot(),
        onRun: (s, source, outcome) => {
          const ok = !('kind' in outcome);
          this.log('script', { session: s.id, account: s.account.name, chars: source.length, ok });
          this.audit?.append({
            kind: 'script.execute',
            actor: s.account.name,
            params: { session: s.id, player: s.playerId, source: source.length > 4096 ? `${source.slice(0, 4096)}…` : source },
            outcome: ok ? { ok: true, durationMs: (outcome as { durationMs: number }).durationMs } : { ok: false, kind: (outcome as { kind: string }).kind, message: (outcome as { message: string }).message },
          }).catch((e: unknown) => this.log('audit failed', { error: (e as Error).message }));
        },
      });
    }
  }

  /**
   * A notice for one player: an event, and the last few in its ui
   * notifications. `ui` is the client's part; the server writing into it
   * while the client edits it too is exactly the conflict sync resolves
   * (CLIENT_WINS on ui by default).
   */
  private notify(session: ServerSession, text: string): void {
    this.events.broadcast('notice', { text }, [session.playerId]);
    this.addNotification(session, text);
  }

  private addNotification(session: ServerSession, text: string): void {
    const sync = this.sync.of(session);
    if (!sync) return;
    const ui = sync.state.ui as { notifications?: unknown } | undefined;
    const list = Array.isArray(ui?.notifications) ? (ui.notifications as JsonValue[]) : [];
    sync.set('/ui/notifications', [...list.slice(-4), { text, at: Date.now() }], Priority.LOW);
  }

  /**
   * Before a group of sessions is ticked: push to each of their players what
   * changed for it since its last tick — its own part, and the entries of
   * its view that changed (see ViewChanges). What changed for players of
   * other groups waits for their turn (their batches would wait for it
   * anyway), so the work comes in the same small pieces as the ticks, and
   * an entry that changed several times between two turns is diffed once.
   * A critical change of a player's own part goes out at the next refresh,
   * whatever its group. A player logged in more than once (one account, two
   * clients) is refreshed at its latest session's turn, every one of its
   * sessions from its own synced state.
   */
  private refresh(group: Iterable<ServerSession>): void {
    for (const playerId of this.critical) {
      this.forEachSync(playerId, (sync) => this.refreshOwn(playerId, sync, Priority.CRITICAL));
      this.dirty.delete(playerId);
    }
    this.critical.clear();
    const views = this.views.pending;
    for (const s of group) {
      const playerId = s.playerId;
      if (this.sessionsByPlayer.get(playerId) !== s) continue;
      const viewChanged = views && this.views.has(playerId);
      const ownChanged = this.dirty.delete(playerId);
      if (!viewChanged && !ownChanged) continue;
      this.forEachSync(playerId, (sync) => {
        if (viewChanged) {
          const ops = this.views.opsFor(playerId, sync.state.world as JsonValue | undefined);
          if (ops.length) sync.push(ops, Priority.NORMAL);
        }
        if (ownChanged) this.refreshOwn(playerId, sync, Priority.HIGH);
      });
      if (viewChanged) this.views.done(playerId);
    }
  }

  /** Each session of the player's sync state (usually one). */
  private forEachSync(playerId: string, f: (sync: ServerSyncSession) => void): void {
    const all = this.server.sessionsOfPlayer(playerId);
    if (!all) return;
    for (const s of all) {
      const sync = this.sync.of(s);
      if (sync) f(sync);
    }
  }

  /** Pushes what changed in the player's own part. */
  private refreshOwn(playerId: string, sync: ServerSyncSession, priority: Priority): void {
    const player = this.world.playerState(playerId);
    if (!player) return;
    const ops = diff((sync.state.player ?? {}) as JsonValue, player as JsonValue, '/player');
    if (ops.length) sync.push(ops, priority);
  }

  async close(): Promise<void> {
    if (this.worldTimer) clearInterval(this.worldTimer);
    if (this.tipsTimer) clearInterval(this.tipsTimer);
    this.detachResources?.();
    this.sync.dispose();
    await this.server.close();
    await this.runner?.close();
    if (this.ownResources) rmSync(this.ownResources, { recursive: true, force: true });
  }
}

export type { ResponseOf };

const TIPS = ['use `look` on a creature to learn its health', 'trolls hit harder than rats', 'rest to regain mana', 'the weather changes every half minute'];
