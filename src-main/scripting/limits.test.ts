/**
 * Time and memory limits: an infinite loop, a runaway C call and memory
 * bombs end with the right kind while other runs and the host's event loop
 * go on; deep recursion is a runtime error; the limits count the script, not
 * the world it was given.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScriptRunner, type ScriptRunner } from './runner';
import { effectiveTimeout, DEFAULT_LIMITS } from './limits';
import { outcomeProblem, type ScriptOutcome } from './outcome';

let runner: ScriptRunner;
beforeAll(() => {
  runner = createScriptRunner({ maxConcurrent: 2 });
});
afterAll(() => runner.close());

async function run(source: string, timeoutMs = 10_000): Promise<ScriptOutcome> {
  const outcome = await runner.run({ source, timeoutMs });
  expect(outcomeProblem(outcome)).toBeNull();
  return outcome;
}

/** Largest delay of a 10 ms interval timer while it runs: how long the event loop was ever blocked. */
function lagMonitor(): { stop(): number } {
  let max = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    max = Math.max(max, now - last - 10);
    last = now;
  }, 10);
  return {
    stop() {
      clearInterval(timer);
      return max;
    },
  };
}

describe('time', () => {
  it('an infinite loop times out while another script completes and the event loop stays responsive', async () => {
    const lag = lagMonitor();
    const order: string[] = [];
    const loop = run('while true do end', 2500).then((o) => (order.push('loop'), o));
    const other = run('local s = 0 for i = 1, 1000000 do s = s + i end return s').then((o) => (order.push('other'), o));
    const [loopOutcome, otherOutcome] = await Promise.all([loop, other]);
    const maxLag = lag.stop();
    expect(otherOutcome).toMatchObject({ result: 500000500000, output: [] });
    expect(loopOutcome).toEqual({ kind: 'timeout', message: 'script ran for more than 2500 ms' });
    expect(order).toEqual(['other', 'loop']);
    // A blocked loop would show the whole 2500 ms here; the margin is for a busy shared machine.
    expect(maxLag).toBeLessThan(1000);
    expect(runner.running).toBe(0);
    expect(await run('return "still serving"')).toMatchObject({ result: 'still serving' });
  });

  it('a loop that catches every error still ends: the worker is terminated, not asked', async () => {
    const outcome = await run('while true do pcall(function() while true do end end) end', 400);
    expect(outcome).toEqual({ kind: 'timeout', message: 'script ran for more than 400 ms' });
  });

  it('a runaway C call (pathological pattern matching) times out too', async () => {
    const outcome = await run('local s = ("a"):rep(100000) return s:find(".-.-.-.-b")', 400);
    expect(outcome).toEqual({ kind: 'timeout', message: 'script ran for more than 400 ms' });
  });

  it('the time limit counts the script, not building a large world; durationMs is the script alone', async () => {
    const big = { creatures: Array.from({ length: 50_000 }, (_, i) => ({ id: i, name: `creature ${i}`, position: { x: i, y: i, z: 7 } })) };
    const t0 = performance.now();
    const outcome = await runner.run({ source: 'return #world.creatures', world: big, timeoutMs: 200 });
    const elapsed = performance.now() - t0;
    expect(outcome).toMatchObject({ result: 50_000 });
    const { durationMs } = outcome as { durationMs: number };
    expect(durationMs).toBeGreaterThanOrEqual(0);
    expect(durationMs).toBeLessThan(elapsed);
  });

  it('preparing the run has its own limit', async () => {
    const slow = createScriptRunner({ setupTimeoutMs: 1, warmWorkers: 0 });
    try {
      const world = { blob: Array.from({ length: 200_000 }, (_, i) => i) };
      expect(await slow.run({ source: 'return 1', world })).toEqual({
        kind: 'timeout',
        message: 'preparing the script (world, args, compile) took more than 1 ms',
      });
    } finally {
      await slow.close();
    }
  });

  it('a request cannot ask for more than maxTimeoutMs', async () => {
    const capped = createScriptRunner({ maxTimeoutMs: 300, warmWorkers: 1 });
    try {
      expect(await capped.run({ source: 'while true do end', timeoutMs: 60_000 })).toEqual({
        kind: 'timeout',
        message: 'script ran for more than 300 ms',
      });
    } finally {
      await capped.close();
    }
  });

  it('effectiveTimeout: default when absent or not a number, clamped to 1..max, whole ms', () => {
    expect(effectiveTimeout(undefined, DEFAULT_LIMITS)).toBe(DEFAULT_LIMITS.defaultTimeoutMs);
    expect(effectiveTimeout(Number.NaN, DEFAULT_LIMITS)).toBe(DEFAULT_LIMITS.defaultTimeoutMs);
    expect(effectiveTimeout(Infinity, DEFAULT_LIMITS)).toBe(DEFAULT_LIMITS.defaultTimeoutMs);
    expect(effectiveTimeout(0, DEFAULT_LIMITS)).toBe(1);
    expect(effectiveTimeout(-5, DEFAULT_LIMITS)).toBe(1);
    expect(effectiveTimeout(12.7, DEFAULT_LIMITS)).toBe(12);
    expect(effectiveTimeout(1e9, DEFAULT_LIMITS)).toBe(DEFAULT_LIMITS.maxTimeoutMs);
  });
});

