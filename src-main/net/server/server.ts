/**
 * The Canary-side UP/2.0 server library: listener, handshake, login,
 * refresh, logout and resume (spec §4), the session limit, per-connection
 * rate limits, token expiry, and a handler registry for everything else.
 * Game logic, state sync, events, resources and scripts attach to it as
 * modules (see ./modules) — the reference server in src-main/peers is one
 * composition of them.
 */
import { createServer, type Server, type Socket, type AddressInfo } from 'node:net';
import { EventEmitter } from 'node:events';
import {
  DEFAULT_MAX_PAYLOAD,
  MessageType,
  Timing,
  type BodyOf,
  type DecodedFrame,
  type ErrorCode,
  type MessageName,
  type Priority,
  type ProtocolError,
  type ResponseOf,
} from '../../../src-shared/protocol';
import { FramedConnection } from '../connection';
import { serverHandshake, type HandshakeResult } from '../handshake';
import type { KeyPair } from '../keys';
import type { AccountStore, Account } from '../auth/accounts';
import { TokenError, type TokenService, type IssuedTokens } from '../auth/tokens';
import { ServerSession } from './session';
import { DEFAULT_RATE_LIMIT, TokenBucket, type RateLimit } from './rate-limit';
import type { CodecPorts } from '../ports';
import { codecPorts } from '../ports';
import { sharedTicker, type Ticker } from '../ticker';

export interface UpServerOptions {
  readonly identity: KeyPair;
  readonly tokens: TokenService;
  readonly accounts: AccountStore;
  readonly maxSessions?: number;
  readonly allowPlaintext?: boolean;
  readonly maxPayload?: number;
  readonly rateLimit?: RateLimit;
  readonly idleTimeoutMs?: number;
  readonly heartbeatAfterMs?: number;
  /** How long a dropped session can be resumed. */
  readonly resumeWindowMs?: number;
  readonly syncIntervalMs?: number;
  readonly batchSize?: number;
  readonly ports?: CodecPorts;
  readonly ticker?: Ticker;
}

export interface RequestContext {
  readonly server: UpServer;
  readonly session: ServerSession;
  readonly conn: FramedConnection;
  readonly frame: DecodedFrame;
  /** Answers this frame (RESPONSE, ref = its seq). */
  reply(type: number, body: object, priority?: Priority): void;
  /** Answers with a non-fatal ERROR (RESPONSE when the frame is a request, else ref 0). */
  error(code: ErrorCode, message: string): void;
}

export type Handler = (ctx: RequestContext) => void | Promise<void>;

interface ConnState {
  readonly conn: FramedConnection;
  handshake: HandshakeResult | null;
  session: ServerSession | null;
  loginFailures: number;
  readonly bucket: TokenBucket;
  lastRateError: number;
  busy: boolean;
}

export interface ServerCounters {
  connections: number;
  handshakes: number;
  logins: number;
  loginFailures: number;
  resumes: number;
  refreshes: number;
  rateLimited: number;
  protocolErrors: number;
  framesIn: number;
}

const T = MessageType;

