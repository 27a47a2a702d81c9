/**
 * One live client served from a capture: our own handshake (our identity,
 * which the client under test pins) and our own tokens at login, then each
 * client message matched with a captured one (type and body, under the
 * rules) and answered with the captured answer, while the captured pushes
 * are re-sent on their original timing (scaled by the speed).
 *
 * Identities run the other way from client replay: the values the live
 * client makes (its event ids) are learnt from its messages and put into
 * the captured answers, so an EVENT_RESPONSE carries the id the client sent.
 */
import { type Socket } from 'node:net';
import { MessageType, typeName, type BodyOf, type DecodedFrame, type MessageName } from '../../../src-shared/protocol';
import { FramedConnection } from '../../net/connection';
import { serverHandshake, type HandshakeResult } from '../../net/handshake';
import { type KeyPair } from '../../net/keys';
import { type TokenService } from '../../net/auth/tokens';
import { type Scope } from '../../net/auth/accounts';
import { IdentityMap } from '../identity';
import { mapStrings, patternSegments, preview, valuesAt } from '../json-paths';
import { type ReplayRules } from '../rules';
import { type SessionScript } from '../script';
import { StateSeries } from '../state-series';
import { RequestMatcher, matchingRules } from './matcher';
import { type MockClientReport, type UnmatchedMessage } from './types';

export interface MockSessionContext {
  /** The captured session for a login as `account`, or why there is none. */
  pick(account: string | null): SessionScript | string;
  readonly identity: KeyPair;
  readonly tokens: TokenService;
  readonly speed: number;
  readonly answerUnmatched: boolean;
  readonly rules: ReplayRules;
  readonly log?: (event: string, fields?: Record<string, unknown>) => void;
}

const MAX_UNMATCHED = 100;
/** How long a push that echoes a client change waits for the live client to make that change. */
const ECHO_HOLD_MS = 3000;

type Stamp = { wall?: unknown; counter?: unknown; node?: unknown };
const stampKey = (ts: unknown): string | null => {
  const t = ts as Stamp | null;
  return t && typeof t === 'object' ? `${String(t.wall)}.${String(t.counter)}.${String(t.node)}` : null;
};
const opsOf = (body: unknown): { ts?: unknown }[] => {
  const ops = (body as { ops?: unknown } | null)?.ops;
  return Array.isArray(ops) ? (ops as { ts?: unknown }[]) : [];
};

export class MockSession {
  readonly conn: FramedConnection;
  private handshake: HandshakeResult | null = null;
  private script: SessionScript | null = null;
  private matcher: RequestMatcher | null = null;
  private identities: IdentityMap;
  private readonly sent = new StateSeries('captured');
  private pushIndex = 0;
  private pushes: SessionScript['inbound'] = [];
  private timer: NodeJS.Timeout | null = null;
  private anchor = 0;
  private readonly connectedAt = Date.now();
  private closedAt: number | null = null;
  private closeReason: string | null = null;
  private loggedOut = false;
  private received = 0;
  private matched = 0;
  private stateAnswers = 0;
  private pushesSent = 0;
  private readonly unmatched: UnmatchedMessage[] = [];
  /**
   * The stamps of the captured client's own state changes, and the live
   * client's stamps for the same changes once it made them: the server
   * echoes a client's accepted ops in its batches, and the client settles a
   * change only when its echo carries its own stamp.
   */
  private clientStamps = new Set<string>();
  private readonly stampMap = new Map<string, unknown>();
  private heldSince: number | null = null;
  private moreUnmatched = 0;
  readonly done: Promise<void>;

  constructor(
    socket: Socket,
    private readonly ctx: MockSessionContext,
  ) {
    this.identities = new IdentityMap(ctx.rules.identity);
    this.conn = new FramedConnection(socket, { role: 'server' });
    this.conn.onMessage = (f) => this.onFrame(f);
    let closed!: () => void;
    this.done = new Promise((r) => (closed = r));
    this.conn.onClose = (reason) => {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.closedAt = Date.now();
      this.closeReason = reason;
      closed();
    };
  }

