import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ENTRY_SIZE, EntryBits, IndexTable, swapEntries, writeEntry, type IndexEntry } from './index-table';

const entryArb = fc.record({
  id: fc.oneof(fc.integer({ min: 0, max: 2 ** 40 }), fc.double({ noNaN: true, min: 0, max: 2 ** 53 })),
  time: fc.double({ noNaN: true, noDefaultInfinity: true }),
  part: fc.integer({ min: 0, max: 0xffff }),
  offset: fc.integer({ min: 0, max: 2 ** 48 - 1 }),
  session: fc.integer({ min: 0, max: 0xffff_ffff }),
  code: fc.integer({ min: 0, max: 0xffff }),
  bits: fc.constantFrom(0, EntryBits.S2C, EntryBits.SESSION_BLOCK, EntryBits.S2C | EntryBits.SESSION_BLOCK),
});

/** The on-disk bytes of entries as the writer makes them (DataView, little-endian). */
function fileBytes(entries: readonly IndexEntry[]): Uint8Array {
  const out = new Uint8Array(entries.length * ENTRY_SIZE);
  const dv = new DataView(out.buffer);
  entries.forEach((e, i) => writeEntry(dv, i * ENTRY_SIZE, e));
  return out;
}

describe('IndexTable', () => {
  it('keeps every field of every entry, 48-bit offsets included, through push, the file bytes and back', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { maxLength: 200 }), (entries) => {
        const t = new IndexTable(1); // grows many times
        for (const e of entries) t.push(e);
        expect(t.length).toBe(entries.length);
        entries.forEach((e, i) => expect(t.entry(i)).toEqual(e));
        // What it writes is byte for byte what the writer writes, and reads back the same.
        const bytes = t.bytes();
        expect(Buffer.from(bytes).equals(Buffer.from(fileBytes(entries)))).toBe(true);
        const back = IndexTable.fromBytes(bytes);
        entries.forEach((e, i) => expect(back.entry(i)).toEqual(e));
        expect(back.recordCount).toBe(entries.filter((e) => !(e.bits & EntryBits.SESSION_BLOCK)).length);
      }),
      { numRuns: 100 },
    );
  });

  it('adopts a buffer without copying it and appends after its entries', () => {
    const entries: IndexEntry[] = [
      { id: 1, time: 10, part: 0, offset: 100, session: 1, code: 5, bits: 0 },
      { id: 1, time: 11, part: 0, offset: 200, session: 1, code: 0, bits: EntryBits.SESSION_BLOCK },
      { id: 2, time: 12, part: 1, offset: 2 ** 33, session: 2, code: 6, bits: EntryBits.S2C },
    ];
    const buf = new ArrayBuffer(8 * ENTRY_SIZE);
    new Uint8Array(buf).set(fileBytes(entries));
    const t = IndexTable.adopt(buf, 3);
    expect(t.recordCount).toBe(2);
    expect(t.idsAscending).toBe(true);
    t.pushFields(3, 13, 1, 2 ** 33 + 400, 2, 7, 0);
    expect(new Uint8Array(buf, 3 * ENTRY_SIZE, ENTRY_SIZE).some((b) => b !== 0)).toBe(true); // written in place
    expect(t.entry(3)).toEqual({ id: 3, time: 13, part: 1, offset: 2 ** 33 + 400, session: 2, code: 7, bits: 0 });
    expect(() => IndexTable.adopt(new ArrayBuffer(ENTRY_SIZE), 2)).toThrow(RangeError);
  });

  it('ignores a partial last entry and keeps a recount right after truncation', () => {
    const entries = Array.from({ length: 10 }, (_, i): IndexEntry => ({ id: i + 1, time: i, part: 0, offset: i * 64, session: 1, code: 1, bits: i === 4 ? EntryBits.SESSION_BLOCK : 0 }));
    const bytes = fileBytes(entries);
    const t = IndexTable.fromBytes(bytes.subarray(0, bytes.length - 5));
    expect(t.length).toBe(9);
    expect(t.recordCount).toBe(8);
    t.truncate(4);
    expect(t.length).toBe(4);
    expect(t.recordCount).toBe(4);
    t.truncate(10); // longer than it is: nothing changes
    expect(t.length).toBe(4);
  });

  it('finds records by id around session blocks, sorted or not', () => {
    const t = new IndexTable();
    const ids = [1, 2, 5, 9, 12];
    let offset = 0;
    for (const id of ids) {
      t.pushFields(7, 0, 0, (offset += 64), 7, 0, EntryBits.SESSION_BLOCK); // a session block before each record, its id the session's
      t.pushFields(id, 0, 0, (offset += 64), 7, 1, 0);
    }
    expect(t.idsAscending).toBe(true);
    for (const id of ids) expect(t.id(t.find(id))).toBe(id);
    expect(t.find(3)).toBe(-1);
    expect(t.find(7)).toBe(-1); // a session number is not a record id
    // lowerBound may land on the session block just before the record; the first record from there is the one.
    const firstRecordFrom = (i: number): number => {
      while (i < t.length && t.isSessionBlock(i)) i++;
      return i;
    };
    expect(t.id(firstRecordFrom(t.lowerBound(3)))).toBe(5);
    expect(t.id(firstRecordFrom(t.lowerBound(5)))).toBe(5);
    expect(firstRecordFrom(t.lowerBound(13))).toBe(t.length);
    t.pushFields(4, 0, 0, (offset += 64), 7, 1, 0); // out of order now
    expect(t.idsAscending).toBe(false);
    expect(t.id(t.find(4))).toBe(4);
    expect(t.id(t.find(9))).toBe(9);
  });
});

describe('swapEntries', () => {
  it('turns file entries into their big-endian field by field image, and back', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { minLength: 1, maxLength: 20 }), (entries) => {
        const le = fileBytes(entries);
        const swapped = le.slice();
        swapEntries(swapped, 0, entries.length);
        const dv = new DataView(swapped.buffer);
        entries.forEach((e, i) => {
          const at = i * ENTRY_SIZE;
          expect(dv.getFloat64(at, false)).toBe(e.id);
          expect(dv.getFloat64(at + 8, false)).toBe(e.time);
          expect(dv.getUint16(at + 20, false) * 2 ** 32 + dv.getUint32(at + 16, false)).toBe(e.offset);
          expect(dv.getUint16(at + 22, false)).toBe(e.part);
          expect(dv.getUint32(at + 24, false)).toBe(e.session);
          expect(dv.getUint16(at + 28, false)).toBe(e.code);
          expect(swapped[at + 30]).toBe(e.bits);
        });
        swapEntries(swapped, 0, entries.length);
        expect(Buffer.from(swapped).equals(Buffer.from(le))).toBe(true);
      }),
      { numRuns: 50 },
    );
  });
});
