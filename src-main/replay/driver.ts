/**
 * Plays one captured session against a live server: a fresh connection,
 * its own handshake (new keys) and login, then the captured client messages
 * in order — bodies rewritten with the identities learnt so far — on the
 * captured timing scaled by the speed factor, or as fast as the answers
 * they depended on allow. Everything the server sends is recorded in
 * arrival order with the step it followed; comparing is evaluate.ts's job.
 *
 * Causality is kept at every speed: a message the old client sent after an
 * answer arrived is not sent before the new answer arrives (the old client
 * may have waited for it), whatever the clock says.
 */
import { connect as tcpConnect, type Socket } from 'node:net';
import { MessageType, messageByCode, typeName, type DecodedFrame } from '../../src-shared/protocol';
import { FramedConnection } from '../net/connection';
import { clientHandshake, type Encryption, type IdentityPolicy } from '../net/handshake';
import { ConnectionClosedError, RemoteError, RequestTimeoutError } from '../net/errors';
import { type IdentityMap } from './identity';
import { type IdentityRules } from './identity-rules';
import { type ScriptStep, type SessionScript } from './script';
import { CatchUp } from './catch-up';
import { type PushIgnores } from './push-ignores';
import { PushPairer } from './push-pairer';

export interface DriverOptions {
  readonly host: string;
  readonly port: number;
  readonly identity: IdentityPolicy;
  readonly encryption?: Encryption;
  readonly account: string;
  readonly password: string;
  /** 0.1 … 100, or 'max'. */
  readonly speed: number | 'max';
  /** How long a request waits for its answer (default 10 000 ms). */
  readonly requestTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  /** After the last message: quiet this long means the server has said everything (default 300 ms: three sync ticks). */
  readonly settleMs?: number;
  /** … but never wait longer than this, after the last message or before a logout (default 5000 ms; 0: do not wait). */
  readonly maxSettleMs?: number;
  /** Log out at the end when the capture did not (default true), so the account's player leaves the world before the next run. */
  readonly logoutAtEnd?: boolean;
  /** Push kinds the comparison leaves out: not waited for before a logout. */
  readonly pushIgnores?: PushIgnores;
  readonly signal?: AbortSignal;
  readonly onStep?: (step: number) => void;
}

export interface ReplayedResponse {
  readonly type: string;
  readonly body: unknown;
  readonly latencyMs: number;
}

export interface StepOutcome {
  readonly index: number;
  sent: boolean;
  /** The body that was sent (after rewriting). */
  body: unknown;
  response: ReplayedResponse | null;
  timedOut: boolean;
  error: string | null;
}

export interface ReplayedInbound {
  readonly seq: number;
  readonly type: string;
  readonly body: unknown;
  readonly isResponse: boolean;
  readonly afterStep: number;
  readonly answers: number | null;
  /** Arrived while the replay let the server finish before a logout or at the end: later than the captured session lasted. */
  readonly late: boolean;
}

export interface DriverOutcome {
  error: string | null;
  login: { response: unknown; type: string; latencyMs: number } | null;
  sessionId: string | null;
  serverIdentity: Uint8Array | null;
  readonly steps: StepOutcome[];
  readonly inbound: ReplayedInbound[];
  readonly warnings: string[];
  startedAt: number;
  endedAt: number;
  /** Epoch ms of the first client message sent, and of the last answer the script waited for. */
  playStartedAt: number | null;
  playEndedAt: number | null;
}

