import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { planRecordBlock, writeRecordBlock, type PduSource } from './record-block';
import { encodeEpb, optComment, optCustom, optDirection, optU64 } from './pcapng/encode';
import { EpbOpt, Opt, OTBRIDGE_PEN } from './pcapng/constants';
import { dirToEpb, encodeBodyJson, encodeSummary, summaryComment } from './packet-meta';
import { encodeExportedPduTags } from './exported-pdu';
import { up2Codec } from './pdu/up2';
import { type MessageRecord } from '../../src-shared/records';
import { encryptedRecord, up2Record } from '../../test-support/capture/sample-records';

/** The same block through the general-purpose encoders: the reference the in-place writer must match byte for byte. */
function reference(r: MessageRecord, tags: Uint8Array, micros: number, bodyJson?: unknown): Uint8Array {
  const built = up2Codec.build(r);
  const options = [optComment(summaryComment(r, built.kind)), optDirection(dirToEpb(r.dir)), optU64(EpbOpt.PACKETID, r.id), optCustom(Opt.CUSTOM_BIN, OTBRIDGE_PEN, encodeSummary(r, built.kind))];
  if (bodyJson !== undefined) options.push(optCustom(Opt.CUSTOM_BIN, OTBRIDGE_PEN, encodeBodyJson(bodyJson)!));
  return encodeEpb({ interfaceId: 0, timestamp: micros, data: [tags, built.bytes], options });
}

function inPlace(r: MessageRecord, tags: Uint8Array, micros: number, pdu: PduSource, bodyJson?: unknown): Uint8Array {
  const plan = planRecordBlock(r, tags, pdu, micros, bodyJson === undefined ? undefined : Buffer.from(JSON.stringify(bodyJson)));
  const buf = Buffer.alloc(plan.size + 16, 0xaa); // garbage around and under it: padding must be zeroed
  writeRecordBlock(plan, buf, 8);
  expect(buf[7]).toBe(0xaa);
  expect(buf[8 + plan.size]).toBe(0xaa);
  return buf.subarray(8, 8 + plan.size);
}

const tags = encodeExportedPduTags({ dissector: 'up2', src: { address: '127.0.0.1', port: 5 }, dst: { address: '::1', port: 6 }, p2pDir: 1 });

describe('the in-place record block', () => {
  it('is byte for byte what the general encoders make, for any record', () => {
    fc.assert(
      fc.property(
        fc.record({
          id: fc.nat({ max: Number.MAX_SAFE_INTEGER }),
          session: fc.nat({ max: 0xffffffff }),
          c2s: fc.boolean(),
          text: fc.string({ maxLength: 50 }),
          seq: fc.nat({ max: 0xffffffff }),
          latency: fc.option(fc.double({ min: 0, max: 1e6, noNaN: true }), { nil: undefined }),
          error: fc.option(fc.string({ minLength: 1, maxLength: 30 }), { nil: undefined }),
          faults: fc.option(fc.array(fc.stringMatching(/^[a-z ]{1,10}$/), { minLength: 1, maxLength: 3 }), { nil: undefined }),
          micros: fc.nat({ max: 2 ** 52 }),
          response: fc.boolean(),
        }),
        (x) => {
          const base = up2Record(x.id, 0x21, { action: 'say', args: { text: x.text } }, { session: x.session, dir: x.c2s ? 'c2s' : 's2c', seq: x.seq, response: x.response, ref: 3 });
          const r: MessageRecord = { ...base, ...(x.latency !== undefined ? { latencyMs: x.latency } : {}), ...(x.error ? { error: x.error } : {}), ...(x.faults ? { faults: x.faults } : {}) };
          const fast = inPlace(r, tags, x.micros, { kind: 'plain', up2: { type: r.code, flags: r.wire![4]!, seq: r.seq!, ref: r.ref!, }, plain: r.plain! });
          expect(Buffer.from(fast).equals(Buffer.from(reference(r, tags, x.micros)))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('matches for a wire-only frame and with a stored body', () => {
    const enc = encryptedRecord(7, 2, 9, 0);
    expect(Buffer.from(inPlace(enc, tags, 1, { kind: 'wire', bytes: enc.wire! })).equals(Buffer.from(reference(enc, tags, 1)))).toBe(true);
    const r = up2Record(8, 5, { t: 1 });
    const built = up2Codec.build(r);
    const body = { decoded: ['fields', 1] };
    expect(Buffer.from(inPlace(r, tags, 2, built, body)).equals(Buffer.from(reference(r, tags, 2, body)))).toBe(true);
  });

  it('refuses an id that is no safe integer', () => {
    const r = up2Record(1, 5, {});
    for (const id of [-1, 1.5, 2 ** 53, Number.NaN]) expect(() => planRecordBlock({ ...r, id }, tags, up2Codec.build(r), 0, undefined)).toThrow(RangeError);
  });

  it('keeps the comment under the 64 KiB option limit whatever the faults', () => {
    const r = { ...up2Record(1, 5, {}), faults: Array.from({ length: 5000 }, (_, i) => `fault number ${i} with some words`) };
    const plan = planRecordBlock(r, tags, up2Codec.build(r), 0, undefined);
    expect(plan.commentLength).toBeLessThanOrEqual(0xffff);
    expect(plan.summaryLength).toBeLessThanOrEqual(0xffff - 4);
  });

  it('writes a record whose type name is over 64 KiB, with the name cut in the comment, and it reads back', () => {
    const long = 'T'.repeat(70_000);
    const r = { ...up2Record(3, 5, { t: 1 }), type: long };
    const plan = planRecordBlock(r, tags, up2Codec.build(r), 0, undefined);
    expect(plan.commentLength).toBeLessThanOrEqual(0xffff);
    const buf = Buffer.alloc(plan.size);
    writeRecordBlock(plan, buf, 0);
    const at = buf.indexOf('{"id":3,');
    expect(buf.readUInt16LE(at - 4)).toBe(1); // opt_comment
    expect(buf.readUInt16LE(at - 2)).toBe(plan.commentLength);
    const comment = JSON.parse(buf.toString('utf8', at, at + plan.commentLength)) as { id: number; type: string };
    expect(comment.id).toBe(3);
    expect(comment.type).toBe(long.slice(0, 256));
  });
});
