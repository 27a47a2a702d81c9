import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureWriter } from './writer';
import { CaptureReader } from './reader';
import { exportNdjson, importNdjson, type NdjsonItem } from './ndjson';
import { ndjsonToCapture, readCaptureItems, sniffCaptureFile } from './open-any';
import { CaptureError } from './errors';
import { everyTypeRecords, sessionMeta, T0 } from '../../test-support/capture/sample-records';
import { type MessageRecord } from '../../src-shared/records';

let dir: string;
let capture: string;
const records = everyTypeRecords();

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otb-ndjson-'));
  capture = join(dir, 'c.pcapng');
  const w = await CaptureWriter.open(capture);
  w.writeSession(sessionMeta(1));
  for (const r of records) w.writeRecord(r);
  w.writeSession({ session: 1, end: T0 + 9 });
  await w.close();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function exportText(opts = {}): Promise<string> {
  const reader = await CaptureReader.open(capture);
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await exportNdjson(reader, out, opts);
  await reader.close();
  return Buffer.concat(chunks).toString('utf8');
}

async function importAll(text: string): Promise<NdjsonItem[]> {
  const items: NdjsonItem[] = [];
  for await (const i of importNdjson((async function* () {
    // Odd chunk boundaries: lines split anywhere, even inside a UTF-8 character.
    const b = Buffer.from(text);
    for (let i = 0; i < b.length; i += 7) yield b.subarray(i, i + 7);
  })(), { name: 'test.ndjson' })) items.push(i);
  return items;
}

const stripTime = (r: MessageRecord): MessageRecord => ({ ...r, time: Math.round(r.time * 1000) / 1000 });

