import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeSummary, encodeSummary, MAX_META_TEXT, planSummaryComment, summaryComment, writeSummaryComment } from './packet-meta';
import { type MessageRecord } from '../../src-shared/records';

const record = fc.record({
  id: fc.nat(),
  session: fc.nat({ max: 0xffffffff }),
  dir: fc.constantFrom('c2s' as const, 's2c' as const),
  time: fc.constant(1),
  dialect: fc.constantFrom('up2', 'otgame', 'x'),
  type: fc.string({ maxLength: 40 }),
  code: fc.nat({ max: 0xffff }),
  seq: fc.option(fc.nat({ max: 0xffffffff })),
  ref: fc.option(fc.nat({ max: 0xffffffff })),
  flags: fc.array(fc.stringMatching(/^[A-Z0-9_]{1,12}$/), { maxLength: 5 }),
  wireSize: fc.nat({ max: 0xffffffff }),
  bodySize: fc.nat({ max: 0xffffffff }),
  latencyMs: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: undefined }),
  pairId: fc.option(fc.nat(), { nil: undefined }),
  error: fc.option(fc.string({ minLength: 1, maxLength: 100 }), { nil: undefined }),
  faults: fc.option(fc.array(fc.stringMatching(/^[^\n]{1,20}$/), { minLength: 1, maxLength: 3 }), { nil: undefined }),
});

describe('the binary packet summary', () => {
  it('round-trips every field of a record', () => {
    fc.assert(
      fc.property(record, fc.constantFrom('plain' as const, 'wire' as const, 'none' as const), (r, kind) => {
        const d = decodeSummary(encodeSummary(r as MessageRecord, kind));
        if (typeof d === 'string') throw new Error(d);
        expect(d).toEqual({
          pduKind: kind,
          code: r.code,
          session: r.session,
          seq: r.seq,
          ref: r.ref,
          wireSize: r.wireSize,
          bodySize: r.bodySize,
          ...(r.latencyMs !== undefined ? { latencyMs: Object.is(r.latencyMs, -0) ? -0 : r.latencyMs } : {}),
          ...(r.pairId !== undefined ? { pairId: r.pairId } : {}),
          dialect: r.dialect,
          type: r.type,
          flags: r.flags,
          ...(r.error ? { error: r.error } : {}),
          ...(r.faults ? { faults: r.faults } : {}),
        });
      }),
      { numRuns: 500 },
    );
  });

  it('cuts very long error texts instead of failing', () => {
    const r = { id: 1, session: 1, dir: 'c2s', time: 0, dialect: 'up2', type: 'X', code: 1, seq: 1, ref: 0, flags: [], wireSize: 1, bodySize: 1, error: 'e'.repeat(100_000) } as MessageRecord;
    const d = decodeSummary(encodeSummary(r, 'plain'));
    if (typeof d === 'string') throw new Error(d);
    expect(d.error).toHaveLength(MAX_META_TEXT);
    expect(d.error!.endsWith('…')).toBe(true);
  });

  it('a truncated or foreign summary is refused with a reason, whatever the bytes', () => {
    const good = encodeSummary({ id: 1, session: 1, dir: 'c2s', time: 0, dialect: 'up2', type: 'HEARTBEAT', code: 5, seq: 1, ref: 0, flags: ['P2'], wireSize: 1, bodySize: 1 }, 'plain');
    for (let cut = 0; cut < good.length; cut++) expect(typeof decodeSummary(good.subarray(0, cut))).toBe('string');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        const d = decodeSummary(b);
        expect(typeof d === 'string' || typeof d === 'object').toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('the comment is one JSON object with what the Lua dissector reads', () => {
    const c = JSON.parse(
      summaryComment({ id: 7, session: 3, dir: 's2c', time: 0, dialect: 'up2', type: 'HEARTBEAT', code: 5, seq: 2, ref: 1, flags: ['RESPONSE', 'P0'], wireSize: 40, bodySize: 9, latencyMs: 1.5, faults: ['drop'] }, 'wire'),
    );
    expect(c).toEqual({ id: 7, session: 3, dir: 's2c', type: 'HEARTBEAT', seq: 2, ref: 1, flags: ['RESPONSE', 'P0'], wireSize: 40, bodySize: 9, latencyMs: 1.5, faults: ['drop'], pdu: 'wire' });
  });
});

describe('the summary comment written as bytes', () => {
  it('is byte for byte the summaryComment text, or declines (null) for the records that need the text path', () => {
    const extreme = fc.record({
      id: fc.oneof(fc.nat(), fc.constant(Number.MAX_SAFE_INTEGER)),
      session: fc.nat({ max: 0xffffffff }),
      seq: fc.option(fc.oneof(fc.nat({ max: 0xffffffff }), fc.constant(-1), fc.constant(1.5), fc.constant(Number.NaN))),
      wireSize: fc.oneof(fc.nat(), fc.constant(0), fc.constant(1e21)),
    });
    fc.assert(
      fc.property(record, extreme, fc.constantFrom('plain' as const, 'wire' as const, 'none' as const), fc.boolean(), (base, x, kind, frozen) => {
        const r = { ...base, ...x, flags: frozen ? Object.freeze([...base.flags]) : base.flags } as MessageRecord;
        const plan = planSummaryComment(r, kind);
        if (plan === null) {
          expect(Boolean(r.error) || Boolean(r.faults?.length)).toBe(true);
          return;
        }
        const buf = new Uint8Array(plan.length + 8).fill(0xee);
        const end = writeSummaryComment(plan, buf, 4);
        expect(end).toBe(4 + plan.length);
        expect(new TextDecoder().decode(buf.subarray(4, end))).toBe(summaryComment(r, kind));
        expect(buf[3]).toBe(0xee);
        expect(buf[end]).toBe(0xee);
      }),
      { numRuns: 500 },
    );
  });
});
