/**
 * A capture of about a million messages for bench/replay.bench.ts, as the
 * decrypting proxy would write it: 200 sessions interleaved, each a
 * handshake, a login, then moves, state batches, events and heartbeats with
 * their answers. Written once and kept in the temp folder.
 */
import { existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureWriter } from '../../src-main/capture';
import { up2FlagNames } from '../../src-main/capture/pdu/up2';
import { FrameEncoder, MessageType, readHeader, typeName, utf8Encode } from '../../src-shared/protocol';
import { type Dir, type MessageRecord } from '../../src-shared/records';
import { seededRandom } from '../../src-shared/random';

export const BIG_CAPTURE = join(tmpdir(), 'otbridge-bench-replay-1m-v1.pcapng');
const SESSIONS = 200;
const PER_SESSION = 5000;
export const BIG_MESSAGES = SESSIONS * PER_SESSION;

const encoder = new FrameEncoder({ maxPayload: 1 << 24 });

function record(id: number, session: number, dir: Dir, code: number, seq: number, time: number, body: object, answer?: { ref: number; pairId: number }): MessageRecord {
  const plain = utf8Encode(JSON.stringify(body));
  const wire = encoder.encode({ type: code, seq, ref: answer?.ref ?? 0, response: !!answer, priority: 2, body: plain });
  const h = readHeader(wire, 0, 1 << 24);
  return {
    id,
    session,
    dir,
    time,
    dialect: 'up2',
    type: typeName(code),
    code,
    seq,
    ref: answer ? answer.ref : 0,
    flags: up2FlagNames(h.flags),
    wireSize: wire.length,
    bodySize: plain.length,
    ...(answer ? { latencyMs: 1.25, pairId: answer.pairId } : {}),
    body,
    plain,
    wire,
  };
}

export async function bigCapture(): Promise<string> {
  if (existsSync(BIG_CAPTURE) && statSync(BIG_CAPTURE).size > 50 << 20) return BIG_CAPTURE;
  const w = await CaptureWriter.open(BIG_CAPTURE, { overwrite: true, rotateBytes: 0, flushBytes: 4 << 20 });
  const random = seededRandom(42);
  const t0 = 1_700_000_000_000;
  let id = 0;
  const seq = Array.from({ length: SESSIONS + 1 }, () => ({ c2s: 0, s2c: 0, version: 0, written: 0 }));
  for (let s = 1; s <= SESSIONS; s++) w.writeSession({ session: s, dialect: 'up2', mode: 'decrypt', account: `bot${s}`, start: t0 });
  // Round-robin over the sessions, a few messages at a time, as concurrent sessions interleave in a real capture.
  while (seq.slice(1).some((x) => x.written < PER_SESSION)) {
    for (let s = 1; s <= SESSIONS; s++) {
      const st = seq[s]!;
      for (let k = 0; k < 4 && st.written < PER_SESSION; k++) {
        const time = t0 + id * 0.05;
        const c2s = (code: number, body: object): MessageRecord => record(++id, s, 'c2s', code, ++st.c2s, time, body);
        const s2c = (code: number, body: object, req?: MessageRecord): MessageRecord =>
          record(++id, s, 's2c', code, ++st.s2c, time + 0.01, body, req ? { ref: req.seq!, pairId: req.id } : undefined);
        const out: MessageRecord[] = [];
        if (st.written === 0) {
          const hs = c2s(MessageType.HANDSHAKE, { protocol: 'UP/2.0', clientKey: 'k', clientNonce: 'n', encryption: 'aes-256-gcm' });
          out.push(hs, s2c(MessageType.HANDSHAKE, { protocol: 'UP/2.0', sessionId: `00000000-0000-4000-8000-${String(s).padStart(12, '0')}` }, hs));
          const login = c2s(MessageType.AUTH_LOGIN, { account: `bot${s}`, password: '«redacted»' });
          out.push(login, s2c(MessageType.AUTH_LOGIN, { ok: true, accountId: `acc-${s}`, playerId: `bot-${s}`, scope: ['player'], accessToken: 'x.e30.«redacted»', refreshToken: '«redacted»', expiresIn: 3600 }, login));
          out.push(s2c(MessageType.GAME_STATE_SYNC, { version: 0, state: { player: { id: `bot-${s}`, position: { x: 100, y: 100, z: 7 }, health: 150 }, world: {}, ui: {} } }));
        } else {
          const r = random();
          if (r < 0.45) out.push(c2s(MessageType.PLAYER_MOVE, { direction: ['n', 'e', 's', 'w'][Math.floor(random() * 4)]! }));
          else if (r < 0.85) {
            const v = st.version++;
            out.push(s2c(MessageType.GAME_STATE_UPDATE, { from: v, to: v + 1, ops: [{ op: 'replace', path: '/player/position/x', value: 100 + (v % 50), ts: { wall: Math.floor(time), counter: 0, node: 'server' } }] }));
          } else if (r < 0.95) {
            const ev = c2s(MessageType.EVENT_TRIGGER, { id: '0b6f1c1e-3c8f-4d7a-9a51-2f0d3c4e5a61', name: 'server.time', scope: 'remote' });
            out.push(ev, s2c(MessageType.EVENT_RESPONSE, { id: '0b6f1c1e-3c8f-4d7a-9a51-2f0d3c4e5a61', ok: true, data: { time: { day: 1, hour: 8, minute: 0 }, weather: 'clear' } }, ev));
          } else {
            const hb = c2s(MessageType.HEARTBEAT, { t: Math.floor(time) });
            out.push(hb, s2c(MessageType.HEARTBEAT, { t: Math.floor(time) }, hb));
          }
        }
        for (const m of out) {
          if (st.written >= PER_SESSION) break;
          while (!w.writeRecord(m)) await w.flush();
          st.written++;
        }
      }
    }
    if (id % 65_536 < 1024) await w.flush();
  }
  await w.close();
  return BIG_CAPTURE;
}
