/**
 * Captured sessions made by hand, for replay unit tests: what a decrypting
 * proxy records for a short UP/2.0 session (handshakes, a login, moves with
 * their state batches, an event and its answer, a logout), and variants
 * that are broken in the ways real captures are.
 */
import { MessageType } from '../src-shared/protocol';
import { type MessageRecord } from '../src-shared/records';
import { CaptureWriter } from '../src-main/capture';
import { type SessionMeta } from '../src-main/capture/session-meta';
import { T0, sessionMeta, up2Record } from './capture/sample-records';

export interface SessionSpec {
  readonly session?: number;
  readonly firstId?: number;
  readonly account?: string;
  /** Leave the login out (the capture started after it). */
  readonly noLogin?: boolean;
  /** The login is answered by ERROR. */
  readonly failedLogin?: boolean;
}

const stamp = (wall: number, node = 'server') => ({ wall, counter: 0, node });

/** A short session as the proxy records it, ids from `firstId`. */
export function sessionRecords(spec: SessionSpec = {}): MessageRecord[] {
  const session = spec.session ?? 1;
  let id = spec.firstId ?? 1;
  const seq = { c2s: 0, s2c: 0 };
  const t = (n: number): number => T0 + session * 10_000 + n * 10;
  const out: MessageRecord[] = [];
  const c2s = (code: number, body: unknown, extra: Parameters<typeof up2Record>[3] = {}): MessageRecord => {
    const r = up2Record(id++, code, body, { session, dir: 'c2s', seq: ++seq.c2s, time: t(id), ...extra });
    out.push(r);
    return r;
  };
  const s2c = (code: number, body: unknown, extra: Parameters<typeof up2Record>[3] = {}): MessageRecord => {
    const r = up2Record(id++, code, body, { session, dir: 's2c', seq: ++seq.s2c, time: t(id), ...extra });
    out.push(r);
    return r;
  };
  const answer = (req: MessageRecord, code: number, body: unknown): MessageRecord => s2c(code, body, { response: true, ref: req.seq!, pairId: req.id, latencyMs: 1.5 });
  const hello = c2s(MessageType.HANDSHAKE, { protocol: 'UP/2.0', clientKey: 'k', clientNonce: 'n', encryption: 'aes-256-gcm' });
  answer(hello, MessageType.HANDSHAKE, { protocol: 'UP/2.0', sessionId: `00000000-0000-4000-8000-00000000000${session}` });
  if (!spec.noLogin) {
    const login = c2s(MessageType.AUTH_LOGIN, { account: spec.account ?? 'demo', password: '«redacted»' }, { priority: 0 });
    if (spec.failedLogin) {
      answer(login, MessageType.ERROR, { code: 'UNAUTHENTICATED', message: 'wrong account or password', fatal: false });
      return out;
    }
    answer(login, MessageType.AUTH_LOGIN, { ok: true, accountId: 'acc-1', playerId: 'p-1', scope: ['player'], accessToken: 'eyJhbGciOiJFZERTQSJ9.eyJzaWQiOiJ4In0.«redacted»', refreshToken: '«redacted»', expiresIn: 3600 });
  }
  s2c(MessageType.GAME_STATE_SYNC, { version: 0, state: { player: { id: 'p-1', position: { x: 1, y: 1, z: 7 } }, world: {}, ui: {} } });
  c2s(MessageType.PLAYER_MOVE, { direction: 'e' }, { priority: 1 });
  s2c(MessageType.GAME_STATE_UPDATE, { from: 0, to: 1, ops: [{ op: 'replace', path: '/player/position/x', value: 2, ts: stamp(t(id)) }] });
  const ev = c2s(MessageType.EVENT_TRIGGER, { id: '0b6f1c1e-3c8f-4d7a-9a51-2f0d3c4e5a61', name: 'server.time', scope: 'remote' });
  answer(ev, MessageType.EVENT_RESPONSE, { id: '0b6f1c1e-3c8f-4d7a-9a51-2f0d3c4e5a61', ok: true, data: { time: { hour: 8 } } });
  s2c(MessageType.EVENT_BROADCAST, { id: '1b6f1c1e-3c8f-4d7a-9a51-2f0d3c4e5a61', name: 'chat.say', source: 'p-1', data: { text: 'hi' }, ts: t(id) });
  // The server's heartbeat and the client's answer: the connection's business, not the script's.
  const hb = s2c(MessageType.HEARTBEAT, { t: 5 });
  c2s(MessageType.HEARTBEAT, { t: 5 }, { response: true, ref: hb.seq! });
  c2s(MessageType.PLAYER_ACTION, { action: 'rest' }, { faults: ['drop'] });
  const bye = c2s(MessageType.AUTH_LOGOUT, {}, { priority: 0 });
  answer(bye, MessageType.AUTH_LOGOUT, { ok: true });
  return out;
}

export async function writeCapture(path: string, sessions: readonly { records: readonly MessageRecord[]; meta?: Partial<SessionMeta> }[]): Promise<void> {
  const w = await CaptureWriter.open(path, { overwrite: true });
  try {
    for (const s of sessions) {
      const n = s.records[0]?.session ?? s.meta?.session ?? 1;
      w.writeSession(sessionMeta(n, { account: 'demo', ...s.meta }));
      for (const r of s.records) w.writeRecord(r);
    }
  } finally {
    await w.close();
  }
}