describe('NDJSON', () => {
  it('exports a header, the session lines where they were learnt, and one line per message with its body', async () => {
    const lines = (await exportText()).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ kind: 'capture', format: 'otbridge-capture', version: 1, bytes: 'base64' });
    expect(lines[1]).toMatchObject({ kind: 'session', session: 1, mode: 'decrypt' });
    expect(lines.at(-1)).toMatchObject({ kind: 'session', session: 1, end: T0 + 9 });
    const messages = lines.filter((l) => l.kind === 'message');
    expect(messages).toHaveLength(records.length);
    expect(messages[0]).toEqual({ kind: 'message', ...stripTime({ ...records[0]!, wire: undefined, plain: undefined } as MessageRecord), wire: undefined, plain: undefined, body: records[0]!.body });
    // Bytes only where the body does not reproduce them: the encrypted frame and the non-JSON body.
    expect(messages.filter((m) => 'plain' in m || 'wire' in m).map((m) => m.id)).toEqual(records.filter((r) => !r.plain || r.body === undefined).map((r) => r.id));
  });

  it('round-trips: export, import, and the records are the ones written', async () => {
    const items = await importAll(await exportText());
    const got = items.filter((i) => i.kind === 'record').map((i) => (i as { record: MessageRecord }).record);
    const want = records.map((r) => {
      const { wire, ...rest } = stripTime(r);
      // The wire bytes of a decrypted frame are not kept (the capture stores the plaintext).
      return r.plain ? rest : { ...rest, wire };
    });
    expect(got.map((r) => ({ ...r, plain: r.plain && Buffer.from(r.plain).toString() }))).toEqual(
      want.map((r) => ({ ...r, plain: r.plain && Buffer.from(r.plain).toString() })),
    );
    expect(items.filter((i) => i.kind === 'session')).toHaveLength(2);
  });

  it('--bytes all with hex keeps every byte, in hex', async () => {
    const text = await exportText({ bytes: 'all', encoding: 'hex' });
    expect(JSON.parse(text.split('\n')[0]!)).toMatchObject({ bytes: 'hex' });
    const items = await importAll(text);
    const first = (items.find((i) => i.kind === 'record') as { record: MessageRecord }).record;
    expect(Buffer.from(first.plain!).equals(Buffer.from(records[0]!.plain!))).toBe(true);
    expect(JSON.parse(text.split('\n')[2]!).plain).toMatch(/^[0-9a-f]+$/);
  });

  it('filters by session and id range', async () => {
    const lines = (await exportText({ fromId: 3, toId: 5 })).trim().split('\n').map((l) => JSON.parse(l) as { kind: string; id?: number });
    expect(lines.filter((l) => l.kind === 'message').map((l) => l.id)).toEqual([3, 4, 5]);
    const none = (await exportText({ session: 2 })).trim().split('\n');
    expect(none).toHaveLength(1); // just the header
  });

  it('an NDJSON export converts back into a pcapng capture', async () => {
    const nd = join(dir, 'c.ndjson');
    await writeFile(nd, await exportText());
    const out = join(dir, 'back.pcapng');
    expect(await ndjsonToCapture(nd, out)).toEqual({ records: records.length, sessions: 2 });
    const reader = await CaptureReader.open(out);
    const bodies: unknown[] = [];
    for await (const r of reader.records()) bodies.push(r.body);
    expect(bodies).toEqual(records.map((r) => r.body));
    expect(await reader.sessions()).toEqual([expect.objectContaining({ session: 1, mode: 'decrypt', end: T0 + 9 })]);
    await reader.close();
  });

  it('tools read either kind of file the same way', async () => {
    const nd = join(dir, 'c.ndjson');
    await writeFile(nd, await exportText());
    expect(await sniffCaptureFile(capture)).toBe('pcapng');
    expect(await sniffCaptureFile(nd)).toBe('ndjson');
    const ids = async (p: string): Promise<number[]> => {
      const out: number[] = [];
      for await (const i of readCaptureItems(p, { dir: 's2c' })) if (i.kind === 'record') out.push(i.record.id);
      return out;
    };
    expect(await ids(nd)).toEqual(await ids(capture));
    await writeFile(join(dir, 'x.bin'), Buffer.from([1, 2, 3, 4]));
    await expect(async () => {
      for await (const _ of readCaptureItems(join(dir, 'x.bin'))) void _;
    }).rejects.toThrow(/neither a pcapng capture nor an NDJSON export/);
  });

  it('names the line and the field of a malformed line', async () => {
    const header = '{"kind":"capture","format":"otbridge-capture","version":1}\n';
    const good = JSON.parse((await exportText()).split('\n')[2]!) as Record<string, unknown>;
    const bad = async (line: string): Promise<string> => {
      const e = await importAll(header + line + '\n').catch((x: unknown) => x);
      expect(e).toBeInstanceOf(CaptureError);
      return (e as Error).message;
    };
    expect(await bad('{"kind":"message"')).toMatch(/^test.ndjson:2: not JSON/);
    expect(await bad('[1,2]')).toMatch(/:2: a line must be a JSON object/);
    expect(await bad(JSON.stringify({ ...good, id: -1 }))).toMatch(/"id" must be a non-negative integer/);
    expect(await bad(JSON.stringify({ ...good, dir: 'up' }))).toMatch(/"dir" must be "c2s" or "s2c"/);
    expect(await bad(JSON.stringify({ ...good, flags: 'P2' }))).toMatch(/"flags" must be an array of strings/);
    expect(await bad(JSON.stringify({ ...good, plain: '***' }))).toMatch(/"plain" must be base64 text/);
    expect(await bad(JSON.stringify({ ...good, code: 70000 }))).toMatch(/"code" must be at most 65535/);
    expect(await bad('{"kind":"session"}')).toMatch(/session line needs/);
    await expect(importAll('{"kind":"capture","format":"pcap"}\n')).rejects.toMatchObject({ code: 'NOT_NDJSON' });
    await expect(importAll('{"kind":"capture","format":"otbridge-capture","version":99}\n')).rejects.toThrow(/newer than this reader/);
    await expect(importAll('not json at all\n')).rejects.toMatchObject({ code: 'NOT_NDJSON' });
  });

  it('skips unknown kinds with a warning, and refuses endless lines', async () => {
    const warnings: string[] = [];
    const items: NdjsonItem[] = [];
    for await (const i of importNdjson((async function* () {
      yield '{"kind":"future-thing"}\n\n';
    })(), { onWarning: (w) => warnings.push(w), name: 'n' })) items.push(i);
    expect(items).toEqual([]);
    expect(warnings).toEqual(['n:1: skipped a line of kind "future-thing"']);
    const endless = (async function* () {
      for (let i = 0; i < 100; i++) yield 'x'.repeat(1024);
    })();
    await expect(async () => {
      for await (const _ of importNdjson(endless, { maxLineBytes: 10_000 })) void _;
    }).rejects.toThrow(/longer than 10000 bytes/);
  });

  it('a file of NDJSON on disk imports by path', async () => {
    const nd = join(dir, 'c.ndjson');
    await writeFile(nd, await exportText());
    let n = 0;
    for await (const i of importNdjson(nd)) if (i.kind === 'record') n++;
    expect(n).toBe(records.length);
    expect((await readFile(nd, 'utf8')).endsWith('\n')).toBe(true);
  });
});
