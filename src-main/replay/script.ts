/**
 * One captured session turned into what a replay needs: the login, the
 * client's messages in order (the steps) with the answer each got, and
 * everything else the server sent, each placed after the step it followed.
 *
 * Left out of the steps: handshakes (the replay makes its own, with new
 * keys), the client's answers to the server's heartbeats (the connection
 * answers them itself), logins (the replay logs in with its credentials)
 * and messages a proxy fault dropped (the server never saw them).
 */
import { messageByCode, priorityOf, type Priority } from '../../src-shared/protocol';
import { type MessageRecord } from '../../src-shared/records';
import { type SessionMeta } from '../capture';
import { ReplayError } from './errors';

export interface ExpectedResponse {
  readonly recordId: number;
  readonly type: string;
  readonly body: unknown;
  readonly time: number;
  /** Round trip the proxy measured. */
  readonly latencyMs: number | undefined;
}

export interface ScriptStep {
  /** 1-based position among the steps. */
  readonly index: number;
  readonly recordId: number;
  readonly time: number;
  readonly type: string;
  readonly code: number;
  readonly priority: Priority;
  /** The body as captured; undefined when it did not parse (then `raw` is sent as it was). */
  readonly body: unknown;
  readonly raw: Uint8Array | undefined;
  /** The catalogue says a frame of this type expects an answer. */
  readonly isRequest: boolean;
  /** The answer it got in the capture (null: none was captured). */
  readonly expected: ExpectedResponse | null;
}

/** Something the server sent, after the login, in capture order. */
export interface CapturedInbound {
  readonly recordId: number;
  readonly time: number;
  readonly type: string;
  readonly body: unknown;
  readonly isResponse: boolean;
  /** Steps sent before it (0: none yet). */
  readonly afterStep: number;
  /** For a response: the step it answers. */
  readonly answers: number | null;
}

export interface SessionScript {
  readonly session: number;
  readonly meta: SessionMeta;
  readonly account: string | null;
  readonly login: {
    readonly recordId: number;
    readonly time: number;
    readonly kind: 'password' | 'refreshToken' | 'accessToken';
    readonly response: ExpectedResponse;
  };
  /** The sessionId the server gave in the captured handshake, when known. */
  readonly capturedSessionId: string | null;
  /** The server's sync tick from the captured handshake (default 100 ms, the spec's). */
  readonly syncIntervalMs: number;
  readonly steps: readonly ScriptStep[];
  readonly skipped: readonly { readonly recordId: number; readonly type: string; readonly reason: string }[];
  readonly inbound: readonly CapturedInbound[];
  /** Time of the last captured message. */
  readonly end: number;
}

const isResponse = (r: MessageRecord): boolean => r.flags.includes('RESPONSE');
const priorityFrom = (r: MessageRecord): Priority => {
  const p = r.flags.find((f) => /^P[0-3]$/.test(f));
  if (p) return Number(p[1]) as Priority;
  return r.wire && r.wire.length > 4 ? priorityOf(r.wire[4]!) : 2;
};

