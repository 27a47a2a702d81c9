import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm, stat, writeFile, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureWriter } from './writer';
import { CaptureReader } from './reader';
import { type CapturedRecord } from './captured-record';
import { indexPath, lockPath, partPath } from './parts';
import { CaptureError } from './errors';
import { type MessageRecord } from '../../src-shared/records';
import { everyTypeRecords, sessionMeta, T0, up2Record } from '../../test-support/capture/sample-records';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otb-cap-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What a record must read back as: the summary rounded to µs, the bytes the capture keeps. */
function expected(r: MessageRecord): Record<string, unknown> {
  const { wire: _w, plain: _p, body: _b, ...summary } = r;
  return { ...summary, time: Math.round(r.time * 1000) / 1000 };
}

async function collect(reader: CaptureReader, q = {}): Promise<CapturedRecord[]> {
  const out = [];
  for await (const r of reader.records(q)) out.push(r);
  return out;
}

async function writeCapture(path: string, records: readonly MessageRecord[], opts = {}): Promise<CaptureWriter> {
  const w = await CaptureWriter.open(path, opts);
  const sessions = new Set(records.map((r) => r.session));
  for (const s of sessions) w.writeSession(sessionMeta(s));
  for (const r of records) expect(w.writeRecord(r)).toBe(true);
  for (const s of sessions) w.writeSession({ session: s, end: T0 + 60_000, closeReason: 'client closed' });
  await w.close();
  return w;
}

