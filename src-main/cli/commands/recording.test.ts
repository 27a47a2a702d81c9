import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { UsageError, type CliIo } from '../command';
import { recordingCommand } from './recording';

const dir = mkdtempSync(join(tmpdir(), 'otbridge-reccli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io(): CliIo & { text: () => { out: string; err: string } } {
  const out = new PassThrough();
  const err = new PassThrough();
  let o = '';
  let e = '';
  out.on('data', (d: Buffer) => (o += d.toString()));
  err.on('data', (d: Buffer) => (e += d.toString()));
  return { out, err, stopped: new Promise(() => {}), text: () => ({ out: o, err: e }) };
}

const REC = '< 5 06001f00f1536542\n< 40 b41100050048656c6c6f\n> 41 65\nnot a line\n> 90 14\n';

describe('otbridge recording', () => {
  it('imports a recording into a capture and exports it back', async () => {
    const rec = join(dir, 'session.rec');
    const cap = join(dir, 'session.pcapng');
    writeFileSync(rec, REC);
    const a = io();
    expect(await recordingCommand.run(['import', rec, '-o', cap, '--start', '2024-05-01T10:00:00Z', '--version', '1311'], a)).toBe(0);
    expect(a.text().out).toBe(`${cap}: 4 message(s) from ${rec}, 1 line(s) skipped\n`);
    expect(a.text().err).toBe(`${rec}:4: direction "not" is neither < nor > (OTClient's player ignores such lines) (skipped)\n`);

    const b = io();
    expect(await recordingCommand.run(['export', cap], b)).toBe(0);
    expect(b.text().out).toBe(REC.replace('not a line\n', ''));
    expect(b.text().err).toBe('session 1: 4 line(s)\n');

    const out = join(dir, 'again.rec');
    const c = io();
    expect(await recordingCommand.run(['export', cap, '-o', out, '--session', '1'], c)).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(REC.replace('not a line\n', ''));
  });

  it('rejects bad command lines with a usage error', async () => {
    await expect(recordingCommand.run(['import', 'x.rec'], io())).rejects.toThrow(UsageError);
    await expect(recordingCommand.run(['import', 'x.rec', '-o', 'y', '--start', 'yesterday-ish'], io())).rejects.toThrow(/--start/);
    await expect(recordingCommand.run(['frobnicate'], io())).rejects.toThrow(/unknown subcommand/);
    await expect(recordingCommand.run(['export'], io())).rejects.toThrow(/one capture file/);
  });
});
