/**
 * SessionIndex: a capture opened session by session gives exactly what the
 * reader gives (counts, metadata, every record of every session), whether
 * its index is built, loaded, caught up or rebuilt — and a damaged, hostile
 * or stale index, a damaged capture or a big-endian one is handled as the
 * reader handles it: rebuilt with a note, damage stepped over and reported.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureWriter } from './writer';
import { CaptureReader } from './reader';
import { SessionIndex } from './session-index';
import { indexPath, listParts } from './parts';
import { ENTRY_SIZE, INDEX_HEADER_SIZE } from './index-table';
import { type CapturedRecord } from './captured-record';
import { sessionMeta, up2Record } from '../../test-support/capture/sample-records';
import { toBigEndian } from '../../test-support/capture/big-endian';

let dir: string;
let path: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otb-sidx-'));
  path = join(dir, 'c.pcapng');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Sessions 1…sessions interleaved round-robin, `per` records each; small rotation makes several parts. */
async function write(sessions: number, per: number, rotateBytes = 0): Promise<void> {
  const w = await CaptureWriter.open(path, { rotateBytes, overwrite: true });
  for (let s = 1; s <= sessions; s++) w.writeSession(sessionMeta(s, { account: `acc${s}` }));
  let id = 0;
  for (let k = 0; k < per; k++) {
    for (let s = 1; s <= sessions; s++) {
      id++;
      const code = k === 0 ? 0x01 : k % 7 === 3 ? 0x7f : 0x20 + (k % 5);
      w.writeRecord(up2Record(id, code, { k, s, pad: 'x'.repeat((id * 37) % 300) }, { session: s, dir: k % 2 ? 's2c' : 'c2s' }));
    }
  }
  await w.close();
}

const view = (r: CapturedRecord): unknown => ({ id: r.id, session: r.session, dir: r.dir, type: r.type, time: r.time, body: r.body, part: r.part, offset: r.offset });

/** What the reader gives for the same capture: per session, its records; and the session list. */
async function readerView(p = path): Promise<{ records: Map<number, unknown[]>; metas: unknown[] }> {
  const reader = await CaptureReader.open(p, { persistIndex: false });
  const records = new Map<number, unknown[]>();
  for await (const r of reader.records()) {
    let l = records.get(r.session);
    if (!l) records.set(r.session, (l = []));
    l.push(view(r));
  }
  const metas = (await reader.sessions()).filter((m) => Object.keys(m).length > 1);
  await reader.close();
  return { records, metas };
}

async function indexView(ix: SessionIndex): Promise<{ records: Map<number, unknown[]>; metas: unknown[] }> {
  const records = new Map<number, unknown[]>();
  for (const e of ix.sessionEntries()) records.set(e.session, (await ix.records(e.session)).map(view));
  return { records, metas: await ix.sessionMetas() };
}