describe('memory', () => {
  it.each([
    ['string doubling', 'local s = "x" while true do s = s .. s end'],
    ['one huge string.rep', 'return ("x"):rep(2^30)'],
    ['string.rep growth', 'local parts = {} for i = 1, 1e6 do parts[i] = ("y"):rep(1000) .. i end'],
    ['array growth', 'local t = {} for i = 1, 1e9 do t[i] = i end'],
    ['table-of-tables growth', 'local t = {} while true do t[#t + 1] = { 1, 2, 3, 4 } end'],
    ['closures', 'local fs = {} while true do local n = #fs fs[n + 1] = function() return n end end'],
  ])('%s → memory', async (_name, source) => {
    const outcome = await run(source, 20_000);
    expect(outcome).toEqual({ kind: 'memory', message: 'the script needed more than its 64 MiB of memory' });
  });

  it('a script can catch an allocation failure and carry on below the limit', async () => {
    expect(await run('local ok, e = pcall(string.rep, "x", 2^28) return { ok, e, #("small"):rep(10) }')).toMatchObject({
      result: [false, 'not enough memory', 50],
    });
  });

  it('the memory limit counts what the script allocates, not the world it reads', async () => {
    const small = createScriptRunner({ memoryLimitBytes: 2 * 1024 * 1024, warmWorkers: 1, defaultTimeoutMs: 10_000 });
    try {
      const world = { names: Array.from({ length: 100_000 }, (_, i) => `name number ${i}`) }; // several MiB in Lua
      expect(await small.run({ source: 'return #world.names', world })).toMatchObject({ result: 100_000 });
      expect(await small.run({ source: 'return ("x"):rep(4 * 1024 * 1024)', world })).toEqual({
        kind: 'memory',
        message: 'the script needed more than its 2 MiB of memory',
      });
    } finally {
      await small.close();
    }
  });

  it("the worker's JavaScript heap limit is a backstop: exceeding it is a memory error, not a crash", async () => {
    const tiny = createScriptRunner({ workerHeapMb: 16, warmWorkers: 1, defaultTimeoutMs: 10_000 });
    try {
      const worldJson = JSON.stringify({ blob: Array.from({ length: 600_000 }, (_, i) => ({ i, s: `item ${i}` })) }); // ~17 MB of JSON
      expect(await tiny.run({ source: 'return 1', worldJson })).toEqual({
        kind: 'memory',
        message: "the script's worker ran out of memory (16 MB of JavaScript heap)",
      });
      expect(await tiny.run({ source: 'return "next run is fine"' })).toMatchObject({ result: 'next run is fine' });
    } finally {
      await tiny.close();
    }
  });
});

describe('stack', () => {
  it('deep recursion is a runtime error (stack overflow) with a bounded traceback', async () => {
    const outcome = await run('local function dive(n) return 1 + dive(n + 1) end return dive(1)', 30_000);
    expect(outcome).toMatchObject({ kind: 'runtime', message: expect.stringMatching(/^script:1: stack overflow/) });
    const traceback = (outcome as { traceback: string }).traceback;
    expect(traceback).toMatch(/in (local|upvalue) 'dive'/);
    expect(traceback.length).toBeLessThan(DEFAULT_LIMITS.maxMessageBytes + 100);
  });

  it('recursion through C functions is a runtime error (C stack overflow)', async () => {
    const outcome = await run('local function f(s) return (s:gsub(".", f)) end return f("ab")');
    expect(outcome).toMatchObject({ kind: 'runtime', message: expect.stringMatching(/C stack overflow/) });
  });

  it('source nested too deeply for the parser is a syntax error', async () => {
    const source = `return ${'('.repeat(1000)}1${')'.repeat(1000)}`;
    expect(await run(source)).toMatchObject({ kind: 'syntax', message: expect.stringMatching(/C stack overflow|too many/) });
  });
});
