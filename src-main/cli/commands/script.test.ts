/** `otbridge script`: called directly, with captured standard output and error. */
import { PassThrough } from 'node:stream';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scriptCommand } from './script';
import { UsageError, type CliIo } from '../command';

const dir = mkdtempSync(join(tmpdir(), 'otbridge-script-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let outText = '';
  let errText = '';
  out.on('data', (d: Buffer) => (outText += d.toString()));
  err.on('data', (d: Buffer) => (errText += d.toString()));
  const io: CliIo = { out, err, stopped: new Promise(() => {}) };
  const code = await scriptCommand.run(argv, io);
  return { code, out: outText, err: errText };
}

describe('otbridge script', () => {
  it('runs --eval, prints output lines then the result as JSON', async () => {
    const r = await cli(['-e', 'print("hello") return { answer = 42 }']);
    expect(r.code).toBe(0);
    expect(r.out).toBe('hello\n{\n  "answer": 42\n}\n');
    expect(r.err).toMatch(/^\(ran in [\d.]+ ms\)\n$/);
  });

  it('runs a file against a world file, with args', async () => {
    const script = join(dir, 'where.lua');
    const world = join(dir, 'world.json');
    writeFileSync(script, 'for _, c in ipairs(world.creatures) do if c.name == args.name then return c.position end end');
    writeFileSync(world, JSON.stringify({ creatures: [{ name: 'Knight', position: { x: 1, y: 2, z: 7 } }] }));
    const r = await cli([script, '--world', world, '--args', '{"name":"Knight"}', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ result: { x: 1, y: 2, z: 7 }, output: [], durationMs: expect.any(Number) });
  });

  it('a failing script exits 1 with its kind, message and traceback on stderr', async () => {
    const r = await cli(['-e', 'local t = nil\nreturn t.x']);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toBe("runtime error: script:2: attempt to index a nil value (local 't')\nstack traceback:\n\tscript:2: in main chunk\n");
    const json = await cli(['-e', 'while true do end', '--timeout', '100', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out)).toEqual({ kind: 'timeout', message: 'script ran for more than 100 ms' });
  });

  it('--memory sets the memory limit', async () => {
    const r = await cli(['-e', 'return #("x"):rep(3 * 1024 * 1024)', '--memory', '2', '--json']);
    expect(JSON.parse(r.out)).toEqual({ kind: 'memory', message: 'the script needed more than its 2 MiB of memory' });
  });

  it('bad command lines are usage errors', async () => {
    await expect(cli([])).rejects.toBeInstanceOf(UsageError);
    await expect(cli(['a.lua', 'b.lua'])).rejects.toThrow('expected one script');
    await expect(cli(['a.lua', '-e', 'return 1'])).rejects.toThrow('not both');
    await expect(cli(['-e', 'return 1', '--args', '{nope'])).rejects.toThrow('--args is not JSON');
    await expect(cli(['-e', 'return 1', '--timeout', '0'])).rejects.toThrow('--timeout must be an integer');
    const notJson = join(dir, 'bad.json');
    writeFileSync(notJson, '{');
    await expect(cli(['-e', 'return 1', '--world', notJson])).rejects.toThrow('is not JSON');
  });
});
