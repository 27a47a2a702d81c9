/**
 * Damaged, foreign and hostile files: the reader names what is wrong, keeps
 * everything it can, and never crashes, hangs or trusts a length it has not
 * checked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureWriter } from './writer';
import { CaptureReader } from './reader';
import { CaptureError } from './errors';
import { indexPath } from './parts';
import { encodeEpb, encodeIdb, encodeShb } from './pcapng/encode';
import { type MessageRecord } from '../../src-shared/records';
import { sessionMeta, up2Record } from '../../test-support/capture/sample-records';
import { toBigEndian } from '../../test-support/capture/big-endian';

let dir: string;
let original: Buffer;
const records: MessageRecord[] = [];
/** Offsets where each block starts, and the file length at the end. */
const boundaries: number[] = [];
let n = 0;

async function readAll(bytes: Uint8Array, opts: { keepIndex?: boolean } = {}): Promise<{ ids: number[]; reader: CaptureReader }> {
  const path = join(dir, `case-${n++}.pcapng`);
  await writeFile(path, bytes);
  if (opts.keepIndex) await writeFile(indexPath(path), await readFile(indexPath(join(dir, 'orig.pcapng'))));
  const reader = await CaptureReader.open(path, { persistIndex: false });
  const ids: number[] = [];
  for await (const r of reader.records()) ids.push(r.id);
  await reader.close();
  await rm(path, { force: true });
  return { ids, reader };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otb-robust-'));
  for (let id = 1; id <= 12; id++) records.push(up2Record(id, 0x21, { action: 'walk', args: { step: id } }, { session: 1, dir: id % 2 ? 'c2s' : 's2c' }));
  const path = join(dir, 'orig.pcapng');
  const w = await CaptureWriter.open(path);
  w.writeSession(sessionMeta(1));
  for (const r of records) w.writeRecord(r);
  await w.close();
  original = await readFile(path);
  let p = 0;
  while (p < original.length) {
    boundaries.push(p);
    p += original.readUInt32LE(p + 4);
  }
  boundaries.push(p);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('byte order', () => {
  it('reads a big-endian capture exactly like the little-endian one', async () => {
    const path = join(dir, 'be.pcapng');
    await writeFile(path, toBigEndian(original));
    const be = await CaptureReader.open(path, { persistIndex: false });
    const le = await CaptureReader.open(join(dir, 'orig.pcapng'), { persistIndex: false });
    const all = async (r: CaptureReader): Promise<unknown[]> => {
      const out: unknown[] = [];
      for await (const x of r.records()) out.push({ ...x.summary(), body: x.body, plain: Buffer.from(x.plain!).toString('hex'), src: x.src });
      return out;
    };
    expect(await all(be)).toEqual(await all(le));
    expect(await be.sessions()).toEqual(await le.sessions());
    expect(be.warnings).toEqual([]);
    await be.close();
    await le.close();
  });
});

describe('byte order, mixed', () => {
  it('a little-endian capture with a big-endian one appended (cat): both indexed, the second one\'s packets skipped with warnings', async () => {
    const path = join(dir, 'mixed.pcapng');
    await writeFile(path, Buffer.concat([original, toBigEndian(original)]));
    const reader = await CaptureReader.open(path, { persistIndex: false });
    expect(reader.recordCount).toBe(2 * records.length);
    const ids: number[] = [];
    for await (const r of reader.records()) ids.push(r.id);
    expect(ids).toEqual(records.map((r) => r.id)); // the first section's, read as they are
    const skipped = reader.warnings.filter((w) => w.kind === 'skipped-block');
    expect(skipped).toHaveLength(records.length);
    for (const w of skipped) expect(w.offset).toBeGreaterThanOrEqual(original.length);
    await reader.close();
  });
});

describe('truncation', () => {
  it('at any offset: every whole block before the cut is read and the cut is reported', async () => {
    const headerEnd = boundaries[2]!; // SHB + IDB
    const cuts = new Set<number>();
    for (let c = headerEnd; c < original.length; c += 13) cuts.add(c);
    for (const b of boundaries.slice(2)) for (const d of [-1, 0, 1, 4, 8]) if (b + d >= headerEnd && b + d <= original.length) cuts.add(b + d);
    for (const cut of [...cuts].sort((a, b) => a - b)) {
      const { ids, reader } = await readAll(original.subarray(0, cut));
      const whole = boundaries.filter((b) => b <= cut);
      const lastWholeEnd = whole[whole.length - 1]!;
      // Blocks: SHB, IDB, session block, then one per record.
      const recordsWhole = Math.max(0, whole.length - 1 - 3);
      expect(ids, `cut at ${cut}`).toEqual(records.slice(0, recordsWhole).map((r) => r.id));
      expect(reader.truncatedTail, `cut at ${cut}`).toBe(cut !== lastWholeEnd);
      const truncated = reader.warnings.filter((w) => w.kind === 'truncated');
      expect(truncated.length, `cut at ${cut}`).toBe(cut !== lastWholeEnd ? 1 : 0);
      if (truncated[0]) expect(truncated[0].offset).toBe(lastWholeEnd);
    }
  });

  it('inside the section header: a clear error, no crash', async () => {
    for (const cut of [0, 3, 4, 11, 12, 30, boundaries[1]! - 1]) {
      const path = join(dir, `h${cut}.pcapng`);
      await writeFile(path, original.subarray(0, cut));
      const err = await CaptureReader.open(path).catch((e: unknown) => e);
      expect(err, `cut at ${cut}`).toBeInstanceOf(CaptureError);
      expect((err as CaptureError).message).toContain(path);
      expect(['NOT_PCAPNG', 'BAD_HEADER']).toContain((err as CaptureError).code);
    }
  });

  it('with a stale index that points into the cut part: the index is repaired', async () => {
    const cut = boundaries[8]! + 20;
    const { ids, reader } = await readAll(original.subarray(0, cut), { keepIndex: true });
    expect(ids).toEqual(records.slice(0, 8 - 3).map((r) => r.id));
    expect(reader.index.state).toBe('caught-up');
  });
});

describe('corruption', () => {
  it('a block with a damaged length is skipped with a warning; the ones after it are read', async () => {
    const bad = Buffer.from(original);
    const victim = 6; // the 3rd record
    bad.writeUInt32LE(0x7fff_fff0, boundaries[victim]! + 4);
    const { ids, reader } = await readAll(bad);
    expect(ids).toEqual(records.filter((_, i) => i !== victim - 3).map((r) => r.id));
    expect(reader.warnings).toEqual([expect.objectContaining({ kind: 'corrupt', offset: boundaries[victim] })]);
    expect(reader.warnings[0]!.message).toMatch(/skipped \d+ bytes to the next valid block/);
  });

  it('a packet whose Exported PDU tags are garbage is skipped with a warning naming it', async () => {
    const bad = Buffer.from(original);
    const at = boundaries[4]! + 28; // the packet data of the 2nd record
    bad.writeUInt16BE(12, at);
    bad.writeUInt16BE(0xfff0, at + 2); // tag length far past the packet
    const { ids, reader } = await readAll(bad);
    expect(ids).toEqual(records.filter((_, i) => i !== 1).map((r) => r.id));
    expect(reader.warnings).toEqual([expect.objectContaining({ kind: 'skipped-block', offset: boundaries[4], message: expect.stringMatching(/tag 12 declares 65520 bytes/) })]);
  });

  it('an EPB whose captured length runs past its block is skipped', async () => {
    const bad = Buffer.from(original);
    bad.writeUInt32LE(0x00ff_ffff, boundaries[3]! + 20); // the 1st record's captured length
    const { ids, reader } = await readAll(bad);
    expect(ids).toEqual(records.slice(1).map((r) => r.id));
    expect(reader.warnings[0]).toMatchObject({ kind: 'skipped-block', message: expect.stringMatching(/captured bytes, past the end of its block/) });
  });

  it('random damage anywhere after the header: never a crash, every untouched record survives', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: boundaries[2]!, max: original.length - 1 }), fc.integer({ min: 1, max: 255 }), fc.integer({ min: 1, max: 8 }), async (at, xor, span) => {
        const bad = Buffer.from(original);
        for (let i = at; i < Math.min(bad.length, at + span); i++) bad[i]! ^= xor;
        const { ids } = await readAll(bad);
        // Records whose blocks lie wholly outside the damage and not next to it are all there.
        const damagedBlocks = boundaries.filter((b, i) => i < boundaries.length - 1 && b < at + span && boundaries[i + 1]! > at).map((b) => boundaries.indexOf(b));
        for (let i = 0; i < records.length; i++) {
          const block = i + 3;
          if (damagedBlocks.some((d) => Math.abs(d - block) <= 1)) continue;
          expect(ids).toContain(records[i]!.id);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('random bytes after a valid header: no crash, no hang', async () => {
    const head = Buffer.concat([encodeShb([]), encodeIdb(252, [])]);
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), async (tail) => {
        const { ids } = await readAll(Buffer.concat([head, tail]));
        expect(Array.isArray(ids)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('random files: only CaptureErrors, naming the file', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
        const path = join(dir, 'rand.pcapng');
        await writeFile(path, bytes);
        const r = await CaptureReader.open(path, { persistIndex: false }).catch((e: unknown) => e);
        if (r instanceof CaptureReader) await r.close();
        else {
          expect(r).toBeInstanceOf(CaptureError);
          expect((r as Error).message).toContain(path);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('foreign files', () => {
  it('a capture of another link type is refused, saying which', async () => {
    const path = join(dir, 'eth.pcapng');
    await writeFile(path, Buffer.concat([encodeShb([]), encodeIdb(1, []), encodeEpb({ interfaceId: 0, timestamp: 1, data: [new Uint8Array(60)], options: [] })]));
    await expect(CaptureReader.open(path)).rejects.toMatchObject({ code: 'WRONG_LINK_TYPE', message: expect.stringMatching(/link type 1; otbridge captures use 252/) });
  });

  it('a classic pcap file is refused with the way to convert it', async () => {
    const path = join(dir, 'old.pcap');
    const h = Buffer.alloc(24);
    h.writeUInt32LE(0xa1b2c3d4, 0);
    await writeFile(path, h);
    await expect(CaptureReader.open(path)).rejects.toMatchObject({ code: 'NOT_PCAPNG', message: expect.stringMatching(/classic pcap.*editcap/) });
  });

  it('a missing file is NOT_FOUND', async () => {
    await expect(CaptureReader.open(join(dir, 'nope.pcapng'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('Exported PDUs without otbridge metadata (another tool wrote them) are still read from the PDU', async () => {
    const rec = records[0]!;
    const tags = Buffer.from([0, 12, 0, 4, 0x75, 0x70, 0x32, 0, 0, 0, 0, 0]); // dissector "up2", end
    const pdu = Buffer.concat([Buffer.from(rec.wire!)]);
    const path = join(dir, 'foreign.pcapng');
    await writeFile(path, Buffer.concat([encodeShb([]), encodeIdb(252, []), encodeEpb({ interfaceId: 0, timestamp: 5_000_000, data: [tags, pdu], options: [] })]));
    const reader = await CaptureReader.open(path, { persistIndex: false });
    const got = [];
    for await (const r of reader.records()) got.push(r);
    expect(got).toHaveLength(1);
    // No packet id: the packet's position stands in for one (the EPB follows the 28-byte SHB and 20-byte IDB).
    expect(got[0]).toMatchObject({ id: 48, dialect: 'up2', type: rec.type, code: rec.code, seq: rec.seq, time: 5000 });
    expect((await reader.get(48))?.type).toBe(rec.type);
    expect(got[0]!.body).toEqual(rec.body);
    await reader.close();
  });
});
