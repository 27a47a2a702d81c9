import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureCommand } from './capture';
import { UsageError } from '../command';
import { testIo } from '../../../test-support/cli-io';
import { CaptureWriter } from '../../capture/writer';
import { indexPath } from '../../capture/parts';
import { everyTypeRecords, sessionMeta, T0, up2Record } from '../../../test-support/capture/sample-records';

let dir: string;
let capture: string;

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const x = testIo();
  const code = await captureCommand.run(argv, x);
  return { code, out: x.text(), err: x.errText() };
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otb-cli-cap-'));
  capture = join(dir, 'c.pcapng');
  const w = await CaptureWriter.open(capture);
  w.writeSession(sessionMeta(1, { account: 'demo' }));
  for (const r of everyTypeRecords()) w.writeRecord(r);
  w.writeSession({ session: 1, end: T0 + 100, closeReason: 'logout' });
  await w.close();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('otbridge capture', () => {
  it('info: files, sessions, counts per type and direction, span, index, no damage', async () => {
    const { code, out } = await run('info', capture);
    expect(code).toBe(0);
    const n = everyTypeRecords().length;
    expect(out).toMatch(new RegExp(`messages  ${n} \\(c2s \\d+, s2c \\d+\\); decode errors 1, faulted 1, not decrypted 1`));
    expect(out).toMatch(/sessions \(1\)\n\s+1\s+\d+ msg\s+decrypt\s+127\.0\.0\.1:50001 → 127\.0\.0\.1:7180\s+account demo/);
    expect(out).toMatch(/\(logout\)/);
    expect(out).toMatch(/up2 AUTH_LOGIN\s+1\s+1\n/);
    expect(out).toMatch(/span {6}2023-11-14T22:13:20\.002Z → /);
    expect(out).toMatch(/truncated no/);
    expect(out).not.toMatch(/warnings/);
  });

  it('info --json is the summary as JSON; a cut capture is reported as truncated', async () => {
    const full = JSON.parse((await run('info', capture, '--json')).out) as { records: number; truncated: boolean; types: unknown[] };
    expect(full.records).toBe(everyTypeRecords().length);
    const { truncate } = await import('node:fs/promises');
    await truncate(capture, (await stat(capture)).size - 300);
    const { out } = await run('info', capture);
    expect(out).toMatch(/truncated yes/);
    expect(out).toMatch(/warnings \(1\)\n {2}truncated: c\.pcapng @\d+: last block at offset \d+ is cut short/);
  });

  it('export writes NDJSON to stdout or to a file, filtered', async () => {
    const { out } = await run('export', capture, '--session', '1', '--dir', 's2c');
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; dir?: string });
    expect(lines[0]!.kind).toBe('capture');
    expect(lines.filter((l) => l.kind === 'message').every((l) => l.dir === 's2c')).toBe(true);
    const file = join(dir, 'out.ndjson');
    const r = await run('export', capture, '-o', file, '--bytes', 'all', '--hex');
    expect(r.err).toMatch(/messages and 2 session blocks written to/);
    const written = (await readFile(file, 'utf8')).trim().split('\n');
    expect(JSON.parse(written[0]!)).toMatchObject({ bytes: 'hex' });
    expect(written).toHaveLength(1 + 2 + everyTypeRecords().length);
  });

  it('tail prints one line per message, like tcpdump; -n N starts with the last N', async () => {
    const { out } = await run('tail', capture, '-n', '3', '--body', '20');
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(3 + 1); // the closing session block comes after the last messages
    expect(lines[0]).toMatch(/^\s+\d+ 22:13:20\.\d{6} s1 c2s 127\.0\.0\.1:50001 → 127\.0\.0\.1:7180 up2 ERROR seq=\d+ \d+ B \{"code":"NOT_FOUND"…$/);
    expect(lines[1]).toMatch(/PLAYER_MOVE seq=\d+ \[ENCRYPTED P1\] 66 B <encrypted 66 B>$/);
    expect(lines[2]).toMatch(/PLAYER_ACTION .*!BAD_PAYLOAD: PLAYER_ACTION: body is not JSON fault: latency 120ms, corrupt 1 byte \{"action": "use", o…$/);
    expect(lines[3]).toMatch(/---- session 1 decrypt client 127\.0\.0\.1:50001 server 127\.0\.0\.1:7180 account demo ended \(logout\)/);
  });

  it('tail --follow prints what is written until stopped', async () => {
    const live = join(dir, 'live.pcapng');
    const w = await CaptureWriter.open(live, { flushIntervalMs: 5 });
    const x = testIo();
    const running = captureCommand.run(['tail', live, '--follow', '--json', '--poll', '10'], x);
    for (let id = 1; id <= 20; id++) w.writeRecord(up2Record(id, 5, { t: id }));
    await w.flush();
    for (let i = 0; i < 200 && x.text().trim().split('\n').length < 20; i++) await new Promise((r) => setTimeout(r, 10));
    x.stop();
    expect(await running).toBe(0);
    await w.close();
    const ids = x.text().trim().split('\n').map((l) => (JSON.parse(l) as { id: number }).id);
    expect(ids).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('import turns an export back into a capture; reindex rebuilds the index', async () => {
    const nd = join(dir, 'x.ndjson');
    await run('export', capture, '-o', nd);
    const back = join(dir, 'back.pcapng');
    const r = await run('import', nd, '-o', back);
    expect(r.out).toMatch(new RegExp(`^${everyTypeRecords().length} messages and 2 session blocks written to`));
    await rm(indexPath(back));
    const re = await run('reindex', back);
    expect(re.out).toMatch(/back\.pcapng\.idx: \d+ entries/);
    expect((await stat(indexPath(back))).size).toBeGreaterThan(32);
  });

  it('bad command lines are usage errors; bad files are errors naming the file', async () => {
    await expect(run()).rejects.toBeInstanceOf(UsageError);
    await expect(run('frobnicate', capture)).rejects.toBeInstanceOf(UsageError);
    await expect(run('info')).rejects.toBeInstanceOf(UsageError);
    await expect(run('export', capture, '--format', 'pcap')).rejects.toThrow(/--format pcap is not supported/);
    await expect(run('export', capture, '--dir', 'up')).rejects.toThrow(/--dir must be c2s or s2c/);
    await expect(run('tail', capture, '-n', '-1')).rejects.toBeInstanceOf(UsageError);
    await expect(run('import', capture)).rejects.toThrow(/-o <out.pcapng> is required/);
    await expect(run('info', join(dir, 'none.pcapng'))).rejects.toThrow(/none\.pcapng: no such capture file/);
    await expect(run('import', capture, '-o', join(dir, 'y.pcapng'))).rejects.toThrow(/not JSON/);
  });
});
