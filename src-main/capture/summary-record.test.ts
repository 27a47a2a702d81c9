import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeSummary, encodeSummary } from './packet-meta';
import { PacketFields } from './epb-reader';
import { PDU_KINDS, readSummary, SummaryFields } from './summary-record';
import { type MessageRecord } from '../../src-shared/records';

const record = fc.record({
  id: fc.nat(),
  session: fc.nat({ max: 0xffffffff }),
  dir: fc.constantFrom('c2s' as const, 's2c' as const),
  time: fc.constant(1),
  dialect: fc.constantFrom('up2', 'otgame', 'x', 'ünïcode'),
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

/** readSummary on `summary` placed at `shift` in a bigger buffer (as it sits in a block), as the reader calls it. */
function fast(summary: Uint8Array, shift: number): SummaryFields | null {
  const w = new Uint8Array(shift + summary.length + 16).fill(0xa5);
  w.set(summary, shift);
  const f = new PacketFields();
  f.summaryAt = shift;
  f.summaryLength = summary.length;
  const out = new SummaryFields();
  return readSummary(w, f, out) ? out : null;
}

/** The reference decoder's result in the fast decoder's terms. */
function reference(summary: Uint8Array): Record<string, unknown> | null {
  const d = decodeSummary(summary);
  if (typeof d === 'string') return null;
  return {
    pduKind: PDU_KINDS.indexOf(d.pduKind),
    code: d.code,
    session: d.session,
    seq: d.seq,
    ref: d.ref,
    wireSize: d.wireSize,
    bodySize: d.bodySize,
    latencyMs: d.latencyMs,
    pairId: d.pairId,
    dialect: d.dialect,
    type: d.type,
    flags: d.flags,
    error: d.error,
    faults: d.faults,
  };
}

const plain = (f: SummaryFields | null): Record<string, unknown> | null => (f ? { ...f } : null);

describe('readSummary (the reader’s in-place summary decoder)', () => {
  it('agrees with decodeSummary on every field, at any alignment, again and again (its caches)', () => {
    fc.assert(
      fc.property(record, fc.constantFrom('plain' as const, 'wire' as const, 'none' as const), fc.integer({ min: 0, max: 7 }), (r, kind, shift) => {
        const bytes = encodeSummary(r as MessageRecord, kind);
        const want = reference(bytes);
        expect(want).not.toBeNull();
        expect(plain(fast(bytes, shift))).toEqual(want);
        expect(plain(fast(bytes, (shift + 3) % 8))).toEqual(want);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses exactly what decodeSummary refuses: cut short, unknown kinds, strings past the end, random bytes', () => {
    const good = encodeSummary({ id: 1, session: 1, dir: 'c2s', time: 0, dialect: 'up2', type: 'HEARTBEAT', code: 5, seq: 1, ref: 0, flags: ['P2'], wireSize: 1, bodySize: 1, error: 'x' }, 'plain');
    for (let cut = 0; cut <= good.length; cut++) expect(plain(fast(good.subarray(0, cut), 1))).toEqual(reference(good.subarray(0, cut)));
    const badKind = good.slice();
    badKind[1] = 3;
    expect(fast(badKind, 0)).toBeNull();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 160 }), fc.boolean(), fc.integer({ min: 0, max: 5 }), (b, asSummary, shift) => {
        if (asSummary && b.length > 0) b[0] = 1; // get past the kind byte more often
        expect(plain(fast(b, shift))).toEqual(reference(b));
      }),
      { numRuns: 3000 },
    );
  });
});
