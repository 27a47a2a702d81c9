/**
 * The compact record store: what goes in comes back (summary fields, bytes,
 * bodies kept or rebuilt), the oldest records go when the count or the byte
 * ring is full and never come back wrong, and oversized or odd records are
 * still kept.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { MessageRecord, MessageSummary } from '../../src-shared/records';
import { RecordStore, summaryOf, type ReviveBody } from './records';

const FLAGS = Object.freeze(['RESPONSE', 'ENCRYPTED', 'P1']);
const utf8 = new TextEncoder();

function rec(id: number, over: Partial<MessageRecord> = {}): MessageRecord {
  const plain = utf8.encode(JSON.stringify({ n: id }));
  return {
    id,
    session: 3,
    dir: id % 2 ? 'c2s' : 's2c',
    time: 1_700_000_000_000 + id / 7,
    dialect: 'up2',
    type: 'HEARTBEAT',
    code: 0x06,
    seq: id,
    ref: null,
    flags: FLAGS,
    wireSize: 40 + id,
    bodySize: plain.length,
    wire: Uint8Array.from({ length: 20 + (id % 13) }, (_, i) => (id + i) & 0xff),
    plain,
    body: { n: id },
    ...over,
  };
}

const json: ReviveBody = (_s, plain) => JSON.parse(new TextDecoder().decode(plain)) as unknown;

describe('RecordStore', () => {
  it('gives back every field of a record, its bytes as copies of its own', () => {
    const store = new RecordStore(10, { reviveBody: json });
    const r = rec(1, { latencyMs: 1.25, pairId: 7, error: 'BAD_PAYLOAD: x', faults: ['drop', 'latency 5ms'], ref: 9 });
    store.add(r, true);
    const back = store.get(1)!;
    expect(back).toEqual(r);
    expect(back.wire).not.toBe(r.wire);
    // The record owns its bytes: more traffic does not change them.
    for (let id = 2; id <= 10; id++) store.add(rec(id), true);
    expect(back.wire).toEqual(r.wire);
  });

  it('summary(id) is the record without bytes or body, without reviving the body; undefined once the id is gone', () => {
    let revived = 0;
    const store = new RecordStore(3, { reviveBody: (sm, p) => (revived++, json(sm, p)) });
    store.add(rec(1, { latencyMs: 2.5, pairId: 2, error: 'BAD_PAYLOAD: x', faults: ['drop'] }), true);
    store.add(rec(2), true);
    for (const id of [1, 2]) {
      const s = store.summary(id)!;
      expect(s).toEqual(summaryOf(store.get(id)!));
      expect(s).not.toHaveProperty('wire');
      expect(s).not.toHaveProperty('plain');
      expect(s).not.toHaveProperty('body');
    }
    expect(store.summary(1)).toMatchObject({ latencyMs: 2.5, pairId: 2, error: 'BAD_PAYLOAD: x', faults: ['drop'] });
    expect(revived).toBe(0);
    for (let id = 3; id <= 5; id++) store.add(rec(id), true);
    expect(store.summary(1)).toBeUndefined();
    expect(store.summary(6)).toBeUndefined();
    expect(store.range(0, 10).map((x) => x.id)).toEqual([3, 4, 5]);
    expect(store.range(0, 10)).toEqual([3, 4, 5].map((id) => summaryOf(store.get(id)!)));
  });

  it('rebuilds a body from the plaintext only when it is read, and keeps the others as given', () => {
    let revived = 0;
    const store = new RecordStore(10, {
      reviveBody: (s, p) => {
        revived++;
        return json(s, p);
      },
    });
    store.add(rec(1), true);
    store.add(rec(2, { body: { kept: true } }), false);
    store.add(rec(3, { body: undefined, plain: undefined, bodySize: 0 }), true);
    const one = store.get(1)!;
    expect(summaryOf(one)).not.toHaveProperty('body');
    expect(revived).toBe(0);
    expect(one.body).toEqual({ n: 1 });
    expect(one.body).toBe(one.body);
    expect(revived).toBe(1);
    expect(JSON.parse(JSON.stringify(store.get(1)))).toMatchObject({ body: { n: 1 } });
    expect({ ...store.get(1) }.body).toEqual({ n: 1 });
    expect(store.get(2)!.body).toEqual({ kept: true });
    expect(store.get(3)).not.toHaveProperty('body');
    expect(store.get(3)).not.toHaveProperty('plain');
  });

  it('without a reviver keeps the body object', () => {
    const store = new RecordStore(4);
    store.add(rec(1), true);
    expect(store.get(1)!.body).toEqual({ n: 1 });
  });

  it('keeps the last `capacity` records by count', () => {
    const store = new RecordStore(5, { reviveBody: json });
    for (let id = 1; id <= 12; id++) store.add(rec(id), true);
    expect(store.oldestId).toBe(8);
    expect(store.newestId).toBe(12);
    expect(store.get(7)).toBeUndefined();
    expect(store.get(8)!.seq).toBe(8);
    expect(store.range(0, 100).map((s) => s.id)).toEqual([8, 9, 10, 11, 12]);
    expect(store.range(10, 1).map((s) => s.id)).toEqual([10]);
  });

  it('grows its rows as records come, moving what it holds (and their rare fields) along', () => {
    const store = new RecordStore(5000, { reviveBody: json });
    const make = (id: number): MessageRecord => rec(id, id % 97 === 0 ? { error: `E${id}`, body: { kept: id } } : {});
    for (let id = 1; id <= 4999; id++) store.add(make(id), id % 97 !== 0);
    store.linkPair(10, 11);
    for (let id = 5000; id <= 5100; id++) store.add(make(id), id % 97 !== 0);
    expect(store.oldestId).toBe(101);
    expect(store.get(100)).toBeUndefined();
    for (const id of [101, 194, 2000, 4947, 5044, 5100]) expect(store.get(id)).toEqual(make(id));
    expect(store.get(194)!.error).toBe('E194');
    store.add(make(5101), true);
    expect(store.oldestId).toBe(102);
  });

  it('pairs a request with its response while the request is held', () => {
    const store = new RecordStore(3);
    store.add(rec(1));
    store.add(rec(2, { pairId: 1, latencyMs: 0.5 }));
    store.linkPair(1, 2);
    expect(store.responseOf(1)).toBe(2);
    expect(store.responseOf(2)).toBeUndefined();
    for (let id = 3; id <= 5; id++) store.add(rec(id));
    expect(store.responseOf(1)).toBeUndefined();
    store.linkPair(1, 5); // gone: ignored
    expect(store.responseOf(1)).toBeUndefined();
  });

  it('drops the oldest records when the byte ring is full, and the ones it keeps are intact', () => {
    const store = new RecordStore(10_000, { keepBytes: 4096, reviveBody: json });
    for (let id = 1; id <= 2000; id++) store.add(rec(id), true);
    expect(store.newestId).toBe(2000);
    expect(store.oldestId).toBeGreaterThan(1850); // ~40 bytes a record in 4 KiB
    expect(store.ringBytes).toBe(4096);
    for (let id = store.oldestId; id <= 2000; id++) expect(store.get(id)).toEqual(rec(id));
    expect(store.get(store.oldestId - 1)).toBeUndefined();
  });

  it('keeps a record too big for the ring apart, and one without bytes', () => {
    const store = new RecordStore(10, { keepBytes: 4096 });
    const big = rec(1, { wire: new Uint8Array(3000).fill(7), plain: new Uint8Array(2000).fill(9) });
    store.add(big);
    store.add(rec(2, { wire: undefined, plain: undefined }));
    expect(store.get(1)).toEqual(big);
    expect(store.get(2)).not.toHaveProperty('wire');
    expect(store.get(2)!.seq).toBe(2);
  });

  it('names past the tables and flag arrays made per message do not grow without bound', () => {
    const store = new RecordStore(4);
    for (let id = 1; id <= 70_000; id++) store.add(rec(id, { type: `T${id}`, flags: ['RESPONSE', 'P0'], wire: undefined, plain: undefined, body: undefined }));
    const last = store.get(70_000)!;
    expect(last.type).toBe('T70000');
    expect(last.flags).toEqual(['RESPONSE', 'P0']);
    expect(store.get(69_999)!.type).toBe('T69999');
  });

  it('property: every id it still holds comes back as added, whatever the sizes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1024, max: 8192 }),
        fc.array(fc.record({ wire: fc.integer({ min: 0, max: 900 }), plain: fc.integer({ min: 0, max: 900 }), s2c: fc.boolean() }), { maxLength: 300 }),
        (capacity, keepBytes, sizes) => {
          const store = new RecordStore(capacity, { keepBytes });
          const added: MessageRecord[] = [];
          sizes.forEach((sz, i) => {
            const id = i + 1;
            const r: MessageRecord = {
              ...rec(id),
              dir: sz.s2c ? 's2c' : 'c2s',
              body: undefined,
              wire: sz.wire ? new Uint8Array(sz.wire).fill(id & 0xff) : undefined,
              plain: sz.plain ? new Uint8Array(sz.plain).fill((id * 3) & 0xff) : undefined,
            };
            added.push(r);
            store.add(r);
          });
          if (added.length === 0) return;
          expect(store.newestId).toBe(added.length);
          expect(store.newestId - store.oldestId + 1).toBeLessThanOrEqual(capacity);
          let held = 0;
          for (let id = store.oldestId; id <= store.newestId; id++) {
            const back = store.get(id);
            const want = JSON.parse(JSON.stringify(added[id - 1]!, (_k, v: unknown) => (v instanceof Uint8Array ? [...v] : v))) as MessageSummary;
            expect(JSON.parse(JSON.stringify(back, (_k, v: unknown) => (v instanceof Uint8Array ? [...v] : v)))).toEqual(want);
            held += (back?.wire?.length ?? 0) + (back?.plain?.length ?? 0);
          }
          // The newest record is always held; what is held fits the ring plus the same again for records too big for it.
          expect(store.get(added.length)).toBeDefined();
          expect(held).toBeLessThanOrEqual(2 * keepBytes + 1800);
        },
      ),
      { numRuns: 200 },
    );
  });
});
