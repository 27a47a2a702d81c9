import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SessionPositions } from './session-positions';
import { EntryChunk } from './entry-chunk';
import { EntryBits, type IndexEntry } from './index-table';
import { BufferPool } from './buffer-pool';

const WATCH = [0x01, 0x7f];

/**
 * Entries in file order, as an index holds them: parts never go back,
 * offsets grow (multiples of 4) within a part and may cross 2^34 (a part
 * past 16 GiB), sessions small and large (≥ 65536, up to 2^32 - 1),
 * watched and other codes, both directions, some session-metadata blocks.
 */
const entriesArb = fc
  .array(
    fc.record({
      newPart: fc.boolean(),
      jump: fc.oneof(fc.integer({ min: 1, max: 200 }), fc.constant(0x1_0000_0000 / 4)),
      // Session 0 takes most records, so that it fills several blocks and has some closed early.
      session: fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.integer({ min: 0, max: 12 }), weight: 1 }, { arbitrary: fc.constantFrom(65535, 65536, 0xffff_ffff), weight: 1 }),
      code: fc.constantFrom(0x01, 0x7f, 0x20, 0x31),
      s2c: fc.boolean(),
      meta: fc.boolean(),
      time: fc.double({ noNaN: true, noDefaultInfinity: true }),
    }),
    { maxLength: 1500 },
  )
  .map((steps) => {
    let part = 0;
    let offset = 0;
    return steps.map((s, i): IndexEntry => {
      if (s.newPart && i % 7 === 0) {
        part++;
        offset = 0;
      }
      offset += s.jump * 4;
      const bits = s.meta && i % 5 === 0 ? EntryBits.SESSION_BLOCK : s.s2c ? EntryBits.S2C : 0;
      return { id: i, time: s.time, part, offset, session: s.session, code: s.code, bits };
    });
  });

/** What SessionPositions should know, computed the plain way. */
function model(entries: readonly IndexEntry[]) {
  const sessions = new Map<number, { messages: number; c2s: number; s2c: number; first: number; last: number; codes: number[]; at: [number, number][] }>();
  const metas: [number, number][] = [];
  for (const e of entries) {
    if (e.bits & EntryBits.SESSION_BLOCK) {
      metas.push([e.part, e.offset]);
      continue;
    }
    let s = sessions.get(e.session);
    if (!s) sessions.set(e.session, (s = { messages: 0, c2s: 0, s2c: 0, first: e.time, last: e.time, codes: [0, 0, 0, 0], at: [] }));
    const s2c = (e.bits & EntryBits.S2C) !== 0;
    s.messages++;
    if (s2c) s.s2c++;
    else s.c2s++;
    s.last = e.time;
    const k = WATCH.indexOf(e.code);
    if (k >= 0) s.codes[k * 2 + (s2c ? 1 : 0)]!++;
    s.at.push([e.part, e.offset]);
  }
  return { sessions, metas };
}

/** Feeds the entries one by one and in chunks of varying size, mixed. */
function feed(p: SessionPositions, entries: readonly IndexEntry[], chunkSize: number): void {
  const chunk = new EntryChunk(chunkSize);
  for (let i = 0; i < entries.length; ) {
    if (i % 3 === 0) {
      const e = entries[i++]!;
      p.pushFields(e.id, e.time, e.part, e.offset, e.session, e.code, e.bits);
      continue;
    }
    chunk.length = 0;
    while (chunk.length < chunk.capacity && i < entries.length) {
      const e = entries[i++]!;
      chunk.push(e.id, e.time, e.part, e.offset, e.session, e.code, e.bits);
    }
    p.pushEntries(chunk);
  }
}

const locationsOf = (l: { length: number; part(i: number): number; offset(i: number): number }): [number, number][] => Array.from({ length: l.length }, (_, i) => [l.part(i), l.offset(i)]);

