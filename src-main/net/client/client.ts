/**
 * The OTClient-side UP/2.0 client library: connect, handshake with a pinned
 * server identity, log in, refresh at 80 % of the token's life, reconnect up
 * to 3 times with backoff and jitter and then resume the session (spec §1,
 * §4.4), and typed calls for every client message. State sync, events and
 * resources are delivered as events; the reference client and the bots are
 * built on it.
 */
import { connect as tcpConnect, type Socket } from 'node:net';
import { EventEmitter } from 'node:events';
import {
  MessageType,
  Timing,
  type BodyOf,
  type DecodedFrame,
  type Priority,
  type ResponseOf,
} from '../../../src-shared/protocol';
import { FramedConnection } from '../connection';
import { clientHandshake, type Encryption, type HandshakeResult, type IdentityPolicy } from '../handshake';
import { ConnectionClosedError, RemoteError } from '../errors';
import { backoffDelay } from './backoff';
import { fetchResource, type FetchedResource } from './resources';
import type { CodecPorts } from '../ports';
import type { Ticker } from '../ticker';

export type Credentials = { readonly account: string; readonly password: string } | { readonly refreshToken: string };

export interface UpClientOptions {
  readonly host: string;
  readonly port: number;
  readonly identity: IdentityPolicy;
  readonly credentials: Credentials;
  readonly encryption?: Encryption;
  /** Reconnect attempts after an unexpected close (spec: 3). 0 disables. */
  readonly reconnectAttempts?: number;
  /** Refresh the access token on our own at this fraction of its life (spec: 0.8). */
  readonly refreshAt?: number;
  readonly connectTimeoutMs?: number;
  /** Send a HEARTBEAT after this long without sending (spec: 10 000 ms). */
  readonly heartbeatAfterMs?: number;
  /** Close after this long without receiving (spec: 30 000 ms). */
  readonly idleTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  readonly ports?: CodecPorts;
  readonly ticker?: Ticker;
  /** Jitter source (tests). */
  readonly random?: () => number;
}

export interface LoginInfo {
  readonly accountId: string | number;
  readonly playerId: string | number;
  readonly scope: readonly string[];
  readonly sessionId: string;
  readonly expiresIn: number;
}

export type ClientEvents = {
  /** Every frame from the server that is not a response to one of our requests. */
  push: [DecodedFrame];
  /** A non-fatal ERROR sent with ref 0, or a fatal one before the close. */
  serverError: [RemoteError];
  /** Connection lost; `attempt` is the reconnect about to be tried. */
  reconnecting: [{ attempt: number; delayMs: number; reason: string }];
  /** Logged in again on a new connection (resume). */
  resumed: [LoginInfo];
  refreshed: [{ expiresIn: number }];
  /** The client gave up or was closed; no more reconnects. */
  closed: [string];
};

export class UpClient extends EventEmitter<ClientEvents> {
  private conn: FramedConnection | null = null;
  private accessToken: string | null = null;
  private refreshToken: string | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;
  private handshake: HandshakeResult | null = null;
  private stopped = false;
  private reconnecting = false;
  /** The state version the client holds, reported on resume. */
  stateVersion = 0;
  login: LoginInfo | null = null;
  reconnects = 0;

  constructor(readonly opts: UpClientOptions) {
    super();
  }

  get connection(): FramedConnection | null {
    return this.conn;
  }

  /** The identity key the server presented in the last handshake. */
  get serverIdentity(): Uint8Array | null {
    return this.handshake?.identityKey ?? null;
  }

  get sessionId(): string | null {
    return this.login?.sessionId ?? null;
  }

  get tokens(): { accessToken: string | null; refreshToken: string | null } {
    return { accessToken: this.accessToken, refreshToken: this.refreshToken };
  }

  /** Connects, handshakes and logs in with the configured credentials. */
  async connect(): Promise<LoginInfo> {
    this.stopped = false;
    const conn = await this.open();
    const body: BodyOf<'AUTH_LOGIN'> =
      'account' in this.opts.credentials
        ? { account: this.opts.credentials.account, password: this.opts.credentials.password }
        : { refreshToken: this.opts.credentials.refreshToken };
    return this.completeLogin(conn, body);
  }