export function buildScript(session: number, meta: SessionMeta, records: readonly MessageRecord[]): SessionScript {
  const where = `session ${session}`;
  if (records.length === 0) throw new ReplayError('NO_LOGIN', `${where}: no messages were captured for it`);
  const sorted = [...records].sort((a, b) => a.id - b.id);
  if (sorted.some((r) => r.dialect !== 'up2')) throw new ReplayError('UNSUPPORTED_DIALECT', `${where} is not a UP/2.0 session (dialect ${sorted.find((r) => r.dialect !== 'up2')!.dialect})`);

  // Answers by the id of the request they answer (pairId), else by ref → request seq.
  const answerOf = new Map<number, MessageRecord>();
  const requestOfAnswer = new Map<number, number>();
  const requestBySeq = new Map<number, MessageRecord>();
  for (const r of sorted) {
    if (r.dir === 'c2s' && !isResponse(r) && r.seq !== null) requestBySeq.set(r.seq, r);
    if (r.dir !== 's2c' || !isResponse(r)) continue;
    const reqId = r.pairId ?? (r.ref !== null ? requestBySeq.get(r.ref)?.id : undefined);
    if (reqId !== undefined && !answerOf.has(reqId)) {
      answerOf.set(reqId, r);
      requestOfAnswer.set(r.id, reqId);
    }
  }
  const expect = (r: MessageRecord | undefined): ExpectedResponse | null =>
    r ? { recordId: r.id, type: r.type, body: r.body, time: r.time, latencyMs: r.latencyMs } : null;

  // The first login the server accepted; failed attempts before it are the old client's business.
  const login = sorted.find((r) => r.dir === 'c2s' && r.type === 'AUTH_LOGIN' && !isResponse(r) && answerOf.get(r.id)?.type === 'AUTH_LOGIN');
  if (!login) {
    const any = sorted.find((r) => r.dir === 'c2s' && r.type === 'AUTH_LOGIN' && !isResponse(r));
    if (!any) throw new ReplayError('NO_LOGIN', `${where} has no login: no AUTH_LOGIN request was captured (did the capture start after the session logged in?)`);
    const answer = answerOf.get(any.id);
    throw new ReplayError(
      'NO_LOGIN',
      answer ? `${where}: its login failed in the capture (answered by ${answer.type}${answer.body ? ` ${JSON.stringify(answer.body).slice(0, 120)}` : ''})` : `${where}: its AUTH_LOGIN was never answered in the capture`,
    );
  }
  const loginBody = (login.body ?? {}) as Record<string, unknown>;
  const loginKind = 'accessToken' in loginBody ? 'accessToken' : 'refreshToken' in loginBody ? 'refreshToken' : 'password';

  let capturedSessionId: string | null = typeof meta.sessionId === 'string' ? meta.sessionId : null;
  let syncIntervalMs = 100;
  const steps: ScriptStep[] = [];
  const skipped: { recordId: number; type: string; reason: string }[] = [];
  const inbound: CapturedInbound[] = [];
  const stepOfRequest = new Map<number, number>();
  for (const r of sorted) {
    if (r.type === 'HANDSHAKE') {
      // The server's own answer (not the one a decrypting proxy made up for the client) names the session.
      if (r.dir === 's2c' && isResponse(r) && !r.flags.includes('PROXY')) {
        const b = r.body as { sessionId?: unknown; syncIntervalMs?: unknown } | undefined;
        if (typeof b?.sessionId === 'string') capturedSessionId = b.sessionId;
        if (typeof b?.syncIntervalMs === 'number' && b.syncIntervalMs > 0) syncIntervalMs = b.syncIntervalMs;
      }
      continue;
    }
    if (r.id <= login.id) continue;
    if (r.dir === 'c2s') {
      if (isResponse(r)) {
        skipped.push({ recordId: r.id, type: r.type, reason: 'the client answering a server request (the connection answers by itself)' });
        continue;
      }
      if (r.type === 'AUTH_LOGIN') {
        skipped.push({ recordId: r.id, type: r.type, reason: 'a second login on the connection (the replay logs in once, with its credentials)' });
        continue;
      }
      if (r.faults?.some((f) => f === 'drop' || f.startsWith('close') || f.startsWith('reset'))) {
        skipped.push({ recordId: r.id, type: r.type, reason: `never reached the server (proxy fault: ${r.faults.join(', ')})` });
        continue;
      }
      if (r.body === undefined && r.plain === undefined) {
        throw new ReplayError('NOT_DECRYPTED', `${where}: message ${r.id} (${r.type}) has no readable body: it was captured encrypted; record through a decrypting proxy to replay`);
      }
      const def = messageByCode(r.code);
      const step: ScriptStep = {
        index: steps.length + 1,
        recordId: r.id,
        time: r.time,
        type: r.type,
        code: r.code,
        priority: priorityFrom(r),
        body: r.body,
        raw: r.body === undefined ? r.plain : undefined,
        isRequest: def?.isRequest ?? false,
        expected: def?.isRequest ? expect(answerOf.get(r.id)) : null,
      };
      steps.push(step);
      stepOfRequest.set(r.id, step.index);
      continue;
    }
    // s2c: the server's HEARTBEAT requests are the connection's business.
    if (r.type === 'HEARTBEAT' && !isResponse(r)) continue;
    const answered = requestOfAnswer.get(r.id);
    if (answered === login.id) continue; // the login's answer is compared on its own
    inbound.push({
      recordId: r.id,
      time: r.time,
      type: r.type,
      body: r.body,
      isResponse: isResponse(r),
      afterStep: steps.length,
      answers: answered !== undefined ? (stepOfRequest.get(answered) ?? null) : null,
    });
  }
  return {
    session,
    meta,
    account: typeof meta.account === 'string' ? meta.account : typeof loginBody.account === 'string' ? loginBody.account : null,
    login: { recordId: login.id, time: login.time, kind: loginKind, response: expect(answerOf.get(login.id))! },
    capturedSessionId,
    syncIntervalMs,
    steps,
    skipped,
    inbound,
    end: sorted[sorted.length - 1]!.time,
  };
}
