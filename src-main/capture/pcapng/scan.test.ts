import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { newScanState, NotPcapngError, scanWindow, type RawBlock, type ScanIssue, type ScanState } from './scan';
import { encodeCustomBlock, encodeEpb, encodeIdb, encodeShb, optComment } from './encode';
import { BlockType, MAX_BLOCK_BYTES } from './constants';

const concat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

function sample(): { file: Uint8Array; blocks: Uint8Array[] } {
  const blocks = [
    encodeShb([optComment('test')]),
    encodeIdb(252, []),
    encodeEpb({ interfaceId: 0, timestamp: 1, data: [Uint8Array.of(1, 2, 3)], options: [] }),
    encodeCustomBlock(32473, new TextEncoder().encode('{"kind":"session","session":1}'), { padByte: 0x20 }),
    encodeEpb({ interfaceId: 0, timestamp: 2, data: [new Uint8Array(100).fill(7)], options: [optComment('x')] }),
  ];
  return { file: concat(...blocks), blocks };
}

/** Scans a whole buffer as a reader would, window by window, feeding `need` back. */
function scanAll(file: Uint8Array, window = 64): { blocks: RawBlock[]; issues: ScanIssue[]; end: number; truncated: boolean } {
  const state: ScanState = newScanState();
  const blocks: RawBlock[] = [];
  const issues: ScanIssue[] = [];
  let pos = 0;
  let want = window;
  for (let rounds = 0; rounds < 100_000; rounds++) {
    const w = file.subarray(pos, Math.min(file.length, pos + Math.max(want, window)));
    const r = scanWindow(w, pos, file.length, state);
    blocks.push(...r.blocks);
    issues.push(...r.issues);
    if (r.need > 0) {
      want = r.need;
      pos = r.next;
      continue;
    }
    if (r.atTruncatedEnd || r.next >= file.length) return { blocks, issues, end: r.next, truncated: r.atTruncatedEnd };
    pos = r.next;
    want = window;
  }
  throw new Error('scan did not finish');
}

