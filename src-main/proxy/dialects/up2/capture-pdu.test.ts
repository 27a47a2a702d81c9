/**
 * The capture shortcut of the UP/2.0 dialect: when it says a record's PDU
 * is its plaintext under its own header, the PDU the capture writer builds
 * in place from the record is byte for byte the one the dialect makes; it
 * says no for redacted logins, requests with a ref in their header, raw
 * bytes and records whose header does not match their wire.
 */
import { describe, expect, it } from 'vitest';
import { FrameEncoder, HEADER_SIZE, MessageType } from '../../../../src-shared/protocol';
import type { MessageRecord } from '../../../../src-shared/records';
import { codecPorts } from '../../../net/ports';
import { planRecordBlock, writeRecordBlock } from '../../../capture/record-block';
import type { DialectContext, ProxyMessage } from '../../dialect';
import { createUp2Dialect } from '.';
import { Up2Session } from './session';

const ctx: DialectContext = { mode: 'passthrough', inject: () => {}, observe: () => {}, facts: () => {}, abort: () => {} };
const opts = { maxPayload: 1 << 20, ports: codecPorts, redact: true };
const dialect = createUp2Dialect(opts);

/** The record the proxy core makes of a message (the fields the capture reads). */
function recordOf(m: ProxyMessage, id: number): MessageRecord {
  return {
    id,
    session: 1,
    dir: m.dir,
    time: 1,
    dialect: 'up2',
    type: m.type,
    code: m.code,
    seq: m.seq,
    ref: m.ref,
    flags: m.flags,
    wireSize: m.wire.length,
    bodySize: m.plain?.length ?? 0,
    wire: m.wire,
    ...(m.plain ? { plain: m.plain } : {}),
    ...(m.body !== undefined ? { body: m.body } : {}),
  };
}

/** The PDU bytes the capture writer puts in the block when it builds it in place from the record. */
function inPlacePdu(r: MessageRecord): Uint8Array {
  const tags = new Uint8Array(8);
  const pdu = { kind: 'plain' as const, up2: { type: r.code, flags: r.wire![4]!, seq: r.seq ?? 0, ref: r.ref ?? 0 }, plain: r.plain! };
  const plan = planRecordBlock(r, tags, pdu, 0, undefined);
  const buf = Buffer.alloc(plan.size);
  writeRecordBlock(plan, buf, 0);
  return buf.subarray(28 + tags.length, 28 + tags.length + plan.pduLength);
}

function decodeAll(frames: Uint8Array[], dir: 'c2s' | 's2c'): { session: Up2Session; msgs: ProxyMessage[] } {
  const session = new Up2Session(ctx, opts);
  return { session, msgs: session.decode(dir, Buffer.concat(frames)) };
}

describe('up2 capturesPlainFrame', () => {
  it('agrees byte for byte with the dialect PDU whenever it says yes', () => {
    const enc = new FrameEncoder({ direction: 2 });
    const frames = [
      enc.encode({ type: MessageType.HEARTBEAT, seq: 1, ref: 7, response: true, priority: 2, body: { t: 5 } }),
      enc.encode({ type: MessageType.HEARTBEAT, seq: 2, priority: 0, body: { t: 6, pad: 'x'.repeat(300) } }),
      enc.encode({ type: 0x7e, seq: 3, priority: 1, body: { unknown: true } }),
    ];
    const { session, msgs } = decodeAll(frames, 's2c');
    expect(msgs).toHaveLength(3);
    let yes = 0;
    msgs.forEach((m, i) => {
      const r = recordOf(m, i + 1);
      if (!dialect.capturesPlainFrame!(r)) return;
      yes++;
      expect(Buffer.from(inPlacePdu(r)).equals(Buffer.from(session.pdu(m)))).toBe(true);
    });
    expect(yes).toBe(3);
  });

  it('says no for a redacted login, a request with a ref in its header, raw bytes and a wire that does not match', () => {
    const enc = new FrameEncoder({ direction: 1 });
    const login = enc.encode({ type: MessageType.AUTH_LOGIN, seq: 1, priority: 0, body: { account: 'a', password: 'secret' } });
    const withRef = enc.encode({ type: MessageType.HEARTBEAT, seq: 2, ref: 9, priority: 0, body: { t: 1 } });
    const { session, msgs } = decodeAll([login, withRef], 'c2s');
    const [l, h] = msgs.map((m, i) => recordOf(m, i + 1)) as [MessageRecord, MessageRecord];
    expect(dialect.capturesPlainFrame!(l)).toBe(false);
    expect(new TextDecoder().decode(session.pdu(msgs[0]!).subarray(HEADER_SIZE))).not.toContain('secret');
    expect(h.ref).toBeNull();
    expect(dialect.capturesPlainFrame!(h)).toBe(false);
    const raw: MessageRecord = { ...h, wire: new Uint8Array([1, 2, 3]) };
    expect(dialect.capturesPlainFrame!(raw)).toBe(false);
    const { plain: _p, ...noPlain } = h;
    expect(dialect.capturesPlainFrame!(noPlain)).toBe(false);
    const otherSeq: MessageRecord = { ...h, ref: 9, seq: 3 };
    expect(dialect.capturesPlainFrame!(otherSeq)).toBe(false);
    const otherCode: MessageRecord = { ...h, ref: 9, code: h.code ^ 1 };
    expect(dialect.capturesPlainFrame!(otherCode)).toBe(false);
    expect(dialect.capturesPlainFrame!({ ...h, ref: 9 })).toBe(true);
  });
});