class Cancelled extends Error {}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return signal?.aborted ? Promise.reject(new Cancelled('cancelled')) : Promise.resolve();
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(new Cancelled('cancelled'));
    };
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export async function driveSession(script: SessionScript, identities: IdentityMap, o: DriverOptions): Promise<DriverOutcome> {
  const out: DriverOutcome = {
    error: null,
    login: null,
    sessionId: null,
    serverIdentity: null,
    steps: script.steps.map((s) => ({ index: s.index, sent: false, body: undefined, response: null, timedOut: false, error: null })),
    inbound: [],
    warnings: [],
    startedAt: Date.now(),
    endedAt: 0,
    playStartedAt: null,
    playEndedAt: null,
  };
  let conn: FramedConnection | null = null;
  let closedReason: string | null = null;
  let stepsSent = 0;
  let recording = true;
  let lastInbound = performance.now();
  let seq = 0;
  /** True while the replay lets the server finish before a logout or at the end. */
  let draining = false;
  /** What has arrived, against what the capture had: when the replay has caught up with it. */
  const catchUp = new CatchUp(script.inbound, script.steps.length, identities, o.pushIgnores);
  const record = (f: DecodedFrame, isResponse: boolean, answers: number | null): void => {
    lastInbound = performance.now();
    if (!recording) return;
    const type = typeName(f.header.type);
    catchUp.note(type, f.body, isResponse);
    out.inbound.push({ seq: ++seq, type, body: f.body, isResponse, afterStep: stepsSent, answers, late: draining });
  };
  try {
    const socket = await openSocket(o.host, o.port, o.connectTimeoutMs ?? 5000);
    conn = new FramedConnection(socket, { role: 'client', requestTimeoutMs: o.requestTimeoutMs ?? 10_000 });
    const pairs = new PushPairer(script.inbound, identities.translate);
    conn.onMessage = (f) => {
      record(f, false, null);
      const type = typeName(f.header.type);
      // The n-th snapshot or broadcast of a kind is the captured n-th one: what it carries pairs with what that one carried.
      identities.learnFrom(type, 'push', pairs.next(type, f.body), f.body);
    };
    conn.onStrayResponse = (f) => record(f, true, null);
    conn.onProtocolError = (e) => {
      if (out.warnings.length < 20) out.warnings.push(`the server sent a frame the codec refused: ${e.code}: ${e.detail}`);
    };
    conn.onClose = (reason) => {
      closedReason = reason;
    };
    const hs = await clientHandshake(conn, { identity: o.identity, ...(o.encryption ? { encryption: o.encryption } : {}) });
    out.sessionId = hs.sessionId;
    out.serverIdentity = hs.identityKey;
    identities.learn('sessionId', script.capturedSessionId, hs.sessionId, 'HANDSHAKE /sessionId');

    // Login with our credentials: the captured one carries a redacted password.
    const t0 = performance.now();
    let loginFrame: DecodedFrame;
    try {
      loginFrame = await conn.request(MessageType.AUTH_LOGIN, { account: o.account, password: o.password }, { priority: 0, onResponse: (f) => record(f, true, 0) });
    } catch (e) {
      if (e instanceof RemoteError) {
        out.login = { type: 'ERROR', response: { code: e.code, message: e.detail, fatal: e.fatal }, latencyMs: performance.now() - t0 };
        throw new Error(`login as ${o.account} refused: ${e.code}: ${e.detail}`);
      }
      throw e;
    }
    out.login = { type: typeName(loginFrame.header.type), response: loginFrame.body, latencyMs: performance.now() - t0 };
    identities.learnFrom('AUTH_LOGIN', 'response', script.login.response.body, loginFrame.body);

    const anchor = performance.now();
    const capturedAnchor = script.login.response.time;
    let lastSentAt = anchor;
    /**
     * Waits until the server has gone quiet: nothing received or sent for
     * settleMs once the replay has received what the capture had at this
     * point (state versions, and pushes of every kind compared), or for four
     * times that while it has not (its server batched changes together, a
     * loaded server ticks late, another session drifted), at most
     * maxSettleMs.
     */
    const quiet = async (atStep: number): Promise<void> => {
      const settle = o.settleMs ?? 300;
      const end = performance.now() + (o.maxSettleMs ?? 5000);
      const caughtUp = catchUp.at(atStep);
      for (;;) {
        if (!conn!.isOpen || performance.now() >= end) return;
        const idle = performance.now() - Math.max(lastInbound, lastSentAt);
        if (idle >= (caughtUp() ? settle : 4 * settle)) return;
        await sleep(Math.min(50, Math.max(1, settle)), o.signal);
      }
    };
    /**
     * Lets the server say what it still has to say before the session ends:
     * a GAME_STATE_REQUEST since our version makes it send everything it has
     * queued first (spec §5.1: the answer and the batch stream agree), so the
     * batch of the last move is not lost to a logout or to a loaded server's
     * late tick. The probe and its answer are not part of the comparison.
     */
    const drain = async (): Promise<void> => {
      const budget = o.maxSettleMs ?? 5000;
      if (budget <= 0 || !conn!.isOpen) return;
      draining = true;
      try {
        const version = identities.current('stateVersion');
        if (typeof version === 'number') {
          // Its answer resolves the request and is not recorded; the batches flushed before it are pushes, recorded as ever.
          await conn!.request(MessageType.GAME_STATE_REQUEST, { since: version }, { priority: 0, timeoutMs: budget }).catch(() => undefined);
        } else {
          await sleep(Math.min(budget, lastSentAt + 2 * hs.syncIntervalMs - performance.now()), o.signal);
        }
        await quiet(stepsSent);
      } finally {
        draining = false;
      }
    };
    let lastCapturedTime = capturedAnchor;
    /** Requests still waiting: when their captured answer arrived, and the types that may answer them. */
    let outstanding: { answeredAt: number; answers: readonly string[]; done: Promise<void>; settled: boolean }[] = [];
    const needs = answerDependencies(identities.rules);
    const all: Promise<void>[] = [];
    for (const step of script.steps) {
      if (o.signal?.aborted) throw new Cancelled('cancelled');
      if (o.speed !== 'max') {
        // On the captured clock, but never closer to the previous message than it was (scaled): a late message is not
        // caught up by squeezing the next one against it — rules like a move speed would refuse it.
        const due = Math.max(anchor + (step.time - capturedAnchor) / o.speed, lastSentAt + Math.max(0, step.time - lastCapturedTime) / o.speed);
        await sleep(due - performance.now(), o.signal);
      }
      // Timed: what the old client had received before it sent this, it receives first now. Max speed: only the answers
      // whose values this message carries (a refresh token, a state version, a resource hash), and all of them before a logout.
      const uses = needs.get(step.type);
      const before =
        o.speed === 'max'
          ? outstanding.filter((x) => !x.settled && (step.type === 'AUTH_LOGOUT' || (uses !== undefined && x.answers.some((a) => uses.has(a)))))
          : outstanding.filter((x) => !x.settled && x.answeredAt < step.time);
      if (before.length) await Promise.all(before.map((x) => x.done));
      if (outstanding.length > 64) outstanding = outstanding.filter((x) => !x.settled);
      if (!conn.isOpen) {
        out.error = `the server closed the connection before step ${step.index} (${step.type}): ${closedReason ?? 'closed'}`;
        break;
      }
      // A logout ends the session: let the server say what it still had to say (the batch of the last move) first,
      // which a faster replay would otherwise cut off.
      if (step.type === 'AUTH_LOGOUT') await drain();
      if (!conn.isOpen) {
        out.error = `the server closed the connection before step ${step.index} (${step.type}): ${closedReason ?? 'closed'}`;
        break;
      }
      const so = out.steps[step.index - 1]!;
      lastSentAt = performance.now();
      out.playStartedAt ??= Date.now();
      lastCapturedTime = step.time;
      const body = identities.rewrite(step.type, step.body, { capturedTime: step.time, sendTime: Date.now() });
      so.body = body;
      const payload = (body ?? step.raw ?? {}) as object;
      stepsSent = step.index;
      if (step.isRequest) {
        const done = sendRequest(conn, step, payload, so, record, identities);
        all.push(done);
        const entry = { answeredAt: step.expected?.time ?? Infinity, answers: messageByCode(step.code)?.answeredBy ?? [], done, settled: false };
        void done.then(() => {
          entry.settled = true;
        });
        outstanding.push(entry);
      } else {
        try {
          conn.send(step.code, payload, { priority: step.priority });
          so.sent = true;
        } catch (e) {
          so.error = (e as Error).message;
        }
      }
      o.onStep?.(step.index);
    }
    await Promise.all(all);
    if (out.playStartedAt !== null) out.playEndedAt = Date.now();
    // What the server still sends after the last message (batches of its effects, a logout's close).
    if (!out.error && conn.isOpen) {
      const last = script.steps[script.steps.length - 1];
      const tail = o.speed === 'max' || !last ? 0 : Math.max(0, (script.end - last.time) / o.speed);
      await sleep(Math.min(tail, o.maxSettleMs ?? 5000), o.signal);
      await drain();
    }
    recording = false;
    const last = script.steps[script.steps.length - 1];
    if ((o.logoutAtEnd ?? true) && conn.isOpen && last?.type !== 'AUTH_LOGOUT') {
      await conn.request(MessageType.AUTH_LOGOUT, {}, { priority: 0, timeoutMs: 3000 }).catch(() => undefined);
    }
  } catch (e) {
    out.error = e instanceof Cancelled ? 'cancelled' : e instanceof Error ? e.message : String(e);
  } finally {
    recording = false;
    conn?.close('replay finished');
    out.endedAt = Date.now();
  }
  return out;
}