describe('CaptureWriter → CaptureReader', () => {
  it('reads back every record of every catalogue type with its summary, bytes and body', async () => {
    const path = join(dir, 'all.pcapng');
    const records = everyTypeRecords();
    await writeCapture(path, records);
    const reader = await CaptureReader.open(path);
    const got = await collect(reader);
    expect(got).toHaveLength(records.length);
    got.forEach((r, i) => {
      const want = records[i]!;
      expect(r.summary()).toEqual(expected(want));
      if (want.plain) {
        expect(r.pdu).toBe('plain');
        expect(Buffer.from(r.plain!).equals(Buffer.from(want.plain))).toBe(true);
        expect(r.wire).toBeUndefined();
      } else {
        expect(r.pdu).toBe('wire');
        expect(Buffer.from(r.wire!).equals(Buffer.from(want.wire!))).toBe(true);
      }
      expect(r.body).toEqual(want.body);
      expect(r.src).toEqual(r.dir === 'c2s' ? { address: '127.0.0.1', port: 50_001 } : { address: '127.0.0.1', port: 7180 });
    });
    expect(reader.warnings).toEqual([]);
    expect(reader.truncatedTail).toBe(false);
    await reader.close();
  });

  it('keeps the latest metadata of each session, secrets removed', async () => {
    const path = join(dir, 's.pcapng');
    const w = await CaptureWriter.open(path);
    w.writeSession(sessionMeta(1));
    w.writeSession(sessionMeta(2, { mode: 'passthrough' }));
    w.writeRecord(up2Record(1, 5, { t: 1 }, { session: 1 }));
    w.writeSession({ session: 1, account: 'demo', password: 'hunter2', accessToken: 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJhY2MtMSIsInNjb3BlIjpbInBsYXllciJdfQ.c2lnbmF0dXJl' });
    w.writeSession({ session: 1, end: T0 + 5, closeReason: 'logout' });
    await w.close();
    const reader = await CaptureReader.open(path);
    const sessions = await reader.sessions();
    expect(sessions.map((s) => s.session)).toEqual([1, 2]);
    const s1 = sessions[0]!;
    expect(s1).toMatchObject({ account: 'demo', end: T0 + 5, closeReason: 'logout', mode: 'decrypt', claims: { sub: 'acc-1', scope: ['player'] } });
    expect(s1.redacted).toEqual(expect.arrayContaining(['password', 'accessToken']));
    const raw = (await readFile(path)).toString('latin1');
    expect(raw).not.toContain('hunter2');
    expect(raw).not.toContain('c2lnbmF0dXJl');
    expect(sessions[1]).toMatchObject({ mode: 'passthrough' });
    await reader.close();
  });

  it('finds records by id, by session, by direction and by id range, and pages backwards', async () => {
    const path = join(dir, 'q.pcapng');
    const records: MessageRecord[] = [];
    for (let id = 1; id <= 300; id++) records.push(up2Record(id, 0x20, { direction: 'n' }, { session: (id % 3) + 1, dir: id % 2 ? 'c2s' : 's2c', seq: id }));
    await writeCapture(path, records);
    const reader = await CaptureReader.open(path);
    expect(reader.recordCount).toBe(300);
    expect((await reader.get(123))?.summary()).toEqual(expected(records[122]!));
    expect(await reader.get(301)).toBeUndefined();
    const s2 = await collect(reader, { session: 2 });
    expect(s2.map((r) => r.id)).toEqual(records.filter((r) => r.session === 2).map((r) => r.id));
    const s2c = await collect(reader, { session: 3, dir: 's2c' });
    expect(s2c.every((r) => r.session === 3 && r.dir === 's2c')).toBe(true);
    expect(s2c).toHaveLength(records.filter((r) => r.session === 3 && r.dir === 's2c').length);
    expect((await collect(reader, { fromId: 290, toId: 295 })).map((r) => r.id)).toEqual([290, 291, 292, 293, 294, 295]);
    expect((await collect(reader, { fromId: 10, limit: 3 })).map((r) => r.id)).toEqual([10, 11, 12]);

    let page = await reader.page({ limit: 50 });
    expect(page.records.map((r) => r.id)).toEqual(Array.from({ length: 50 }, (_, i) => 251 + i));
    expect(page.more).toBe(true);
    const seen: number[] = [];
    for (page = await reader.page({ limit: 64, session: 1 }); ; page = await reader.page({ limit: 64, session: 1, before: page.records[0]!.id })) {
      seen.unshift(...page.records.map((r) => r.id));
      if (!page.more) break;
    }
    expect(seen).toEqual(records.filter((r) => r.session === 1).map((r) => r.id));
    await reader.close();
  });

  it('rotates by size: each part is a valid capture with the open sessions, and the reader joins them', async () => {
    const path = join(dir, 'rot.pcapng');
    const records: MessageRecord[] = [];
    for (let id = 1; id <= 400; id++) records.push(up2Record(id, 0x21, { action: 'walk', args: { n: id, pad: 'x'.repeat(100) } }, { session: 7 }));
    const w = await CaptureWriter.open(path, { rotateBytes: 16 * 1024 });
    const rotations: string[] = [];
    w.on('rotate', (p) => rotations.push(p));
    w.writeSession(sessionMeta(7, { account: 'demo' }));
    for (const r of records) w.writeRecord(r);
    const stats = await w.close();
    expect(stats.parts).toBeGreaterThan(3);
    expect(rotations).toEqual(Array.from({ length: stats.parts - 1 }, (_, i) => partPath(path, i + 1)));
    const files = (await readdir(dir)).filter((f) => f.endsWith('.pcapng')).sort();
    expect(files).toEqual(['rot.0001.pcapng', ...files.slice(1, -1), 'rot.pcapng'].sort());
    for (const f of files) expect((await stat(join(dir, f))).size).toBeLessThanOrEqual(16 * 1024 + 2048);

    const reader = await CaptureReader.open(path);
    expect((await collect(reader)).map((r) => r.id)).toEqual(records.map((r) => r.id));
    await reader.close();

    // A part alone: its own header, the session's metadata, its records.
    const alone = await CaptureReader.open(partPath(path, 2), { persistIndex: false });
    const ids = (await collect(alone)).map((r) => r.id);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).toEqual(records.map((r) => r.id).filter((id) => ids.includes(id)));
    expect(await alone.sessions()).toEqual([expect.objectContaining({ session: 7, account: 'demo' })]);
    await alone.close();
  });

  it('refuses to replace a capture unless told to', async () => {
    const path = join(dir, 'x.pcapng');
    await writeCapture(path, everyTypeRecords().slice(0, 2));
    await expect(CaptureWriter.open(path)).rejects.toMatchObject({ code: 'EXISTS' });
    await writeCapture(path, everyTypeRecords().slice(0, 3), { overwrite: true });
    const reader = await CaptureReader.open(path);
    expect(reader.recordCount).toBe(3);
    await reader.close();
  });

  it('holds the lock while writing and removes it on close', async () => {
    const path = join(dir, 'l.pcapng');
    const w = await CaptureWriter.open(path);
    expect(JSON.parse(await readFile(lockPath(path), 'utf8'))).toMatchObject({ pid: process.pid });
    const reader = await CaptureReader.open(path);
    expect(reader.writer?.pid).toBe(process.pid);
    await reader.close();
    await w.close();
    await expect(stat(lockPath(path))).rejects.toThrow();
  });

  it('writes on the flush interval without being asked', async () => {
    const path = join(dir, 'f.pcapng');
    const w = await CaptureWriter.open(path, { flushIntervalMs: 20, flushBytes: 1 << 30 });
    const before = (await stat(path)).size;
    w.writeRecord(up2Record(1, 5, { t: 1 }));
    expect((await stat(path)).size).toBe(before);
    for (let i = 0; i < 100 && (await stat(path)).size === before; i++) await new Promise((r) => setTimeout(r, 10));
    expect((await stat(path)).size).toBeGreaterThan(before);
    await w.close();
  });

  it('drops and counts records beyond maxBufferedBytes instead of growing without bound', async () => {
    const path = join(dir, 'b.pcapng');
    const w = await CaptureWriter.open(path, { flushIntervalMs: 10_000, flushBytes: 1 << 30, maxBufferedBytes: 4096 });
    let accepted = 0;
    for (let id = 1; id <= 100; id++) if (w.writeRecord(up2Record(id, 0x21, { action: 'x'.repeat(200) }))) accepted++;
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(100);
    const stats = await w.close();
    expect(stats.dropped).toBe(100 - accepted);
    const reader = await CaptureReader.open(path);
    expect(reader.recordCount).toBe(accepted);
    await reader.close();
  });

  it('rejects an invalid record without throwing, and reports it', async () => {
    const path = join(dir, 'e.pcapng');
    const w = await CaptureWriter.open(path);
    const errors: Error[] = [];
    w.on('error', (e) => errors.push(e));
    expect(w.writeRecord({ ...up2Record(1, 5, { t: 1 }), id: -1 })).toBe(false);
    expect(w.writeRecord(up2Record(2, 5, { t: 1 }))).toBe(true);
    expect((await w.close()).dropped).toBe(1);
    expect(errors[0]).toBeInstanceOf(CaptureError);
    expect(errors[0]!.message).toMatch(/non-negative integer/);
  });

  it('after close, writes are dropped and counted', async () => {
    const w = await CaptureWriter.open(join(dir, 'c.pcapng'));
    await w.close();
    expect(w.writeRecord(up2Record(1, 5, { t: 1 }))).toBe(false);
    expect(w.stats.dropped).toBe(1);
  });
});

describe('the index', () => {
  async function setup(n = 50): Promise<string> {
    const path = join(dir, 'i.pcapng');
    const records: MessageRecord[] = [];
    for (let id = 1; id <= n; id++) records.push(up2Record(id, 5, { t: id }, { session: 1 + (id % 2) }));
    await writeCapture(path, records);
    return path;
  }

  it('is written as the capture is, and loaded without scanning', async () => {
    const path = await setup();
    const reader = await CaptureReader.open(path);
    expect(reader.index).toMatchObject({ state: 'loaded', added: 0, entries: 50 + 4 });
    await reader.close();
  });

  it('is built when missing and saved', async () => {
    const path = await setup();
    await rm(indexPath(path));
    const reader = await CaptureReader.open(path);
    expect(reader.index).toMatchObject({ state: 'built', entries: 54, saved: true });
    await reader.close();
    const again = await CaptureReader.open(path);
    expect(again.index.state).toBe('loaded');
    await again.close();
  });

  it('is caught up when it stops short (a crash between a batch and its entries)', async () => {
    const path = await setup();
    const idx = await readFile(indexPath(path));
    await writeFile(indexPath(path), idx.subarray(0, idx.length - 10 * 32 - 7));
    const reader = await CaptureReader.open(path);
    expect(reader.index).toMatchObject({ state: 'caught-up', entries: 54 });
    expect(reader.index.added).toBe(11);
    expect((await collect(reader)).map((r) => r.id)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    await reader.close();
  });

  it('is rebuilt when it belongs to another capture or points past the data', async () => {
    const path = await setup();
    const other = join(dir, 'other.pcapng');
    await writeCapture(other, [up2Record(1, 5, { t: 1 })]);
    await writeFile(indexPath(path), await readFile(indexPath(other)));
    let reader = await CaptureReader.open(path);
    expect(reader.index).toMatchObject({ state: 'rebuilt', entries: 54 });
    expect(reader.warnings[0]).toMatchObject({ kind: 'index', message: expect.stringMatching(/another capture/) });
    await reader.close();

    const size = (await stat(path)).size;
    await truncate(path, size - 600);
    reader = await CaptureReader.open(path);
    expect(reader.index.state).toBe('caught-up'); // entries past the end are dropped, the rest kept
    expect(reader.recordCount).toBeLessThan(50);
    expect(reader.truncatedTail).toBe(true);
    await reader.close();

    const idx = await readFile(indexPath(path));
    idx.writeDoubleLE(9999, 32); // the first entry's id no longer matches its block
    await writeFile(indexPath(path), idx);
    reader = await CaptureReader.open(path);
    expect(reader.index.state).toBe('rebuilt');
    await reader.close();
  });

  it('built by scanning, keeps file order: session blocks between the records where they were written', async () => {
    const path = await setup();
    const written = await CaptureReader.open(path);
    const expectedOrder: string[] = [];
    for await (const item of written.items()) expectedOrder.push(item.kind === 'session' ? `s${item.meta.session}` : String(item.record.id));
    await written.close();
    await rm(indexPath(path));
    const reader = await CaptureReader.open(path);
    const t = reader.entries;
    for (let i = 1; i < t.length; i++) expect(t.offset(i)).toBeGreaterThan(t.offset(i - 1));
    const order: string[] = [];
    for await (const item of reader.items()) order.push(item.kind === 'session' ? `s${item.meta.session}` : String(item.record.id));
    expect(order).toEqual(expectedOrder);
    // Opened before the first record, ended after the last.
    expect(order.slice(0, 3).sort()).toEqual(['1', 's1', 's2']);
    expect(order.slice(-2).sort()).toEqual(['s1', 's2']);
    await reader.close();
  });

  it('ignores a garbage index file', async () => {
    const path = await setup();
    await writeFile(indexPath(path), Buffer.from('not an index at all, just text'));
    const reader = await CaptureReader.open(path);
    expect(reader.index.state).toBe('rebuilt');
    expect(reader.recordCount).toBe(50);
    await reader.close();
  });
});
