/**
 * MessageRecords as the proxy makes them, for capture tests: one for every
 * role of every UP/2.0 catalogue type (request or push, and response), plus
 * an encrypted frame the proxy could not open, a body that is not JSON, and
 * one with faults and latency.
 */
import { ALL_MESSAGES, Flag, FrameEncoder, HEADER_SIZE, makeFlags, readHeader, typeName, utf8Encode, MAX_PAYLOAD_LIMIT } from '../../src-shared/protocol';
import { type Dir, type MessageRecord } from '../../src-shared/records';
import { up2FlagNames } from '../../src-main/capture/pdu/up2';
import { type SessionMeta } from '../../src-main/capture/session-meta';

export const T0 = 1_700_000_000_000;

export interface SampleOptions {
  readonly session?: number;
  readonly firstId?: number;
  readonly startTime?: number;
}


/** A plaintext UP/2.0 record with wire, plain and body, as a decrypting proxy reports it. */
export function up2Record(
  id: number,
  code: number,
  body: unknown,
  o: { session?: number; dir?: Dir; seq?: number; ref?: number; response?: boolean; time?: number; priority?: 0 | 1 | 2 | 3; latencyMs?: number; pairId?: number; faults?: string[]; error?: string } = {},
): MessageRecord {
  const plain = utf8Encode(JSON.stringify(body));
  const wire = new FrameEncoder({ maxPayload: MAX_PAYLOAD_LIMIT }).encode({
    type: code,
    seq: o.seq ?? id,
    ref: o.ref ?? 0,
    response: o.response ?? false,
    priority: o.priority ?? 2,
    body: plain,
  });
  const h = readHeader(wire, 0, MAX_PAYLOAD_LIMIT);
  return {
    id,
    session: o.session ?? 1,
    dir: o.dir ?? 'c2s',
    time: o.time ?? T0 + id * 1.5,
    dialect: 'up2',
    type: typeName(code),
    code,
    seq: h.seq,
    ref: o.response ? h.ref : 0,
    flags: up2FlagNames(h.flags),
    wireSize: wire.length,
    bodySize: plain.length,
    ...(o.latencyMs !== undefined ? { latencyMs: o.latencyMs } : {}),
    ...(o.pairId !== undefined ? { pairId: o.pairId } : {}),
    ...(o.error ? { error: o.error } : {}),
    ...(o.faults ? { faults: o.faults } : {}),
    body,
    wire,
    plain,
  };
}

/**
 * Every catalogue type: each request or push with its example body, each
 * request answered by every type that may answer it (RESPONSE, ref = the
 * request's seq), one request answered by ERROR; then the odd cases.
 */
export function everyTypeRecords(opts: SampleOptions = {}): MessageRecord[] {
  const session = opts.session ?? 1;
  let id = opts.firstId ?? 1;
  const t0 = opts.startTime ?? T0;
  const out: MessageRecord[] = [];
  const seq = { c2s: 0, s2c: 0 };
  const other = (d: Dir): Dir => (d === 'c2s' ? 's2c' : 'c2s');
  const answer = (name: string, body: unknown, dir: Dir, ref: number, pairId: number): void => {
    const def = ALL_MESSAGES.find((d) => d.name === name)!;
    out.push(up2Record(id++, def.code, body, { session, dir, seq: ++seq[dir], ref, response: true, time: t0 + id, latencyMs: 3.25, pairId }));
  };
  for (const def of ALL_MESSAGES) {
    if (!def.body || def.example.body === undefined) continue; // response-only types come as answers below
    const dir: Dir = def.sender === 'server' ? 's2c' : 'c2s';
    const reqSeq = ++seq[dir];
    const reqId = id;
    out.push(up2Record(id++, def.code, def.example.body, { session, dir, seq: reqSeq, time: t0 + id, priority: def.code === 0x05 ? 0 : 2 }));
    if (!def.isRequest) continue;
    for (const name of def.answeredBy) {
      const resp = ALL_MESSAGES.find((d) => d.name === name)!;
      answer(name, resp.example.response ?? resp.example.body, other(dir), reqSeq, reqId);
    }
    if (def.name === 'RESOURCE_REQUEST') answer('ERROR', { code: 'NOT_FOUND', message: 'no such resource', fatal: false }, other(dir), reqSeq, reqId);
  }
  out.push(encryptedRecord(id++, session, ++seq.c2s, t0 + id));
  const bad = up2Record(id++, 0x21, {}, {
    session,
    dir: 'c2s',
    seq: ++seq.c2s,
    time: t0 + id,
    error: 'BAD_PAYLOAD: PLAYER_ACTION: body is not JSON',
    faults: ['latency 120ms', 'corrupt 1 byte'],
  });
  const notJson = utf8Encode('{"action": "use", oops');
  out.push({ ...bad, plain: notJson, body: undefined, bodySize: notJson.length });
  return out;
}

/** A frame the proxy could not decrypt: only its wire bytes are known. */
export function encryptedRecord(id: number, session: number, seq: number, time: number): MessageRecord {
  const payload = new Uint8Array(48).map((_, i) => (i * 37 + 11) & 0xff);
  const wire = new Uint8Array(HEADER_SIZE + payload.length);
  const flags = makeFlags({ encrypted: true, priority: 1 });
  wire.set([0x55, 0x50, 0x02, 0x20, flags, 0, 0, 0, 0, seq, 0, 0, 0, 0, 0, 0, 0, payload.length]);
  wire.set(payload, HEADER_SIZE);
  return {
    id,
    session,
    dir: 'c2s',
    time,
    dialect: 'up2',
    type: 'PLAYER_MOVE',
    code: 0x20,
    seq,
    ref: 0,
    flags: up2FlagNames(flags | Flag.ENCRYPTED),
    wireSize: wire.length,
    bodySize: 0,
    wire,
  };
}

export function sessionMeta(session: number, extra: Partial<SessionMeta> = {}): SessionMeta {
  return {
    session,
    dialect: 'up2',
    mode: 'decrypt',
    client: { address: '127.0.0.1', port: 50_000 + session },
    proxy: { address: '127.0.0.1', port: 7181 },
    server: { address: '127.0.0.1', port: 7180 },
    start: T0,
    ...extra,
  };
}