/**
 * For each client message type, the answer types that teach a value it
 * carries (its map and current use rules, and where those kinds are learnt):
 * at max speed a message waits only for outstanding answers of these types.
 */
export function answerDependencies(rules: IdentityRules): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const u of rules.use) {
    if (u.how !== 'map' && u.how !== 'current') continue;
    for (const l of rules.learn) {
      if (l.kind !== u.kind || l.role === 'push') continue;
      let set = out.get(u.type);
      if (!set) out.set(u.type, (set = new Set()));
      set.add(l.type);
    }
  }
  return out;
}

/** Sends one request; resolves (never rejects) when it is answered, timed out or lost. */
function sendRequest(
  conn: FramedConnection,
  step: ScriptStep,
  payload: object,
  so: StepOutcome,
  record: (f: DecodedFrame, isResponse: boolean, answers: number | null) => void,
  identities: IdentityMap,
): Promise<void> {
  const t0 = performance.now();
  let p: Promise<DecodedFrame>;
  try {
    p = conn.request(step.code, payload, {
      priority: step.priority,
      // Synchronously, when the answer is dispatched: before any frame that came after it, so state answers stay in order with pushes.
      onResponse: (f) => {
        record(f, true, step.index);
        const type = typeName(f.header.type);
        so.response = { type, body: f.body, latencyMs: performance.now() - t0 };
        identities.learnFrom(type, 'response', step.expected?.body, f.body);
      },
    });
    so.sent = true;
  } catch (e) {
    so.error = (e as Error).message;
    return Promise.resolve();
  }
  return p.then(
    () => undefined,
    (e: unknown) => {
      if (e instanceof RemoteError) so.response = { type: 'ERROR', body: { code: e.code, message: e.detail, fatal: e.fatal }, latencyMs: performance.now() - t0 };
      else if (e instanceof RequestTimeoutError) so.timedOut = true;
      else if (e instanceof ConnectionClosedError) so.error = e.message;
      else so.error = (e as Error).message;
    },
  );
}

function openSocket(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    const s = tcpConnect({ host, port, noDelay: true });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`connect to ${host}:${port} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      resolve(s);
    });
    s.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot connect to ${host}:${port}: ${e.message}`));
    });
  });
}