describe('opening a capture session by session', () => {
  it('gives every session the reader gives, with the same records, built, then loaded from the saved index', async () => {
    await write(5, 40, 16 * 1024);
    expect((await listParts(path)).length).toBeGreaterThan(2);
    await rm(indexPath(path));
    const want = await readerView();
    const built = await SessionIndex.open(path, { watchCodes: [0x01, 0x7f] });
    expect(built.index.state).toBe('built');
    expect(built.index.saved).toBe(true);
    expect(built.messages).toBe(200);
    expect(await indexView(built)).toEqual(want);
    const s3 = built.entriesOf(3)!;
    expect([s3.messages, s3.c2s, s3.s2c, s3.count(0x01, false), s3.count(0x01, true), s3.count(0x7f, true), s3.count(0x7f, false), s3.count(0x55, false)]).toEqual([40, 20, 20, 1, 0, 3, 3, 0]);
    expect(built.warnings).toEqual([]);
    await built.close();

    // The index it wrote is the reader's, byte for byte.
    const saved = await readFile(indexPath(path));
    await CaptureReader.open(path, { rebuildIndex: true }).then((r) => r.close());
    expect(Buffer.compare(saved, await readFile(indexPath(path)))).toBe(0);

    const loaded = await SessionIndex.open(path);
    expect(loaded.index.state).toBe('loaded');
    expect(loaded.index.saved).toBe(false);
    expect(await indexView(loaded)).toEqual(want);
    expect(loaded.warnings).toEqual([]);
    expect(await loaded.records(3, { limit: 2, bytes: false })).toHaveLength(2);
    expect(await loaded.records(99)).toEqual([]);
    await loaded.close();
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('writes an index bigger than its write chunks, and rebuilds one when asked, quietly', async () => {
    const w = await CaptureWriter.open(path, { rotateBytes: 0 });
    for (let id = 1; id <= 20_000; id++) w.writeRecord(up2Record(id, 0x20, { id }, { session: 1 + (id % 3) }));
    await w.close();
    const writers = await readFile(indexPath(path));
    await rm(indexPath(path));
    const built = await SessionIndex.open(path);
    expect([built.index.state, built.index.entries, built.messages]).toEqual(['built', 20_000, 20_000]);
    await built.close();
    expect(Buffer.compare(await readFile(indexPath(path)), writers)).toBe(0);
    const again = await SessionIndex.open(path, { rebuildIndex: true, persistIndex: false });
    expect([again.index.state, again.index.saved, again.warnings]).toEqual(['rebuilt', false, []]);
    expect(again.sessionEntries().map((e) => e.messages)).toEqual([6666, 6667, 6667]);
    expect((await again.records(2)).map((r) => r.id)).toEqual(Array.from({ length: 6667 }, (_, i) => 1 + i * 3));
    await again.close();
  }, 60_000);

  it('catches up an index that stops short of its capture, and saves it whole', async () => {
    await write(3, 30);
    const full = await readFile(indexPath(path));
    await writeFile(indexPath(path), full.subarray(0, INDEX_HEADER_SIZE + 50 * ENTRY_SIZE + 7));
    const ix = await SessionIndex.open(path);
    expect(ix.index.state).toBe('caught-up');
    expect(ix.index.added).toBe(full.length / ENTRY_SIZE - 1 - 50);
    expect(await indexView(ix)).toEqual(await readerView());
    await ix.close();
    expect(Buffer.compare(await readFile(indexPath(path)), full)).toBe(0);
  });

  it('drops entries whose blocks were cut off with the capture, and says the capture is truncated', async () => {
    await write(2, 30);
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, bytes.length - 100));
    const ix = await SessionIndex.open(path, { persistIndex: false });
    expect(ix.index.state).toBe('caught-up');
    expect(ix.warnings.map((w) => w.kind)).toEqual(['truncated']);
    expect(await indexView(ix)).toEqual(await readerView());
    expect(ix.messages).toBe(59);
    await ix.close();
  });

  it('reads a big-endian capture as the little-endian one', async () => {
    await write(3, 10);
    const le = await SessionIndex.open(path);
    const leView = await indexView(le);
    await le.close();
    const bePath = join(dir, 'be.pcapng');
    await writeFile(bePath, toBigEndian(await readFile(path)));
    const be = await SessionIndex.open(bePath);
    expect(be.index.state).toBe('built');
    expect(be.warnings).toEqual([]);
    expect(await indexView(be)).toEqual(leView);
    await be.close();
    const again = await SessionIndex.open(bePath);
    expect(again.index.state).toBe('loaded');
    await again.close();
  });

  it('does not write the index while the capture is being written, and leaves no file behind', async () => {
    const w = await CaptureWriter.open(path);
    w.writeSession(sessionMeta(1));
    for (let id = 1; id <= 20; id++) w.writeRecord(up2Record(id, 0x20, { id }, { session: 1 }));
    await w.flush();
    await rm(indexPath(path), { force: true });
    const ix = await SessionIndex.open(path);
    expect(ix.index.saved).toBe(false);
    expect(ix.messages).toBe(20);
    await ix.close();
    await w.close();
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('an index that cannot be saved is a warning, not a failure', async () => {
    await write(2, 5);
    await rm(indexPath(path));
    await mkdir(join(indexPath(path), 'in-the-way'), { recursive: true });
    const ix = await SessionIndex.open(path);
    expect(ix.index.saved).toBe(false);
    expect(ix.warnings.some((w) => w.kind === 'index' && w.message.startsWith('index not saved'))).toBe(true);
    expect(ix.messages).toBe(10);
    await ix.close();
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('an index that does not check out is rebuilt, saying why', () => {
  const cases: [string, (idx: Buffer) => Buffer, RegExp][] = [
    ['wrong magic', (b) => (b.write('NOTANIDX', 0), b), /wrong magic/],
    ['another version', (b) => (b.writeUInt32LE(9, 8), b), /index version 9/],
    ['another capture', (b) => (b.writeUInt8(b[16]! ^ 0xff, 16), b), /another capture/],
    ['more entries than the capture could have', (b) => Buffer.concat([b, Buffer.alloc(ENTRY_SIZE * 100_000)]), /more entries than the capture/],
    ['entries out of order', (b) => swapEntries(b, 10, 11), /not after the entry before it/],
    ['an entry off a block boundary', (b) => (b.writeUInt32LE(b.readUInt32LE(at(20) + 16) + 2, at(20) + 16), b), /not after|block boundary|does not/],
    ['unknown flag bits', (b) => (b.writeUInt8(0x80, at(12) + 30), b), /unknown flag bits/],
    ['a part that is not there', (b) => (b.writeUInt16LE(7, at(30) + 22), b), /part 7/],
    ['an entry that names the wrong record', (b) => (b.writeDoubleLE(999_999, at(Math.floor((61 * 8) / 17)) + 0), b), /does not match its block/],
    ['a header cut short', (b) => b.subarray(0, 20), /shorter than its header/],
  ];
  for (const [what, damage, why] of cases) {
    it(what, async () => {
      await write(2, 30);
      const want = await readerView();
      const good = await readFile(indexPath(path));
      await writeFile(indexPath(path), damage(Buffer.from(good)));
      const ix = await SessionIndex.open(path);
      expect(ix.index.state).toBe('rebuilt');
      expect(ix.warnings).toHaveLength(1);
      expect(ix.warnings[0]!.kind).toBe('index');
      expect(ix.warnings[0]!.message).toMatch(/^index rebuilt: /);
      expect(ix.warnings[0]!.message).toMatch(why);
      expect(await indexView(ix)).toEqual(want);
      await ix.close();
      expect(Buffer.compare(await readFile(indexPath(path)), good)).toBe(0);
    });
  }
});

const at = (i: number): number => INDEX_HEADER_SIZE + i * ENTRY_SIZE;
function swapEntries(b: Buffer, i: number, j: number): Buffer {
  const a = Buffer.from(b.subarray(at(i), at(i) + ENTRY_SIZE));
  b.copy(b, at(i), at(j), at(j) + ENTRY_SIZE);
  a.copy(b, at(j));
  return b;
}

describe('hostile input', () => {
  it('property: random damage to the capture or its index gives the reader’s sessions and records, or a CaptureError — never a crash or a wrong record', async () => {
    await write(3, 12);
    const capture = await readFile(path);
    const index = await readFile(indexPath(path));
    const original = await readerView();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('capture', 'index'),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.option(fc.nat(), { nil: undefined }),
        async (target, edits, cut) => {
          const p = join(dir, `case-${n++}.pcapng`);
          const c = Buffer.from(capture);
          const x = Buffer.from(index);
          const victim = target === 'capture' ? c : x;
          for (const [pos, v] of edits) victim[pos % victim.length] = v;
          const cutC = target === 'capture' && cut !== undefined ? c.subarray(0, cut % c.length) : c;
          await writeFile(p, cutC);
          await writeFile(indexPath(p), target === 'index' && cut !== undefined ? x.subarray(0, cut % x.length) : x);
          const want = await readerView(p).catch((e: unknown) => e);
          const got = await SessionIndex.open(p, { persistIndex: false }).then(
            async (ix) => {
              try {
                const v = await indexView(ix);
                return { ...v, leftOut: ix.warnings.filter((w) => w.message.includes('left out')).length };
              } finally {
                await ix.close();
              }
            },
            (e: unknown) => e,
          );
          if (want instanceof Error) {
            expect((got as Error).message).toBe(want.message);
          } else {
            expect(got).not.toBeInstanceOf(Error);
            const w = want as typeof original;
            const g = got as Awaited<ReturnType<typeof indexView>> & { leftOut: number };
            // The reader's, or — when a stricter check rebuilt the index the reader used — the capture's own.
            expect(target === 'capture' ? [w.metas] : [w.metas, original.metas]).toContainEqual(g.metas);
            // Only true records, each in its own session. With the capture damaged, the reader's records are the truth and none is
            // lost but those a damaged entry put in another session (each named in a warning); with the index damaged, the
            // capture's own records are, and what an index stricter than the reader's rebuilt is found again.
            const truthView = target === 'capture' ? w : original;
            const truth = new Map([...truthView.records.values()].flat().map((r) => [(r as { id: number }).id, r]));
            let total = 0;
            for (const [s, list] of g.records) {
              for (const r of list) expect([(r as { session: number }).session, r]).toEqual([s, truth.get((r as { id: number }).id)]);
              total += list.length;
            }
            const count = (v: typeof original): number => [...v.records.values()].reduce((k, l) => k + l.length, 0);
            if (target === 'capture') expect(total + g.leftOut).toBe(count(w));
            else {
              expect(total + g.leftOut).toBeGreaterThanOrEqual(count(w));
              expect(total + g.leftOut).toBeLessThanOrEqual(count(original));
            }
          }
          await rm(p, { force: true });
          await rm(indexPath(p), { force: true });
        },
      ),
      { numRuns: 40 },
    );
    expect((await stat(path)).size).toBe(capture.length);
  }, 120_000);
});
