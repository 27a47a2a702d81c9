/**
 * Bad captures: truncated, of the wrong link type, with corrupted blocks,
 * with sessions that cannot be replayed (no login, a failed login,
 * encrypted), broken NDJSON exports, and random bytes — each a clear
 * ReplayError naming the file or session and what is wrong.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReplaySource } from './source';
import { ReplayError } from './errors';
import { runReplay } from './runner';
import { exportNdjson, CaptureReader } from '../capture';
import { encodeEpb, encodeIdb, encodeShb } from '../capture/pcapng/encode';
import { sessionRecords, writeCapture } from '../../test-support/replay-fixtures';

let dir: string;
let good: string;
let goodBytes: Buffer;
/** Offsets where blocks start in the good capture. */
const blocks: number[] = [];
let n = 0;
const file = async (bytes: Uint8Array | string, ext = 'pcapng'): Promise<string> => {
  const p = join(dir, `case-${n++}.${ext}`);
  await writeFile(p, bytes);
  return p;
};
const openErr = async (path: string, opts = {}): Promise<ReplayError> => {
  const e = await ReplaySource.open(path, opts).then(
    async (s) => {
      await s.close();
      return null;
    },
    (x: unknown) => x,
  );
  if (!(e instanceof ReplayError)) throw new Error(`expected a ReplayError, got ${String(e)}`);
  return e;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otb-replay-src-'));
  good = join(dir, 'good.pcapng');
  await writeCapture(good, [{ records: sessionRecords({ session: 1 }) }, { records: sessionRecords({ session: 2, firstId: 100, account: 'admin' }), meta: { account: 'admin' } }]);
  goodBytes = await readFile(good);
  for (let p = 0; p < goodBytes.length; p += goodBytes.readUInt32LE(p + 4)) blocks.push(p);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('opening a capture for replay', () => {
  it('lists its sessions with accounts and counts; every one replayable', async () => {
    const s = await ReplaySource.open(good);
    expect(s.kind).toBe('pcapng');
    expect(s.sessions.map((x) => [x.session, x.account, x.replayable])).toEqual([
      [1, 'demo', true],
      [2, 'admin', true],
    ]);
    expect(s.sessions[0]!.c2s).toBeGreaterThan(3);
    expect(s.select().map((x) => x.session)).toEqual([1, 2]);
    expect(s.select([2]).map((x) => x.session)).toEqual([2]);
    expect(() => s.select([7])).toThrow(/has no session 7 \(it has 1, 2\)/);
    expect((await s.records(2)).every((r) => r.session === 2 && r.body !== undefined)).toBe(true);
    await s.close();
  });

  it('reads the NDJSON export of the same capture the same way', async () => {
    const reader = await CaptureReader.open(good);
    const chunks: string[] = [];
    await exportNdjson(reader, { write: (c: string) => (chunks.push(c), true) } as unknown as NodeJS.WritableStream);
    await reader.close();
    const path = await file(chunks.join(''), 'ndjson');
    const s = await ReplaySource.open(path);
    expect(s.kind).toBe('ndjson');
    expect(s.sessions.map((x) => [x.session, x.account, x.replayable])).toEqual([
      [1, 'demo', true],
      [2, 'admin', true],
    ]);
    const pcap = await ReplaySource.open(good);
    try {
      expect((await s.records(1)).map((r) => r.type)).toEqual((await pcap.records(1)).map((r) => r.type));
    } finally {
      // Every source closed: a FileHandle left to the garbage collector is a Node deprecation warning.
      await pcap.close();
      await s.close();
    }
  });
});

describe('bad captures', () => {
  it('truncated: refused naming the file, the byte where the cut block starts, and the way out; --allow-damage reads the rest', async () => {
    const cutAt = blocks[blocks.length - 3]! + 20;
    const path = await file(goodBytes.subarray(0, cutAt));
    const e = await openErr(path);
    expect(e.code).toBe('DAMAGED_CAPTURE');
    expect(e.message).toContain(`${path} is damaged`);
    expect(e.message).toMatch(new RegExp(`truncated: .*at byte ${blocks[blocks.length - 3]}`));
    expect(e.message).toContain('--allow-damage');
    const s = await ReplaySource.open(path, { allowDamage: true });
    expect(s.warnings.some((w) => w.startsWith('truncated:'))).toBe(true);
    expect(s.sessions.find((x) => x.session === 1)?.replayable).toBe(true);
    await s.close();
  });

  it('a corrupted block: refused naming the corruption and its offset', async () => {
    const bad = Buffer.from(goodBytes);
    const victim = blocks[6]!;
    bad.writeUInt32LE(0x7fff_fff0, victim + 4);
    const e = await openErr(await file(bad));
    expect(e.code).toBe('DAMAGED_CAPTURE');
    expect(e.message).toMatch(new RegExp(`corrupt: .*at byte ${victim}: .*skipped \\d+ bytes`));
  });

  it('another link type: refused saying which', async () => {
    const path = await file(Buffer.concat([encodeShb([]), encodeIdb(1, []), encodeEpb({ interfaceId: 0, timestamp: 1, data: [new Uint8Array(60)], options: [] })]));
    const e = await openErr(path);
    expect(e.code).toBe('BAD_CAPTURE');
    expect(e.message).toMatch(/^wrong link type: .*link type 1; otbridge captures use 252/);
    expect(e.message).toContain(path);
  });

  it('a session with no login, one whose login failed, one captured encrypted: not replayable, each saying why', async () => {
    const path = join(dir, 'sessions.pcapng');
    await writeCapture(path, [
      { records: sessionRecords({ session: 1, noLogin: true }) },
      { records: sessionRecords({ session: 2, firstId: 200, failedLogin: true }) },
      { records: sessionRecords({ session: 3, firstId: 300 }), meta: { mode: 'passthrough' } },
    ]);
    const s = await ReplaySource.open(path);
    const problem = (k: number): string | undefined => s.sessions.find((x) => x.session === k)?.problem;
    expect(problem(1)).toMatch(/^it has no login: no AUTH_LOGIN request was captured/);
    expect(problem(2)).toMatch(/^its login failed in the capture \(AUTH_LOGIN was answered by ERROR\)/);
    expect(problem(3)).toMatch(/^its messages are encrypted \(the proxy recorded it in passthrough mode\): record through a decrypting proxy \(otbridge proxy --decrypt\)/);
    expect(() => s.select()).toThrow(expect.objectContaining({ code: 'NO_SESSIONS', message: expect.stringMatching(/no session can be replayed \(session 1: it has no login/) }));
    expect(() => s.select([1])).toThrow(expect.objectContaining({ code: 'NO_LOGIN', message: expect.stringMatching(/session 1 cannot be replayed: it has no login/) }));
    expect(() => s.select([3])).toThrow(expect.objectContaining({ code: 'NOT_DECRYPTED' }));
    await s.close();
    // The replay itself stops before connecting anywhere.
    await expect(runReplay({ capture: path, target: { host: '127.0.0.1', port: 1 }, identity: { trustOnFirstUse: true }, password: 'x' })).rejects.toMatchObject({ code: 'NO_SESSIONS' });
  });

  it('no password: refused before anything is sent, naming the account', async () => {
    await expect(runReplay({ capture: good, target: { host: '127.0.0.1', port: 1 }, identity: { trustOnFirstUse: true } })).rejects.toMatchObject({
      code: 'NO_CREDENTIALS',
      message: expect.stringMatching(/no password for account "demo" \(session 1\): captures never hold passwords/),
    });
  });

  it('NDJSON: frames stored encrypted (an export of a passthrough capture) are named with the first of them', async () => {
    const encrypted = sessionRecords({ session: 3 }).map((r) => {
      if (r.type !== 'PLAYER_MOVE') return r;
      const { body: _b, plain: _p, ...rest } = r;
      return { ...rest, flags: [...r.flags, 'ENCRYPTED'] };
    });
    const lines = [JSON.stringify({ kind: 'capture', format: 'otbridge-capture', version: 1, bytes: 'base64' }), ...encrypted.map((r) => JSON.stringify({ kind: 'message', ...r, wire: Buffer.from(r.wire!).toString('base64'), plain: r.plain ? Buffer.from(r.plain).toString('base64') : undefined }))];
    const s = await ReplaySource.open(await file(`${lines.join('\n')}\n`, 'ndjson'));
    expect(s.sessions[0]!.problem).toMatch(/^its messages are encrypted \(1 frame\(s\) stored as on the wire, the first a PLAYER_MOVE\)/);
    await s.close();
  });

  it('NDJSON: a cut last line, a line that is not a message, another format — each names the line', async () => {
    const reader = await CaptureReader.open(good);
    const chunks: string[] = [];
    await exportNdjson(reader, { write: (c: string) => (chunks.push(c), true) } as unknown as NodeJS.WritableStream);
    await reader.close();
    const text = chunks.join('');
    const cut = await file(text.slice(0, text.length - 40), 'ndjson');
    expect((await openErr(cut)).message).toMatch(new RegExp(`^malformed NDJSON export: ${cut}:\\d+: not JSON`));
    const lines = text.split('\n');
    lines[3] = JSON.stringify({ kind: 'message', id: 'x' });
    expect((await openErr(await file(lines.join('\n'), 'ndjson'))).message).toMatch(/:4: "dir" must be "c2s" or "s2c", got nothing/);
    expect((await openErr(await file('{"kind":"capture","format":"pcap-json","version":1}\n', 'ndjson'))).message).toMatch(/^not an otbridge NDJSON export: .*format "pcap-json"/);
  });

  it('not a capture at all, or missing: named', async () => {
    expect((await openErr(await file('hello world\n', 'txt'))).message).toMatch(/neither a pcapng capture nor an NDJSON export/);
    expect((await openErr(join(dir, 'nope.pcapng'))).message).toMatch(/^not found: .*nope\.pcapng/);
  });

  it('property: random bytes, or random damage to a good capture, give ReplayErrors or a readable source, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (bytes) => {
        const path = await file(bytes);
        const r = await ReplaySource.open(path, { allowDamage: true }).catch((e: unknown) => e);
        if (r instanceof ReplaySource) await r.close();
        else expect(r).toBeInstanceOf(ReplayError);
      }),
      { numRuns: 60 },
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: blocks[2]!, max: goodBytes.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, xor) => {
        const bad = Buffer.from(goodBytes);
        bad[at]! ^= xor;
        const path = await file(bad);
        const r = await ReplaySource.open(path, { allowDamage: true }).catch((e: unknown) => e);
        if (r instanceof ReplaySource) {
          for (const s of r.sessions) await r.records(s.session);
          await r.close();
        } else expect(r).toBeInstanceOf(ReplayError);
      }),
      { numRuns: 60 },
    );
  });
});