  private async open(): Promise<FramedConnection> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = tcpConnect({ host: this.opts.host, port: this.opts.port, noDelay: true });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new Error(`connect to ${this.opts.host}:${this.opts.port} timed out`));
      }, this.opts.connectTimeoutMs ?? 5000);
      s.once('connect', () => {
        clearTimeout(timer);
        resolve(s);
      });
      s.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
    const conn = new FramedConnection(socket, {
      role: 'client',
      ...(this.opts.requestTimeoutMs ? { requestTimeoutMs: this.opts.requestTimeoutMs } : {}),
      ...(this.opts.heartbeatAfterMs ? { heartbeatAfterMs: this.opts.heartbeatAfterMs } : {}),
      ...(this.opts.idleTimeoutMs ? { idleTimeoutMs: this.opts.idleTimeoutMs } : {}),
      ...(this.opts.ports ? { ports: this.opts.ports } : {}),
      ...(this.opts.ticker ? { ticker: this.opts.ticker } : {}),
    });
    this.conn = conn;
    conn.onMessage = (f) => this.onPush(f);
    conn.onClose = (reason) => this.onClosed(conn, reason);
    this.handshake = await clientHandshake(conn, {
      identity: this.opts.identity,
      ...(this.opts.encryption ? { encryption: this.opts.encryption } : {}),
    });
    return conn;
  }

  private async completeLogin(conn: FramedConnection, body: BodyOf<'AUTH_LOGIN'>): Promise<LoginInfo> {
    const res = await conn.request(MessageType.AUTH_LOGIN, body, { priority: 0 });
    const r = res.body as ResponseOf<'AUTH_LOGIN'>;
    this.accessToken = r.accessToken;
    this.refreshToken = r.refreshToken;
    // The session is the one the token names (its sid): on a resume, or through a decrypting
    // proxy, this connection's handshake id is a different one.
    const sid = tokenSessionId(r.accessToken) ?? this.handshake!.sessionId;
    this.login = { accountId: r.accountId, playerId: r.playerId, scope: r.scope, sessionId: sid, expiresIn: r.expiresIn };
    this.scheduleRefresh(r.expiresIn);
    return this.login;
  }

  private scheduleRefresh(expiresIn: number): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    const ms = expiresIn * 1000 * (this.opts.refreshAt ?? Timing.REFRESH_AT_FRACTION);
    this.refreshTimer = setTimeout(() => {
      this.refresh().catch(() => {
        // a failed refresh ends with TOKEN_EXPIRED from the server, handled as a close
      });
    }, Math.min(ms, 2 ** 31 - 1));
    this.refreshTimer.unref();
  }

  /** Rotates the tokens now (the client also does it on its own at 80 % of their life). */
  async refresh(): Promise<void> {
    const conn = this.requireConn();
    if (!this.refreshToken) throw new Error('not logged in');
    const res = await conn.request(MessageType.AUTH_REFRESH, { refreshToken: this.refreshToken }, { priority: 0 });
    const r = res.body as ResponseOf<'AUTH_REFRESH'>;
    this.accessToken = r.accessToken;
    this.refreshToken = r.refreshToken;
    this.scheduleRefresh(r.expiresIn);
    this.emit('refreshed', { expiresIn: r.expiresIn });
  }

  async logout(): Promise<void> {
    const conn = this.requireConn();
    this.stopped = true;
    try {
      await conn.request(MessageType.AUTH_LOGOUT, {}, { priority: 0 });
    } finally {
      this.stop('logged out');
    }
  }

  /** Closes without logging out; the server keeps the session resumable for a while. */
  close(reason = 'closed by the client'): void {
    this.stopped = true;
    this.stop(reason);
  }

  private stop(reason: string): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
    const conn = this.conn;
    if (conn?.isOpen) conn.close(reason);
    this.emit('closed', reason);
  }

  private requireConn(): FramedConnection {
    if (!this.conn || !this.conn.isOpen) throw new ConnectionClosedError('not connected');
    return this.conn;
  }

  // ---- messages ----------------------------------------------------------

  send<N extends 'PLAYER_MOVE' | 'PLAYER_ACTION' | 'PLAYER_INTERACT'>(name: N, body: BodyOf<N>, priority: Priority = 1): number {
    return this.requireConn().send(MessageType[name], body as object, { priority });
  }

  /** Any request; resolves with the response frame, rejects with RemoteError on ERROR. */
  request(type: number, body: object, opts: { priority?: Priority; timeoutMs?: number } = {}): Promise<DecodedFrame> {
    return this.requireConn().request(type, body, opts);
  }

  async trigger(event: BodyOf<'EVENT_TRIGGER'>): Promise<ResponseOf<'EVENT_RESPONSE'>> {
    const res = await this.request(MessageType.EVENT_TRIGGER, event);
    return res.body as ResponseOf<'EVENT_RESPONSE'>;
  }

  fetchResource(name: string, opts: { ifNoneMatch?: string } = {}): Promise<FetchedResource> {
    return fetchResource(this.requireConn(), name, opts);
  }

  /** Runs a Lua script (scope admin); resolves with SCRIPT_RESULT or SCRIPT_ERROR's body. */
  async runScript(
    source: string,
    opts: { args?: Record<string, unknown>; timeoutMs?: number } = {},
  ): Promise<{ ok: true; result: ResponseOf<'SCRIPT_RESULT'> } | { ok: false; error: ResponseOf<'SCRIPT_ERROR'> }> {
    const res = await this.request(
      MessageType.SCRIPT_EXECUTE,
      { language: 'lua', source, ...(opts.args ? { args: opts.args } : {}), ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) },
      { timeoutMs: (opts.timeoutMs ?? 5000) + 10_000 },
    );
    return res.header.type === MessageType.SCRIPT_RESULT
      ? { ok: true, result: res.body as ResponseOf<'SCRIPT_RESULT'> }
      : { ok: false, error: res.body as ResponseOf<'SCRIPT_ERROR'> };
  }

  // ---- incoming ----------------------------------------------------------

  private onPush(frame: DecodedFrame): void {
    if (frame.header.type === MessageType.ERROR) {
      const b = frame.body as { code: RemoteError['code']; message: string; fatal: boolean };
      this.emit('serverError', new RemoteError(b.code, b.message, b.fatal));
      if (b.code === 'TOKEN_EXPIRED' || b.code === 'UNAUTHENTICATED') this.stopped = this.stopped || b.fatal;
      return;
    }
    this.emit('push', frame);
  }

  private onClosed(conn: FramedConnection, reason: string): void {
    if (conn !== this.conn) return;
    if (this.stopped || this.reconnecting) {
      if (this.stopped) this.stop(reason);
      return;
    }
    void this.reconnect(reason);
  }

  /** Up to N reconnect attempts with backoff and jitter, then resume with the access token. */
  private async reconnect(reason: string): Promise<void> {
    const attempts = this.opts.reconnectAttempts ?? Timing.RETRY_BACKOFF_MS.length;
    if (attempts <= 0 || !this.accessToken) {
      this.stop(`connection lost: ${reason}`);
      return;
    }
    this.reconnecting = true;
    let lastError = reason;
    try {
      for (let attempt = 0; attempt < attempts && !this.stopped; attempt++) {
        const delayMs = backoffDelay(attempt, this.opts.random);
        this.emit('reconnecting', { attempt: attempt + 1, delayMs, reason: lastError });
        await new Promise((r) => setTimeout(r, delayMs));
        if (this.stopped) return;
        try {
          const conn = await this.open();
          let info: LoginInfo;
          try {
            info = await this.completeLogin(conn, { accessToken: this.accessToken, stateVersion: this.stateVersion });
          } catch (e) {
            // An expired access token: the refresh token can still log this session back in.
            if (e instanceof RemoteError && e.code === 'TOKEN_EXPIRED' && this.refreshToken) {
              info = await this.completeLogin(conn, { refreshToken: this.refreshToken });
            } else throw e;
          }
          this.reconnects++;
          this.emit('resumed', info);
          return;
        } catch (e) {
          lastError = (e as Error).message;
          if (e instanceof RemoteError && (e.code === 'UNAUTHENTICATED' || e.code === 'TOKEN_EXPIRED')) break;
        }
      }
      this.stopped = true;
      this.stop(`could not reconnect: ${lastError}`);
    } finally {
      this.reconnecting = false;
    }
  }
}

/** The `sid` claim of an access token, read without verifying (the server verifies it). */
function tokenSessionId(jwt: string): string | null {
  const payload = jwt.split('.')[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sid?: unknown };
    return typeof claims.sid === 'string' ? claims.sid : null;
  } catch {
    return null;
  }
}