export class UpServer extends EventEmitter<{
  listening: [AddressInfo];
  connection: [FramedConnection];
  sessionStart: [ServerSession];
  sessionResume: [ServerSession, number | undefined];
  sessionDetach: [ServerSession];
  sessionEnd: [ServerSession, string];
  protocolError: [FramedConnection, ProtocolError];
}> {
  readonly opts: Required<Omit<UpServerOptions, 'identity' | 'tokens' | 'accounts'>>;
  readonly identity: KeyPair;
  readonly tokens: TokenService;
  readonly accounts: AccountStore;
  readonly sessions = new Map<string, ServerSession>();
  /** The sessions of each player, in the order they were bound: targeted events look players up many times a second. */
  private readonly byPlayer = new Map<string, Set<ServerSession>>();
  private readonly handlers = new Map<number, Handler>();
  private readonly conns = new Set<ConnState>();
  private server: Server | null = null;
  private sweeper: NodeJS.Timeout | null = null;
  readonly counters: ServerCounters = {
    connections: 0,
    handshakes: 0,
    logins: 0,
    loginFailures: 0,
    resumes: 0,
    refreshes: 0,
    rateLimited: 0,
    protocolErrors: 0,
    framesIn: 0,
  };

  constructor(options: UpServerOptions) {
    super();
    this.identity = options.identity;
    this.tokens = options.tokens;
    this.accounts = options.accounts;
    this.opts = {
      maxSessions: options.maxSessions ?? Timing.MAX_SESSIONS,
      allowPlaintext: options.allowPlaintext ?? false,
      maxPayload: options.maxPayload ?? DEFAULT_MAX_PAYLOAD,
      rateLimit: options.rateLimit ?? DEFAULT_RATE_LIMIT,
      idleTimeoutMs: options.idleTimeoutMs ?? Timing.IDLE_TIMEOUT_MS,
      heartbeatAfterMs: options.heartbeatAfterMs ?? Timing.HEARTBEAT_AFTER_MS,
      resumeWindowMs: options.resumeWindowMs ?? 5 * 60_000,
      syncIntervalMs: options.syncIntervalMs ?? Timing.SYNC_INTERVAL_MS,
      batchSize: options.batchSize ?? Timing.BATCH_SIZE,
      ports: options.ports ?? codecPorts,
      ticker: options.ticker ?? sharedTicker,
    };
    this.tokens.onFamilyRevoked = (family, _sids, reason) => {
      for (const s of this.sessions.values()) {
        if (s.family !== family) continue;
        if (reason === 'reused' && s.conn?.isOpen) s.conn.fatal('UNAUTHENTICATED', 'this login was revoked: a refresh token was used twice');
        this.endSession(s, reason === 'logout' ? 'logout' : 'login revoked (refresh token reuse)');
      }
    };
  }

  /** Registers the handler of a message type sent by logged-in clients. */
  handle(type: MessageName, handler: Handler): void {
    this.handlers.set(T[type], handler);
  }

  get attachedSessions(): number {
    let n = 0;
    for (const s of this.sessions.values()) if (s.attached) n++;
    return n;
  }

  /** Every attached session (for broadcasts). */
  *liveSessions(): Generator<ServerSession> {
    for (const s of this.sessions.values()) if (s.attached) yield s;
  }

  /** Every session still held for this player (a player logged in twice has two); undefined when none. */
  sessionsOfPlayer(playerId: string): ReadonlySet<ServerSession> | undefined {
    return this.byPlayer.get(playerId);
  }

  /** The player's first session still held (a player logged in twice has two). */
  sessionOfPlayer(playerId: string): ServerSession | undefined {
    const mine = this.byPlayer.get(playerId);
    if (mine) for (const s of mine) return s;
    return undefined;
  }

  async listen(port: number, host = '127.0.0.1'): Promise<AddressInfo> {
    const server = createServer({ noDelay: true, keepAlive: true, keepAliveInitialDelay: 10_000 }, (socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(port, host, () => {
        server.off('error', fail);
        ok();
      });
    });
    this.sweeper = setInterval(() => this.sweepDetached(), 1000);
    this.sweeper.unref();
    const addr = server.address() as AddressInfo;
    this.emit('listening', addr);
    return addr;
  }

  /** Takes a socket from elsewhere (the proxy's tests, an in-process pipe). */
  accept(socket: Socket): FramedConnection {
    const conn = new FramedConnection(socket, {
      role: 'server',
      maxPayload: this.opts.maxPayload,
      idleTimeoutMs: this.opts.idleTimeoutMs,
      heartbeatAfterMs: this.opts.heartbeatAfterMs,
      ports: this.opts.ports,
      ticker: this.opts.ticker,
    });
    const st: ConnState = {
      conn,
      handshake: null,
      session: null,
      loginFailures: 0,
      bucket: new TokenBucket(this.opts.rateLimit),
      lastRateError: 0,
      busy: false,
    };
    this.conns.add(st);
    this.counters.connections++;
    conn.onMessage = (frame) => this.onFrame(st, frame);
    conn.admit = (frame) => this.admit(st, frame);
    conn.onProtocolError = (e) => {
      this.counters.protocolErrors++;
      this.emit('protocolError', conn, e);
    };
    conn.onClose = () => {
      this.conns.delete(st);
      const s = st.session;
      if (s && s.conn === conn) {
        s.conn = null;
        s.detachedAt = Date.now();
        this.emit('sessionDetach', s);
      }
    };
    this.emit('connection', conn);
    return conn;
  }

  /** The per-connection rate limit, applied to every request and push (heartbeats too). */
  private admit(st: ConnState, frame: DecodedFrame): boolean {
    if (st.bucket.take()) return true;
    this.counters.rateLimited++;
    const now = Date.now();
    // Answer every request; for pushes, at most a few errors per second (no amplification).
    if (frame.def.isRequest || now - st.lastRateError > 250) {
      st.lastRateError = now;
      st.conn.sendError(frame.def.isRequest ? frame : null, 'RATE_LIMITED', `over ${this.opts.rateLimit.perSecond} messages/s`);
    }
    return false;
  }

  private onFrame(st: ConnState, frame: DecodedFrame): void {
    this.counters.framesIn++;
    const { conn } = st;
    const type = frame.header.type;
    const isRequest = frame.def.isRequest;
    if (!st.handshake) {
      if (type !== T.HANDSHAKE) {
        conn.sendError(isRequest ? frame : null, 'UNAUTHENTICATED', 'the first frame must be HANDSHAKE');
        return;
      }
      try {
        st.handshake = serverHandshake(conn, frame, {
          identity: this.identity,
          allowPlaintext: this.opts.allowPlaintext,
          maxPayload: this.opts.maxPayload,
          syncIntervalMs: this.opts.syncIntervalMs,
          batchSize: this.opts.batchSize,
        });
        this.counters.handshakes++;
      } catch (e) {
        conn.sendError(frame, 'BAD_PAYLOAD', `handshake refused: ${(e as Error).message}`);
        conn.close('handshake refused');
      }
      return;
    }
    if (type === T.HANDSHAKE) {
      conn.sendError(frame, 'BAD_PAYLOAD', 'the handshake is already done');
      return;
    }
    if (frame.def.sender === 'server') {
      conn.sendError(isRequest ? frame : null, 'BAD_PAYLOAD', `${frame.def.name} is sent by servers, not clients`);
      return;
    }
    if (type === T.AUTH_LOGIN) {
      void this.serialized(st, () => this.login(st, frame));
      return;
    }
    // HEARTBEAT is answered by the connection itself; HANDSHAKE and AUTH_LOGIN are above.
    const session = st.session;
    if (!session) {
      conn.sendError(isRequest ? frame : null, 'UNAUTHENTICATED', `log in first: ${frame.def.name} needs a session`);
      return;
    }
    if (type === T.AUTH_REFRESH) {
      void this.serialized(st, () => this.refresh(st, session, frame));
      return;
    }
    if (type === T.AUTH_LOGOUT) {
      this.logout(st, session, frame);
      return;
    }
    const handler = this.handlers.get(type);
    const ctx: RequestContext = {
      server: this,
      session,
      conn,
      frame,
      reply: (t, body, priority) => conn.reply(frame, t, body, priority),
      error: (code, message) => conn.sendError(isRequest ? frame : null, code, message),
    };
    if (!handler) {
      ctx.error('NOT_FOUND', `this server does not handle ${frame.def.name}`);
      return;
    }
    try {
      const r = handler(ctx);
      if (r instanceof Promise) r.catch((e: unknown) => this.internalError(ctx, e));
    } catch (e) {
      this.internalError(ctx, e);
    }
  }

  private internalError(ctx: RequestContext, e: unknown): void {
    if (ctx.conn.isOpen) ctx.error('INTERNAL', `${ctx.frame.def.name} failed: ${(e as Error)?.message ?? String(e)}`);
  }

  /** Auth requests of one connection run one at a time, in order. */
  private async serialized(st: ConnState, work: () => Promise<void>): Promise<void> {
    while (st.busy) await new Promise((r) => setImmediate(r));
    st.busy = true;
    try {
      await work();
    } catch (e) {
      if (st.conn.isOpen) st.conn.sendError(null, 'INTERNAL', (e as Error).message);
    } finally {
      st.busy = false;
    }
  }

  private async login(st: ConnState, frame: DecodedFrame): Promise<void> {
    const { conn } = st;
    const body = frame.body as BodyOf<'AUTH_LOGIN'>;
    if (st.session) {
      conn.sendError(frame, 'BAD_PAYLOAD', 'already logged in on this connection');
      return;
    }
    const fail = (code: ErrorCode, message: string): void => {
      this.counters.loginFailures++;
      st.loginFailures++;
      if (!conn.isOpen) return;
      if (code === 'UNAUTHENTICATED' && st.loginFailures >= Timing.MAX_LOGIN_FAILURES) {
        conn.sendError(frame, code, `${message}; ${Timing.MAX_LOGIN_FAILURES} failures, closing`);
        conn.close('too many failed logins');
      } else {
        conn.sendError(frame, code, message);
      }
    };
    if ('accessToken' in body) {
      await this.resume(st, frame, body.accessToken, body.stateVersion, fail);
      return;
    }
    if (this.attachedSessions >= this.opts.maxSessions) {
      conn.sendError(frame, 'SESSION_LIMIT', `this server holds at most ${this.opts.maxSessions} sessions`);
      return;
    }
    let account: Account | null;
    let issued: IssuedTokens;
    let sid: string;
    if ('refreshToken' in body) {
      try {
        issued = await this.tokens.rotate(body.refreshToken);
      } catch (e) {
        fail('UNAUTHENTICATED', e instanceof TokenError ? e.message : 'refresh failed');
        return;
      }
      account = this.accountById(issued.claims.sub);
      if (!account) {
        fail('UNAUTHENTICATED', 'the account of this token no longer exists');
        return;
      }
      sid = issued.claims.sid;
    } else {
      account = await this.accounts.verify(body.account, body.password);
      if (!account) {
        fail('UNAUTHENTICATED', 'wrong account or password');
        return;
      }
      sid = st.handshake!.sessionId;
      issued = await this.tokens.issue(account.id, sid, account.scope);
    }
    if (!conn.isOpen) return;
    // A login that names a session still held (refresh-token login) takes it over.
    const existing = this.sessions.get(sid);
    const session = existing ?? new ServerSession(sid, account, issued.claims.scope);
    this.bind(st, session, issued);
    this.counters.logins++;
    const res: ResponseOf<'AUTH_LOGIN'> = {
      ok: true,
      accountId: account.id,
      playerId: account.playerId,
      scope: [...issued.claims.scope],
      accessToken: issued.accessToken,
      refreshToken: issued.refreshToken,
      expiresIn: issued.expiresIn,
    };
    conn.reply(frame, T.AUTH_LOGIN, res, 0);
    if (existing) {
      this.emit('sessionResume', session, undefined);
      session.flushOutbox();
    } else this.emit('sessionStart', session);
  }

  private async resume(
    st: ConnState,
    frame: DecodedFrame,
    accessToken: string,
    stateVersion: number | undefined,
    fail: (code: ErrorCode, message: string) => void,
  ): Promise<void> {
    const { conn } = st;
    let claims;
    try {
      claims = await this.tokens.verify(accessToken);
    } catch (e) {
      const te = e as TokenError;
      fail(te.reason === 'expired' ? 'TOKEN_EXPIRED' : 'UNAUTHENTICATED', te.message);
      return;
    }
    const account = this.accountById(claims.sub);
    if (!account) {
      fail('UNAUTHENTICATED', 'the account of this token no longer exists');
      return;
    }
    let session = this.sessions.get(claims.sid);
    const isNew = !session;
    if (!session && this.attachedSessions >= this.opts.maxSessions) {
      conn.sendError(frame, 'SESSION_LIMIT', `this server holds at most ${this.opts.maxSessions} sessions`);
      return;
    }
    session ??= new ServerSession(claims.sid, account, claims.scope);
    const family = this.tokens.familyOf(claims.jti)!;
    const issued = await this.tokens.reissue(family, claims);
    if (!conn.isOpen) return;
    this.bind(st, session, issued);
    this.counters.resumes++;
    conn.reply(
      frame,
      T.AUTH_LOGIN,
      {
        ok: true,
        accountId: account.id,
        playerId: account.playerId,
        scope: [...claims.scope],
        accessToken: issued.accessToken,
        refreshToken: issued.refreshToken,
        expiresIn: issued.expiresIn,
        ...(stateVersion !== undefined ? { stateVersion } : {}),
      } satisfies ResponseOf<'AUTH_LOGIN'>,
      0,
    );
    if (isNew) this.emit('sessionStart', session);
    else this.emit('sessionResume', session, stateVersion);
    session.flushOutbox();
  }

  private async refresh(st: ConnState, session: ServerSession, frame: DecodedFrame): Promise<void> {
    const body = frame.body as BodyOf<'AUTH_REFRESH'>;
    let issued: IssuedTokens;
    try {
      issued = await this.tokens.rotate(body.refreshToken);
    } catch (e) {
      const te = e as TokenError;
      // A reused token has already revoked the family (and closed this session when it belonged to it).
      if (st.conn.isOpen) st.conn.sendError(frame, te.reason === 'expired' ? 'TOKEN_EXPIRED' : 'UNAUTHENTICATED', te.message);
      return;
    }
    if (issued.family !== session.family) {
      st.conn.sendError(frame, 'UNAUTHENTICATED', 'that refresh token belongs to another login');
      return;
    }
    this.counters.refreshes++;
    this.armExpiry(session, issued.claims.exp);
    st.conn.reply(
      frame,
      T.AUTH_REFRESH,
      { accessToken: issued.accessToken, refreshToken: issued.refreshToken, expiresIn: issued.expiresIn } satisfies ResponseOf<'AUTH_REFRESH'>,
      0,
    );
  }

  private logout(st: ConnState, session: ServerSession, frame: DecodedFrame): void {
    st.conn.reply(frame, T.AUTH_LOGOUT, { ok: true } satisfies ResponseOf<'AUTH_LOGOUT'>, 0);
    this.tokens.revokeFamily(session.family, 'logout');
    this.endSession(session, 'logout');
  }

  private bind(st: ConnState, session: ServerSession, issued: IssuedTokens): void {
    const old = session.conn;
    if (old && old !== st.conn && old.isOpen) old.close('session resumed on another connection');
    session.conn = st.conn;
    session.detachedAt = null;
    session.family = issued.family;
    st.session = session;
    this.sessions.set(session.id, session);
    let mine = this.byPlayer.get(session.playerId);
    if (!mine) this.byPlayer.set(session.playerId, (mine = new Set()));
    mine.add(session);
    this.armExpiry(session, issued.claims.exp);
  }

  /** At token expiry: ERROR TOKEN_EXPIRED, then close (spec §4.2). A refresh re-arms it. */
  private armExpiry(session: ServerSession, exp: number): void {
    session.tokenExp = exp;
    if (session.expiryTimer) clearTimeout(session.expiryTimer);
    const ms = Math.max(0, exp * 1000 - Date.now());
    session.expiryTimer = setTimeout(() => {
      session.expiryTimer = null;
      const conn = session.conn;
      if (conn?.isOpen) conn.fatal('TOKEN_EXPIRED', 'the access token expired; refresh before it does');
      this.endSession(session, 'token expired');
    }, Math.min(ms, 2 ** 31 - 1));
    session.expiryTimer.unref();
  }

  endSession(session: ServerSession, reason: string): void {
    if (!this.sessions.has(session.id)) return;
    this.sessions.delete(session.id);
    const mine = this.byPlayer.get(session.playerId);
    if (mine?.delete(session) && mine.size === 0) this.byPlayer.delete(session.playerId);
    if (session.expiryTimer) clearTimeout(session.expiryTimer);
    session.expiryTimer = null;
    const conn = session.conn;
    session.conn = null;
    if (conn?.isOpen) conn.close(reason);
    this.emit('sessionEnd', session, reason);
  }

  private sweepDetached(): void {
    const now = Date.now();
    for (const s of this.sessions.values()) {
      if (s.detachedAt !== null && now - s.detachedAt > this.opts.resumeWindowMs) this.endSession(s, 'not resumed in time');
    }
  }

  private accountById(id: string): Account | null {
    for (const a of this.accounts.list()) if (a.id === id) return a;
    return null;
  }

  /** Pushes a message to every attached session. */
  broadcast(type: number, body: object, priority: Priority = 2, except?: ServerSession): number {
    let n = 0;
    for (const s of this.liveSessions()) {
      if (s === except) continue;
      s.push(type, body, priority);
      n++;
    }
    return n;
  }

  get address(): AddressInfo | null {
    return (this.server?.address() as AddressInfo | null) ?? null;
  }

  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    for (const s of [...this.sessions.values()]) this.endSession(s, 'server shutting down');
    for (const st of this.conns) st.conn.close('server shutting down');
    const server = this.server;
    this.server = null;
    if (server) {
      await new Promise<void>((ok) => server.close(() => ok()));
    }
    for (const st of this.conns) st.conn.destroy('server shut down');
  }

}
