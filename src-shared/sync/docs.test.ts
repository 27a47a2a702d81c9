/**
 * The examples in docs/sync.md run, and print what the page says they print.
 * Each ```ts example block is written to a temporary .mts file (imports
 * pointed at this checkout); one tsx process imports them in turn, capturing
 * what each logs, which must equal the ```text block that follows it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');
const page = readFileSync(join(root, 'docs', 'sync.md'), 'utf8');
const examples = [...page.matchAll(/```ts example\n([\s\S]*?)```\n+```text\n([\s\S]*?)```/g)].map((m, i) => ({
  n: i + 1,
  code: m[1]!,
  expected: m[2]!,
}));
const dir = mkdtempSync(join(tmpdir(), 'otbridge-sync-docs-'));
let outputs: string[] = [];

// One process for all: starting tsx costs seconds on a busy machine, running an example milliseconds.
const RUNNER = `
import { format } from 'node:util';
const log = console.log;
const outputs = [];
for (const file of JSON.parse(process.argv[2])) {
  const lines = [];
  console.log = (...args) => void lines.push(format(...args));
  try {
    await import(file);
  } catch (e) {
    lines.push('THREW: ' + (e && e.stack || e));
  }
  outputs.push(lines.join('\\n'));
}
console.log = log;
process.stdout.write(JSON.stringify(outputs));
`;

beforeAll(async () => {
  const files = examples.map(({ n, code }) => {
    const file = join(dir, `example-${n}.mts`);
    writeFileSync(file, code.replaceAll("from './src-shared/", `from '${root}/src-shared/`));
    return file;
  });
  writeFileSync(join(dir, 'run.mts'), RUNNER);
  const { stdout } = await promisify(execFile)(join(root, 'node_modules', '.bin', 'tsx'), [join(dir, 'run.mts'), JSON.stringify(files)], {
    cwd: root,
    timeout: 120_000,
  });
  outputs = JSON.parse(stdout) as string[];
}, 150_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('docs/sync.md examples', () => {
  it('has examples, each followed by its output', () => {
    expect(examples.length).toBeGreaterThanOrEqual(4);
    expect(page.split('```ts example').length - 1).toBe(examples.length);
  });

  it.each(examples)('example $n prints what the page shows', ({ n, expected }) => {
    expect(outputs[n - 1]!.trim()).toBe(expected.trim());
  });
});