describe('SessionPositions', () => {
  it('keeps per session its counts, times, watched codes and every position in file order, whatever the parts, offsets and session numbers', () => {
    fc.assert(
      fc.property(entriesArb, fc.integer({ min: 1, max: 64 }), (entries, chunkSize) => {
        const p = new SessionPositions(WATCH);
        feed(p, entries, chunkSize);
        const want = model(entries);
        expect(p.messages).toBe([...want.sessions.values()].reduce((n, s) => n + s.messages, 0));
        expect(p.sessions().map((s) => s.session)).toEqual([...want.sessions.keys()].sort((a, b) => a - b));
        for (const [session, w] of want.sessions) {
          const got = p.get(session)!;
          expect({ messages: got.messages, c2s: got.c2s, s2c: got.s2c, first: got.first, last: got.last }).toEqual({ messages: w.messages, c2s: w.c2s, s2c: w.s2c, first: w.first, last: w.last });
          expect([got.count(0x01, false), got.count(0x01, true), got.count(0x7f, false), got.count(0x7f, true)]).toEqual(w.codes);
          expect(got.count(0x20, false)).toBe(0); // not watched
          expect(locationsOf(got.locations())).toEqual(w.at);
        }
        expect(locationsOf(p.metaLocations())).toEqual(want.metas);
        expect(p.get(424242)).toBeUndefined();
        p.release();
      }),
      { numRuns: 150 },
    );
  });

  it('fills many blocks and slabs: a session of 300 000 records beside 40 others, positions back exactly', () => {
    const p = new SessionPositions(WATCH);
    const chunk = new EntryChunk(4096);
    const want = new Map<number, number[]>();
    let offset = 1024;
    for (let i = 0; i < 340_000; i++) {
      const session = i % 9 === 0 ? 1 + (i % 41) : 7;
      chunk.push(i, i, 0, offset, session, 0x20, i & 1);
      let list = want.get(session);
      if (!list) want.set(session, (list = []));
      list.push(offset);
      offset += 36 + (i % 5) * 4;
      if (chunk.length === chunk.capacity) {
        p.pushEntries(chunk);
        chunk.length = 0;
      }
    }
    p.pushEntries(chunk);
    expect(p.messages).toBe(340_000);
    for (const [session, offsets] of want) {
      const l = p.get(session)!.locations();
      expect(l.length).toBe(offsets.length);
      let same = true;
      for (let i = 0; i < l.length; i++) same &&= l.offset(i) === offsets[i] && l.part(i) === 0;
      expect(same).toBe(true);
    }
    p.release();
  });

  it('refuses to read positions once released (the index was closed), and starts empty after reset', () => {
    const p = new SessionPositions(WATCH);
    p.pushFields(1, 10, 0, 64, 3, 0x01, 0);
    const e = p.get(3)!;
    expect(e.locations().length).toBe(1);
    p.release();
    expect(() => e.locations()).toThrow(/released/);
    expect(p.get(3)).toBeUndefined();
    expect(p.sessions()).toEqual([]);
    expect(p.messages).toBe(0);
    p.pushFields(2, 20, 1, 128, 3, 0x7f, EntryBits.S2C);
    expect(locationsOf(p.get(3)!.locations())).toEqual([[1, 128]]);
    expect(p.get(3)!.count(0x7f, true)).toBe(1);
    p.release();
  });
});

describe('BufferPool', () => {
  it('hands back a buffer of the same size, keeps no more than its limit, and never one buffer twice', () => {
    const pool = new BufferPool(3 * 1024);
    const a = pool.take(1024);
    const b = pool.take(1024);
    pool.give(a);
    pool.give(a); // twice: kept once
    expect(pool.bytes).toBe(1024);
    pool.give(b);
    pool.give(new ArrayBuffer(1024));
    pool.give(new ArrayBuffer(1024)); // over the limit: left to the GC
    expect(pool.bytes).toBe(3 * 1024);
    const again = new Set([pool.take(1024), pool.take(1024), pool.take(1024)]);
    expect(again.size).toBe(3);
    expect(again.has(a) && again.has(b)).toBe(true);
    expect(pool.take(2048).byteLength).toBe(2048); // another size: a new one
    expect(pool.bytes).toBe(0);
  });
});
