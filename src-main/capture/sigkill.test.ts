/**
 * A writer killed with SIGKILL mid-stream leaves a readable capture: every
 * record it had flushed is there, in order, across rotated parts; the index
 * is caught up; a torn last block is reported and everything before it kept.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, truncate, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CaptureReader } from './reader';
import { lockPath, partPath } from './parts';

const ROOT = resolve(import.meta.dirname, '../..');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otb-kill-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the writer until it has flushed at least `atLeast` records, then SIGKILLs it; returns the last id it reported. */
async function killWriterAfter(path: string, atLeast: number, rotateBytes: number): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test-support/capture/write-forever.ts'), path, String(rotateBytes)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let last = 0;
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<NodeJS.Signals | null>((ok) => child.on('exit', (_code, signal) => ok(signal)));
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`writer reported only ${last} records in 20 s: ${stderr}`)), 20_000);
    child.stdout.on('data', (d: Buffer) => {
      for (const line of d.toString().split('\n')) if (line) last = Math.max(last, Number(line));
      if (last >= atLeast) {
        clearTimeout(timer);
        child.kill('SIGKILL');
        ok();
      }
    });
    child.on('exit', () => {
      clearTimeout(timer);
      if (last < atLeast) fail(new Error(`writer exited early: ${stderr}`));
    });
  });
  expect(await exited).toBe('SIGKILL');
  return last;
}

it('a capture written while its writer is SIGKILLed is readable up to the last complete block', async () => {
  const path = join(dir, 'killed.pcapng');
  const flushed = await killWriterAfter(path, 3000, 128 * 1024);
  const parts = (await readdir(dir)).filter((f) => f.endsWith('.pcapng'));
  expect(parts.length).toBeGreaterThan(1); // it rotated before dying
  // The lock of the dead writer is still there; readers see that its process is gone.
  expect(JSON.parse(await readFile(lockPath(path), 'utf8')).pid).toBeGreaterThan(0);

  const reader = await CaptureReader.open(path);
  expect(reader.writer).toBeNull();
  const ids: number[] = [];
  for await (const r of reader.records()) ids.push(r.id);
  expect(ids.length).toBeGreaterThanOrEqual(flushed);
  expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => i + 1));
  expect(['loaded', 'caught-up']).toContain(reader.index.state);
  expect(reader.warnings.filter((w) => w.kind !== 'truncated')).toEqual([]);
  const count = reader.recordCount;
  await reader.close();

  // The same records when the index is built from nothing.
  await rm(`${path}.idx`);
  const fresh = await CaptureReader.open(path, { persistIndex: false });
  expect(fresh.index.state).toBe('built');
  expect(fresh.recordCount).toBe(count);
  await fresh.close();
});

it('a torn last block (the write cut short) is reported and everything before it kept', async () => {
  const path = join(dir, 'torn.pcapng');
  await killWriterAfter(path, 500, 0);
  const before = await CaptureReader.open(path, { persistIndex: false });
  const count = before.recordCount;
  await before.close();
  // Cut into the last block, as a crash during its write (or a full disk) would.
  const size = (await stat(partPath(path, 0))).size;
  await truncate(path, size - 7);
  const reader = await CaptureReader.open(path);
  expect(reader.truncatedTail).toBe(true);
  expect(reader.warnings).toEqual([expect.objectContaining({ kind: 'truncated', message: expect.stringMatching(/cut short.*everything before it is readable/) })]);
  const ids: number[] = [];
  for await (const r of reader.records()) ids.push(r.id);
  expect(ids).toEqual(Array.from({ length: count - 1 }, (_, i) => i + 1));
  await reader.close();
});
