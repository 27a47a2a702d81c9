/** print and warn: captured into SCRIPT_RESULT.output, in order, and bounded. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScriptRunner, type ScriptRunner } from './runner';
import { isScriptError, outcomeProblem } from './outcome';
import { DEFAULT_LIMITS } from './limits';

let runner: ScriptRunner;
beforeAll(() => {
  runner = createScriptRunner({ defaultTimeoutMs: 10_000 });
});
afterAll(() => runner.close());

async function output(source: string): Promise<string[]> {
  const outcome = await runner.run({ source, timeoutMs: 10_000 });
  expect(outcomeProblem(outcome)).toBeNull();
  if (isScriptError(outcome)) throw new Error(`${outcome.kind}: ${outcome.message}`);
  return outcome.output;
}

describe('print', () => {
  it('one entry per call, arguments joined by tabs as Lua prints them, in order', async () => {
    expect(await output('print("a", 1, nil, true, 1.5, 2^63) print() print("last")')).toEqual([
      'a\t1\tnil\ttrue\t1.5\t9.2233720368548e+18',
      '',
      'last',
    ]);
  });

  it('keeps the order across functions, coroutines and caught errors', async () => {
    const source = `
      print(1)
      local co = coroutine.wrap(function() print(2) coroutine.yield() print(4) end)
      co()
      print(3)
      co()
      pcall(function() print(5) error("caught") end)
      print(6)`;
    expect(await output(source)).toEqual(['1', '2', '3', '4', '5', '6']);
  });

  it('uses __tostring and __name like Lua; newlines stay inside the entry', async () => {
    const lines = await output(`
      print(setmetatable({}, { __tostring = function() return "a point" end }))
      print(setmetatable({}, { __name = "Creature" }))
      print({})
      print("two\\nlines")`);
    expect(lines[0]).toBe('a point');
    expect(lines[1]).toMatch(/^Creature: 0x[0-9a-f]+$/);
    expect(lines[2]).toMatch(/^table: 0x[0-9a-f]+$/);
    expect(lines[3]).toBe('two\nlines');
  });

  it('an error in __tostring is the script\'s runtime error', async () => {
    const outcome = await runner.run({ source: 'print(setmetatable({}, { __tostring = function() error("bad tostring") end }))' });
    expect(outcome).toMatchObject({ kind: 'runtime', message: 'script:1: bad tostring' });
  });

  it('invalid UTF-8 in printed text arrives as U+FFFD', async () => {
    expect(await output(String.raw`print("a\xffb")`)).toEqual(['a\ufffdb']);
  });
});

describe('warn', () => {
  it('adds "warning: " lines; control messages (@on, @off) are ignored', async () => {
    expect(await output('warn("@on") warn("disk ", "almost full") print("x") warn("@off") warn("still kept")')).toEqual([
      'warning: disk almost full',
      'x',
      'warning: still kept',
    ]);
  });
});

describe('limits', () => {
  it(`keeps the first ${DEFAULT_LIMITS.maxOutputLines} lines and counts the rest in one last line`, async () => {
    const lines = await output('for i = 1, 5000 do print("line " .. i) end');
    expect(lines).toHaveLength(DEFAULT_LIMITS.maxOutputLines + 1);
    expect(lines[0]).toBe('line 1');
    expect(lines[DEFAULT_LIMITS.maxOutputLines - 1]).toBe(`line ${DEFAULT_LIMITS.maxOutputLines}`);
    expect(lines.at(-1)).toBe(`[output truncated: ${5000 - DEFAULT_LIMITS.maxOutputLines} more lines were not kept]`);
  });

  it('cuts a long line at a character boundary and says how much was cut', async () => {
    const [line] = await output('print(("é"):rep(5000))'); // 10 000 bytes
    const kept = line!.slice(0, line!.indexOf(' ...'));
    expect(kept).toBe('é'.repeat(DEFAULT_LIMITS.maxOutputLineBytes / 2));
    expect(line).toMatch(/ \.\.\. \[5904 more bytes of this line cut\]$/);
  });

  it(`stops at ${DEFAULT_LIMITS.maxOutputBytes / 1024} KiB of output, with no gap before the note`, async () => {
    const lines = await output('for i = 1, 200 do print(i .. ("x"):rep(3000)) end');
    const kept = lines.slice(0, -1);
    expect(kept.length).toBeLessThan(200);
    kept.forEach((l, i) => expect(l.startsWith(String(i + 1))).toBe(true));
    expect(JSON.stringify(kept).length).toBeLessThanOrEqual(DEFAULT_LIMITS.maxOutputBytes + 2);
    expect(lines.at(-1)).toBe(`[output truncated: ${200 - kept.length} more lines were not kept]`);
  });

  it('printing without end costs the script time, not the host memory', async () => {
    const outcome = await runner.run({ source: 'while true do print("spam") end', timeoutMs: 300 });
    expect(outcome).toEqual({ kind: 'timeout', message: 'script ran for more than 300 ms' });
  });
});