  private onFrame(f: DecodedFrame): void {
    const type = typeName(f.header.type);
    if (!this.handshake) {
      if (f.header.type !== MessageType.HANDSHAKE) {
        this.conn.sendError(f.def.isRequest ? f : null, 'UNAUTHENTICATED', 'the first frame must be HANDSHAKE');
        return;
      }
      try {
        this.handshake = serverHandshake(this.conn, f, { identity: this.ctx.identity });
      } catch (e) {
        this.conn.sendError(f, 'BAD_PAYLOAD', `handshake refused: ${(e as Error).message}`);
        this.conn.close('handshake refused');
      }
      return;
    }
    if (type === 'AUTH_LOGIN') {
      void this.login(f);
      return;
    }
    if (!this.script) {
      this.conn.sendError(f.def.isRequest ? f : null, 'UNAUTHENTICATED', `log in first: ${type} needs a session`);
      return;
    }
    this.received++;
    if (type === 'AUTH_LOGOUT') {
      this.take(type, f.body);
      this.loggedOut = true;
      this.conn.reply(f, MessageType.AUTH_LOGOUT, { ok: true }, 0);
      this.conn.close('logout');
      return;
    }
    if (type === 'AUTH_REFRESH') {
      this.take(type, f.body);
      void this.issue().then((t) => {
        if (this.conn.isOpen) this.conn.reply(f, MessageType.AUTH_REFRESH, { accessToken: t.accessToken, refreshToken: t.refreshToken, expiresIn: t.expiresIn }, 0);
      });
      return;
    }
    const step = this.take(type, f.body);
    if (step) {
      if (f.def.isRequest && step.expected) this.answer(f, step.expected.type, step.expected.body);
      return;
    }
    if (type === 'GAME_STATE_REQUEST' && f.def.isRequest) {
      // No captured request like it: the state this client has been sent so far is the honest answer.
      const latest = this.sent.versions[this.sent.versions.length - 1];
      if (latest) {
        this.stateAnswers++;
        this.conn.reply(f, MessageType.GAME_STATE_SYNC, { version: latest.version, state: latest.state } as BodyOf<'GAME_STATE_SYNC'>, 0);
        return;
      }
    }
    this.noteUnmatched(f, type);
  }

  /** Matches a client message with a captured one; learns the identities it carries. */
  private take(type: string, body: unknown): SessionScript['steps'][number] | null {
    const step = this.matcher!.take(type, body);
    if (!step) return null;
    this.matched++;
    if (type === 'GAME_STATE_UPDATE') {
      const mine = opsOf(body);
      opsOf(step.body).forEach((op, i) => {
        const k = stampKey(op.ts);
        if (k !== null && mine[i]?.ts !== undefined) this.stampMap.set(k, mine[i]!.ts);
      });
      if (this.heldSince !== null) queueMicrotask(() => this.schedule());
    }
    for (const u of this.ctx.rules.identity.use) {
      if (u.type !== type || u.how === 'current' || u.how === 'shift') continue;
      const segs = patternSegments(u.pointer);
      const old = valuesAt(step.body, segs);
      const now = valuesAt(body, segs);
      for (let i = 0; i < Math.min(old.length, now.length); i++) this.identities.learn(u.kind, old[i]!.value, now[i]!.value, `client ${type} ${u.pointer}`);
    }
    return step;
  }

  private noteUnmatched(f: DecodedFrame, type: string): void {
    const answered = this.ctx.answerUnmatched && f.def.isRequest;
    if (answered) this.conn.sendError(f, 'NOT_FOUND', `no captured ${type} matches this one (server replay of session ${this.script!.session})`);
    if (this.unmatched.length >= MAX_UNMATCHED) {
      this.moreUnmatched++;
      return;
    }
    const near = this.matcher!.nearest(type, f.body);
    this.unmatched.push({ type, body: preview(f.body, 400), answered, nearest: near ? { recordId: near.step.recordId, differences: near.differences } : null });
    this.ctx.log?.('unmatched', { session: this.script!.session, type, answered });
  }

  private answer(f: DecodedFrame, type: string, body: unknown): void {
    const code = MessageType[type as MessageName];
    if (code === undefined) return;
    const out = this.outgoing(type, body);
    if (type === 'GAME_STATE_SYNC' || type === 'GAME_STATE_UPDATE') this.sent.feed(type, out, 0, 0);
    this.conn.reply(f, code, out);
  }

  /** A captured body as this client must see it: its identities and its own op stamps put in. */
  private outgoing(type: string, body: unknown): object {
    let out = mapStrings(body ?? {}, this.identities.translate) as Record<string, unknown>;
    if (type === 'GAME_STATE_UPDATE' && this.stampMap.size && Array.isArray(out.ops)) {
      out = { ...out, ops: (out.ops as { ts?: unknown }[]).map((op) => {
        const live = this.stampMap.get(stampKey(op.ts) ?? '');
        return live === undefined ? op : { ...op, ts: live };
      }) };
    }
    return out;
  }