describe('scanWindow', () => {
  it('splits a file into its blocks, in any window size', () => {
    const { file, blocks } = sample();
    for (const w of [8, 13, 64, 4096]) {
      const r = scanAll(file, w);
      expect(r.issues).toEqual([]);
      expect(r.blocks.map((b) => b.length)).toEqual(blocks.map((b) => b.length));
      expect(r.blocks.map((b) => b.type)).toEqual([BlockType.SHB, BlockType.IDB, BlockType.EPB, BlockType.CB_COPY, BlockType.EPB]);
      expect(r.end).toBe(file.length);
    }
  });

  it('reports a truncated last block and keeps the blocks before it', () => {
    const { file, blocks } = sample();
    const whole = blocks.slice(0, 4).reduce((n, b) => n + b.length, 0);
    const cut = file.subarray(0, whole + 30);
    const r = scanAll(cut);
    expect(r.blocks).toHaveLength(4);
    expect(r.truncated).toBe(true);
    expect(r.end).toBe(whole);
    expect(r.issues).toEqual([{ kind: 'truncated', offset: whole, declared: blocks[4]!.length, available: 30 }]);
  });

  it('steps over a block with a damaged length to the next valid one', () => {
    const { file, blocks } = sample();
    const at = blocks[0]!.length + blocks[1]!.length; // the first EPB
    const bad = new Uint8Array(file);
    new DataView(bad.buffer).setUint32(at + 4, 0x00ff_fff0, true); // under the limit, but past the end of the file
    const r = scanAll(bad);
    expect(r.blocks.map((b) => b.offset)).toEqual([0, blocks[0]!.length, at + blocks[2]!.length, at + blocks[2]!.length + blocks[3]!.length]);
    expect(r.issues).toEqual([{ kind: 'corrupt', offset: at, reason: expect.stringMatching(/past the end of the file/), resumedAt: at + blocks[2]!.length }]);
  });

  it('steps over a block whose trailing length disagrees', () => {
    const { file, blocks } = sample();
    const at = blocks[0]!.length + blocks[1]!.length;
    const bad = new Uint8Array(file);
    new DataView(bad.buffer).setUint32(at + blocks[2]!.length - 4, 12345, true);
    const r = scanAll(bad);
    expect(r.blocks).toHaveLength(4);
    expect(r.issues[0]).toMatchObject({ kind: 'corrupt', offset: at, reason: expect.stringMatching(/trailing length says 12345/) });
  });

  it('refuses lengths over the limit, under 12 or not a multiple of 4, without reading that far', () => {
    const { file, blocks } = sample();
    const at = blocks[0]!.length + blocks[1]!.length;
    for (const len of [MAX_BLOCK_BYTES + 4, 0xffff_fffc, 8, 4, 0, 101]) {
      const bad = new Uint8Array(file);
      new DataView(bad.buffer).setUint32(at + 4, len, true);
      const r = scanWindow(bad, 0, bad.length, newScanState());
      expect(r.need, `length ${len}`).toBe(0);
      expect(r.issues[0], `length ${len}`).toMatchObject({ kind: 'corrupt', offset: at });
      expect(r.blocks).toHaveLength(4);
    }
  });

  it('reads big-endian sections and switches order at each section header', () => {
    const le = sample().file;
    const be = concat(beShb(), beBlock(1, [0, 252, 0, 0, 0, 0, 0, 0]));
    const r = scanAll(concat(be, le));
    expect(r.issues).toEqual([]);
    expect(r.blocks.map((b) => [b.type, b.littleEndian, b.section])).toEqual([
      [BlockType.SHB, false, 0],
      [BlockType.IDB, false, 0],
      [BlockType.SHB, true, 1],
      [BlockType.IDB, true, 1],
      [BlockType.EPB, true, 1],
      [BlockType.CB_COPY, true, 1],
      [BlockType.EPB, true, 1],
    ]);
  });

  it('skips sections of an unknown major version, with a warning', () => {
    const shb2 = encodeShb([]);
    new DataView(shb2.buffer).setUint16(12, 2, true);
    const r = scanAll(concat(shb2, encodeIdb(252, []), sample().file));
    expect(r.issues).toEqual([{ kind: 'unsupported-section', offset: 0, version: '2.0' }]);
    expect(r.blocks.map((b) => b.type)).toEqual([BlockType.SHB, BlockType.SHB, BlockType.IDB, BlockType.EPB, BlockType.CB_COPY, BlockType.EPB]);
  });

  it('says what a file that is no pcapng is', () => {
    const err = (bytes: number[] | string): string => {
      const b = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : Uint8Array.from(bytes);
      try {
        scanWindow(b, 0, b.length, newScanState());
      } catch (e) {
        expect(e).toBeInstanceOf(NotPcapngError);
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(err([0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0])).toMatch(/classic pcap/);
    expect(err('{"kind":"capture"}\n')).toMatch(/NDJSON/);
    expect(err([1, 2, 3, 4, 5, 6, 7, 8, 9])).toMatch(/must start with a section header block.*01 02 03 04/);
    // An SHB type with a byte-order magic in neither order.
    expect(err([0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 1, 2, 3, 4, 0, 0, 0, 0])).toMatch(/section header/);
  });

  it('never throws (past the first block) nor loops on random bytes after a valid header', () => {
    const head = concat(encodeShb([]), encodeIdb(252, []));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.integer({ min: 8, max: 300 }), (tail, window) => {
        const file = concat(head, tail);
        const r = scanAll(file, window);
        expect(r.blocks.length).toBeGreaterThanOrEqual(2);
        for (const b of r.blocks) expect(b.offset + b.length).toBeLessThanOrEqual(file.length);
      }),
      { numRuns: 300 },
    );
  });

  it('finds every intact block around random damage', () => {
    const { file, blocks } = sample();
    const offsets = blocks.reduce<number[]>((acc, b, i) => [...acc, (acc[i - 1] ?? 0) + (i ? blocks[i - 1]!.length : 0)], []);
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 4 }), fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 255 }), (victim, pos, xor) => {
        const bad = new Uint8Array(file);
        // Damage one of the victim block's length fields.
        const field = pos % 2 === 0 ? offsets[victim]! + 4 : offsets[victim]! + blocks[victim]!.length - 4;
        bad[field + (pos % 4)]! ^= xor;
        const r = scanAll(bad, 64);
        const intact = offsets.filter((_, i) => i !== victim);
        for (const o of intact) expect(r.blocks.map((b) => b.offset)).toContain(o);
      }),
      { numRuns: 300 },
    );
  });
});

function beShb(): Uint8Array {
  const b = new Uint8Array(28);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, 0x0a0d0d0a, false);
  dv.setUint32(4, 28, false);
  dv.setUint32(8, 0x1a2b3c4d, false);
  dv.setUint16(12, 1, false);
  dv.setInt32(16, -1, false);
  dv.setInt32(20, -1, false);
  dv.setUint32(24, 28, false);
  return b;
}

function beBlock(type: number, body: number[]): Uint8Array {
  const len = 12 + body.length;
  const b = new Uint8Array(len);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, type, false);
  dv.setUint32(4, len, false);
  b.set(body, 8);
  dv.setUint32(len - 4, len, false);
  return b;
}
