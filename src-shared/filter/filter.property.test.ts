import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileFilter } from './index';
import type { MessageSummary } from '../records';

/** Pieces of real filters, so random joins reach deep into the parser rather than failing on the first character. */
const PIECES = [
  'type:PLAYER_*', 'type:HEARTBEAT,RAW', 'type:"A B"', 'dir:c2s', 'dir:s2c', 'dir:up', 'session:3', 'session:1..4', 'session>2',
  'size>1k', 'size<=2mb', 'size:1k..', 'size>1q', 'body>0', 'latency', 'latency>20ms', 'latency<1s', 'error', 'error:DECRYPT_*',
  'fault', 'fault:drop', 'flag:RESPONSE', 'seq', 'seq>5', 'ref', 'id>=1', 'code:0x20', 'code:0xZZ', 'dialect:up2',
  '(', ')', 'or', 'OR', 'and', 'not', '!', '-', '||', '&&', '"', 'type:', ':', ',', '..', 'x', 'tpye:A', '>', '=', '!=', ' ', '\t',
];

const filterText = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.array(fc.constantFrom(...PIECES), { maxLength: 14 }).map((xs) => xs.join(' ')),
  fc.array(fc.constantFrom(...PIECES), { maxLength: 14 }).map((xs) => xs.join('')),
);

const summaryArb: fc.Arbitrary<MessageSummary> = fc.record(
  {
    id: fc.nat(),
    session: fc.nat({ max: 10 }),
    dir: fc.constantFrom('c2s' as const, 's2c' as const),
    time: fc.double({ min: 0, max: 2e12, noNaN: true }),
    dialect: fc.constantFrom('up2', 'otgame'),
    type: fc.constantFrom('PLAYER_MOVE', 'HEARTBEAT', 'RAW', 'GAME_STATE_UPDATE', ''),
    code: fc.integer({ min: -1, max: 255 }),
    seq: fc.option(fc.nat()),
    ref: fc.option(fc.nat()),
    flags: fc.subarray(['RESPONSE', 'ENCRYPTED', 'COMPRESSED', 'P0', 'P3']),
    wireSize: fc.nat({ max: 1 << 22 }),
    bodySize: fc.nat({ max: 1 << 22 }),
    latencyMs: fc.double({ min: 0, max: 5000, noNaN: true }),
    error: fc.constantFrom('DECRYPT_FAILED: bad tag', 'BAD_SEQUENCE: x', ':', ''),
    faults: fc.subarray(['drop', 'latency 120ms', 'corrupt wire']),
  },
  { requiredKeys: ['id', 'session', 'dir', 'time', 'dialect', 'type', 'code', 'seq', 'ref', 'flags', 'wireSize', 'bodySize'] },
);

describe('compileFilter properties', () => {
  it('never throws, and every error points inside the text', () => {
    fc.assert(
      fc.property(filterText, (text) => {
        const f = compileFilter(text);
        if (f.ok) return;
        const { at, length, message } = f.error;
        expect(message.length).toBeGreaterThan(0);
        expect(Number.isInteger(at) && Number.isInteger(length)).toBe(true);
        expect(at).toBeGreaterThanOrEqual(0);
        expect(length).toBeGreaterThanOrEqual(1);
        expect(at + length).toBeLessThanOrEqual(text.length);
      }),
      { numRuns: 5000 },
    );
  });

  it('a compiled filter never throws on any summary and always answers a boolean', () => {
    fc.assert(
      fc.property(filterText, fc.array(summaryArb, { maxLength: 5 }), (text, msgs) => {
        const f = compileFilter(text);
        if (!f.ok) return;
        for (const m of msgs) expect(typeof f.match(m)).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });

  const atom = fc.constantFrom('type:PLAYER_*', 'dir:c2s', 'session:1..4', 'size>1k', 'latency>20ms', 'error', 'fault:drop', 'flag:RESPONSE', 'seq>5', 'ref', 'code:0x20', 'dialect:up2');
  it('and / or / not mean intersection, union and complement', () => {
    fc.assert(
      fc.property(atom, atom, summaryArb, (a, b, m) => {
        const fa = compileFilter(a);
        const fb = compileFilter(b);
        if (!fa.ok || !fb.ok) throw new Error('atoms compile');
        const A = fa.match(m);
        const B = fb.match(m);
        const is = (text: string): boolean => {
          const f = compileFilter(text);
          if (!f.ok) throw new Error(`${text}: ${f.error.message}`);
          return f.match(m);
        };
        expect(is(`${a} ${b}`)).toBe(A && B);
        expect(is(`${a} and ${b}`)).toBe(A && B);
        expect(is(`${a} or ${b}`)).toBe(A || B);
        expect(is(`!${a}`)).toBe(!A);
        expect(is(`-(${a} or ${b})`)).toBe(!(A || B));
        expect(is(`not ${a} or ${b}`)).toBe(!A || B);
      }),
      { numRuns: 2000 },
    );
  });

  it('!= is exactly the negation of =', () => {
    const eq = fc.constantFrom('type:PLAYER_MOVE', 'dir:s2c', 'session:3', 'seq:5', 'ref:5', 'error:DECRYPT_*', 'fault:drop', 'flag:P0', 'size:1k..2k', 'latency:0..20ms');
    fc.assert(
      fc.property(eq, summaryArb, (text, m) => {
        const f = compileFilter(text);
        const g = compileFilter(text.replace(':', '!='));
        if (!f.ok || !g.ok) throw new Error('compiles');
        expect(g.match(m)).toBe(!f.match(m));
      }),
      { numRuns: 1000 },
    );
  });
});