  /** A captured push that echoes a change of the captured client which this client has not made yet. */
  private echoesUnmade(p: SessionScript['inbound'][number]): boolean {
    if (p.type !== 'GAME_STATE_UPDATE') return false;
    return opsOf(p.body).some((op) => {
      const k = stampKey(op.ts);
      return k !== null && this.clientStamps.has(k) && !this.stampMap.has(k);
    });
  }

  private async login(f: DecodedFrame): Promise<void> {
    if (this.script) {
      this.conn.sendError(f, 'BAD_PAYLOAD', 'already logged in on this connection');
      return;
    }
    const body = (f.body ?? {}) as Record<string, unknown>;
    const picked = this.ctx.pick(typeof body.account === 'string' ? body.account : null);
    if (typeof picked === 'string') {
      this.conn.sendError(f, 'UNAUTHENTICATED', picked);
      return;
    }
    this.script = picked;
    // Heartbeats are answered by the connection itself (they echo), so they are neither matched nor expected.
    this.matcher = new RequestMatcher(picked.steps.filter((x) => x.type !== 'HEARTBEAT'), matchingRules(this.ctx.rules, this.identities.translate));
    this.clientStamps = new Set(picked.steps.filter((s) => s.type === 'GAME_STATE_UPDATE').flatMap((s) => opsOf(s.body).map((op) => stampKey(op.ts) ?? '')));
    const captured = (picked.login.response.body ?? {}) as Record<string, unknown>;
    this.identities.learn('sessionId', picked.capturedSessionId, this.handshake!.sessionId, 'our HANDSHAKE /sessionId');
    const t = await this.issue();
    if (!this.conn.isOpen) return;
    this.conn.reply(f, MessageType.AUTH_LOGIN, { ...captured, ok: true, accessToken: t.accessToken, refreshToken: t.refreshToken, expiresIn: t.expiresIn }, 0);
    this.ctx.log?.('login', { session: picked.session, account: picked.account });
    this.pushes = picked.inbound.filter((m) => !m.isResponse);
    this.anchor = performance.now();
    this.schedule();
  }

  private issue(): ReturnType<TokenService['issue']> {
    const captured = (this.script?.login.response.body ?? {}) as Record<string, unknown>;
    const scope = (Array.isArray(captured.scope) ? captured.scope : ['player']).filter((s): s is Scope => s === 'player' || s === 'admin' || s === 'qa');
    return this.ctx.tokens.issue(String(captured.accountId ?? this.script?.account ?? 'replay'), this.handshake!.sessionId, scope);
  }

  /**
   * Sends every push that is due, then sleeps until the next one. A push
   * that echoes a client change waits (up to ECHO_HOLD_MS) for this client
   * to make it, so the echo carries its stamp; the pushes after it wait too.
   */
  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const base = this.script!.login.response.time;
    const now = performance.now();
    while (this.pushIndex < this.pushes.length) {
      const p = this.pushes[this.pushIndex]!;
      const due = this.anchor + (p.time - base) / this.ctx.speed;
      if (due > now + 1) {
        this.timer = setTimeout(() => this.schedule(), due - now);
        return;
      }
      if (this.echoesUnmade(p)) {
        this.heldSince ??= now;
        if (now - this.heldSince < ECHO_HOLD_MS) {
          this.timer = setTimeout(() => this.schedule(), 50);
          return;
        }
      }
      this.heldSince = null;
      this.pushIndex++;
      const code = MessageType[p.type as MessageName];
      if (code === undefined || !this.conn.isOpen) continue;
      const body = this.outgoing(p.type, p.body);
      this.sent.feed(p.type, body, 0, 0);
      try {
        this.conn.send(code, body, { priority: p.type === 'GAME_STATE_SYNC' ? 0 : 2 });
        this.pushesSent++;
      } catch {
        return;
      }
    }
  }

  report(): MockClientReport {
    return {
      client: this.conn.remote,
      session: this.script?.session ?? null,
      account: this.script?.account ?? null,
      connectedAt: this.connectedAt,
      durationMs: (this.closedAt ?? Date.now()) - this.connectedAt,
      received: this.received,
      matched: this.matched,
      unmatched: this.unmatched,
      moreUnmatched: this.moreUnmatched,
      stateAnswers: this.stateAnswers,
      pushesSent: this.pushesSent,
      pushesCaptured: this.pushes.length,
      notSent: this.matcher?.remaining ?? 0,
      notSentExamples: (this.matcher?.unused() ?? []).slice(0, 10).map((x) => ({ recordId: x.recordId, type: x.type, body: preview(x.body, 200) })),
      closeReason: this.closeReason,
      loggedOut: this.loggedOut,
    };
  }

  close(reason: string): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.conn.close(reason);
  }
}
