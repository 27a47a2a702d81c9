/**
 * The runner's contract: outcomes shaped as SCRIPT_RESULT / SCRIPT_ERROR,
 * syntax vs runtime errors, the cap on concurrent and queued runs, abort,
 * close, hostile sources and inputs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createScriptRunner, ScriptRunnerBusyError, ScriptRunnerClosedError, type ScriptRunner } from './runner';
import { isScriptError, outcomeProblem, type ScriptOutcome } from './outcome';
import { LuaWorker } from './lua-worker-handle';
import { luaWorkerSource } from './worker/worker-source';
import { SANDBOX_LUA } from './lua/sandbox';
import { JSON_ENCODER_LUA } from './lua/json-encoder';
import { Messages } from '../../src-shared/protocol';

let runner: ScriptRunner;
beforeAll(() => {
  runner = createScriptRunner({ defaultTimeoutMs: 10_000 });
});
afterAll(() => runner.close());

async function run(source: string): Promise<ScriptOutcome> {
  const outcome = await runner.run({ source });
  expect(outcomeProblem(outcome)).toBeNull();
  return outcome;
}

describe('outcomes', () => {
  it('a result is exactly a SCRIPT_RESULT body', async () => {
    const outcome = await run('print("counted") return 60');
    expect(Object.keys(outcome).sort()).toEqual(['durationMs', 'output', 'result']);
    expect(outcome).toEqual({ result: 60, output: ['counted'], durationMs: expect.any(Number) });
    expect(Messages.SCRIPT_RESULT.responseBody!.check(outcome, 'SCRIPT_RESULT')).toBeNull();
    expect(isScriptError(outcome)).toBe(false);
  });

  it('a syntax error is kind syntax, with the position and no traceback', async () => {
    const outcome = await run('local x = = 1');
    expect(outcome).toEqual({ kind: 'syntax', message: "script:1: unexpected symbol near '='" });
    expect(Messages.SCRIPT_ERROR.responseBody!.check(outcome, 'SCRIPT_ERROR')).toBeNull();
    expect(await run('for i = 1, 10 do')).toEqual({ kind: 'syntax', message: "script:1: 'end' expected near <eof>" });
  });

  it('a runtime error is kind runtime, with the script\'s frames in the traceback and nothing of the runner', async () => {
    // (No tail calls: Lua keeps no frame for those.)
    const outcome = await run('local function inner(t)\n  local v = t.field.sub\n  return v\nend\nlocal function outer()\n  local v = inner({})\n  return v\nend\nlocal r = outer()\nreturn r');
    expect(outcome).toMatchObject({ kind: 'runtime', message: "script:2: attempt to index a nil value (field 'field')" });
    const traceback = (outcome as { traceback: string }).traceback;
    expect(traceback.split('\n')).toEqual([
      'stack traceback:',
      "\tscript:2: in upvalue 'inner'",
      "\tscript:6: in local 'outer'",
      '\tscript:9: in main chunk',
    ]);
  });

  it('error values that are not strings are described', async () => {
    expect(await run('error()')).toMatchObject({ kind: 'runtime', message: 'nil' });
    expect(await run('error(42)')).toMatchObject({ kind: 'runtime', message: '42' });
    expect(await run('error({ code = 1 })')).toMatchObject({ kind: 'runtime', message: '(error object is a table value)' });
    expect(await run('error(setmetatable({}, { __tostring = function() return "custom" end }))')).toMatchObject({ message: 'custom' });
    expect(await run('error("no position", 0)')).toMatchObject({ message: 'no position' });
  });

  it('long error messages are cut', async () => {
    const outcome = await run('error(("x"):rep(100000), 0)');
    expect((outcome as { message: string }).message).toMatch(/^x{8192} \.\.\. \[91808 more bytes of the message cut\]$/);
  });
});

describe('concurrency', () => {
  it('caps running scripts, queues the next ones and refuses beyond the queue (RATE_LIMITED)', async () => {
    const small = createScriptRunner({ maxConcurrent: 1, maxQueued: 1, warmWorkers: 1, defaultTimeoutMs: 10_000 });
    try {
      const first = small.run({ source: 'while true do end', timeoutMs: 600 });
      const second = small.run({ source: 'return "second"' });
      expect(small.running).toBe(1);
      expect(small.queued).toBe(1);
      const third = small.run({ source: 'return "third"' });
      await expect(third).rejects.toBeInstanceOf(ScriptRunnerBusyError);
      await expect(third).rejects.toMatchObject({ code: 'RATE_LIMITED', message: expect.stringMatching(/1 scripts are running and 1 are waiting/) });
      expect(await first).toMatchObject({ kind: 'timeout' });
      expect(await second).toMatchObject({ result: 'second' });
      expect(small.running).toBe(0);
      expect(small.queued).toBe(0);
    } finally {
      await small.close();
    }
  });

  it('a flood of runs completes in order of admission, never more than maxConcurrent at once', async () => {
    const small = createScriptRunner({ maxConcurrent: 2, maxQueued: 20, warmWorkers: 2, defaultTimeoutMs: 10_000 });
    try {
      let peak = 0;
      const runs = Array.from({ length: 8 }, (_, i) => small.run({ source: `return ${i}` }).then((o) => ((peak = Math.max(peak, small.running)), o)));
      peak = Math.max(peak, small.running);
      const outcomes = await Promise.all(runs);
      expect(outcomes.map((o) => (o as { result: number }).result)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(peak).toBeLessThanOrEqual(2);
    } finally {
      await small.close();
    }
  });
});

describe('abort and close', () => {
  it('aborting a queued run removes it; aborting a running one stops its worker', async () => {
    const small = createScriptRunner({ maxConcurrent: 1, maxQueued: 4, warmWorkers: 1, defaultTimeoutMs: 10_000 });
    try {
      const runningCtl = new AbortController();
      const queuedCtl = new AbortController();
      const running = small.run({ source: 'while true do end', timeoutMs: 30_000, signal: runningCtl.signal });
      const queued = small.run({ source: 'return 1', signal: queuedCtl.signal });
      expect(small.queued).toBe(1);
      queuedCtl.abort(new Error('session closed'));
      await expect(queued).rejects.toThrow('session closed');
      expect(small.queued).toBe(0);
      await new Promise((r) => setTimeout(r, 200));
      const t0 = performance.now();
      runningCtl.abort(new Error('client went away'));
      await expect(running).rejects.toThrow('client went away');
      expect(performance.now() - t0).toBeLessThan(5000);
      expect(small.running).toBe(0);
      expect(await small.run({ source: 'return "after"' })).toMatchObject({ result: 'after' });
      const already = AbortSignal.abort(new Error('too late'));
      await expect(small.run({ source: 'return 1', signal: already })).rejects.toThrow('too late');
    } finally {
      await small.close();
    }
  });

  it('close rejects running and queued runs, and every later run', async () => {
    const small = createScriptRunner({ maxConcurrent: 1, maxQueued: 4, warmWorkers: 1 });
    const running = small.run({ source: 'while true do end', timeoutMs: 30_000 });
    const queued = small.run({ source: 'return 1' });
    const rejected = [expect(running).rejects.toBeInstanceOf(ScriptRunnerClosedError), expect(queued).rejects.toBeInstanceOf(ScriptRunnerClosedError)];
    await small.close();
    await Promise.all(rejected);
    await expect(small.run({ source: 'return 1' })).rejects.toBeInstanceOf(ScriptRunnerClosedError);
    await small.close(); // twice is fine
  });
});

describe('hostile input', () => {
  it('a source longer than the limit is refused without starting anything', async () => {
    const outcome = await runner.run({ source: `return "${'x'.repeat(262_145)}"` });
    expect(outcome).toEqual({ kind: 'forbidden', message: 'the script is 262154 characters long; the limit is 262144' });
  });

  it('world and args must be JSON: cycles and BigInts are the caller\'s error', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(runner.run({ source: 'return 1', world: cyclic })).rejects.toBeInstanceOf(TypeError);
    await expect(runner.run({ source: 'return 1', args: { n: 1n } })).rejects.toBeInstanceOf(TypeError);
    await expect(runner.run({ source: 42 as unknown as string })).rejects.toBeInstanceOf(TypeError);
  });

  it('a world beyond maxWorldChars is refused with a message', async () => {
    const small = createScriptRunner({ maxWorldChars: 1000, warmWorkers: 0 });
    try {
      expect(await small.run({ source: 'return 1', world: { s: 'x'.repeat(2000) } })).toEqual({
        kind: 'runtime',
        message: 'the world is 2008 characters of JSON; scripts accept at most 1000',
      });
    } finally {
      await small.close();
    }
  });

  it('sources with NUL bytes, lone surrogates and binary noise give a valid outcome, never a crash', async () => {
    expect(await run('return "a\0b"')).toMatchObject({ result: 'a\0b' });
    expect(await run('return "\ud800"')).toMatchObject({ result: '\ufffd' });
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 200 }), async (source) => {
        const outcome = await runner.run({ source, timeoutMs: 2000 });
        expect(outcomeProblem(outcome)).toBeNull();
      }),
      { numRuns: 20 },
    );
  });

  it('scripts made of plausible Lua fragments give a valid outcome of a known kind', async () => {
    const fragment = fc.constantFrom(
      'local x = 1', 'return x', 'end', 'function f() ', 'f()', 'while false do', 'print(x)', 'error("e")', '{', '}',
      'world.a = 1', 'io', 'string.dump', '(', ')', '"', '--[[', ']]', 'x = x .. x', 'return world', 'goto l', '::l::',
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fragment, { maxLength: 12 }), async (parts) => {
        const outcome = await runner.run({ source: parts.join('\n'), timeoutMs: 2000 });
        expect(outcomeProblem(outcome)).toBeNull();
        if (isScriptError(outcome)) expect(['syntax', 'runtime', 'forbidden', 'timeout', 'memory']).toContain(outcome.kind);
      }),
      { numRuns: 20 },
    );
  });
});

describe('workers', () => {
  const boot = {
    wasmoonPath: '/nonexistent/wasmoon.js',
    sandboxSource: SANDBOX_LUA,
    encoderSource: JSON_ENCODER_LUA,
    maxOutputLines: 10,
    maxOutputLineBytes: 100,
    maxOutputBytes: 1000,
    maxResultBytes: 1000,
    maxResultDepth: 8,
    maxMessageBytes: 100,
    maxInputDepth: 8,
  };

  it('a worker that cannot start makes its run reject with the reason', async () => {
    const worker = new LuaWorker({ source: luaWorkerSource(), boot, heapMb: 64 });
    await expect(worker.run({ source: 'return 1', memoryLimitBytes: 1 << 20 }, { setupTimeoutMs: 5000, timeoutMs: 1000 })).rejects.toThrow(
      /could not start|Cannot find module/,
    );
    expect(worker.usable).toBe(false);
  });

  it('a worker that cannot compile its sandbox says so', async () => {
    const broken = { ...boot, wasmoonPath: createRequireResolve('wasmoon'), sandboxSource: 'this is not lua' };
    const worker = new LuaWorker({ source: luaWorkerSource(), boot: broken, heapMb: 64 });
    await expect(worker.ready).rejects.toThrow(/the sandbox does not compile/);
  });

  it('runs one job only', async () => {
    const worker = new LuaWorker({ source: luaWorkerSource(), boot: { ...boot, wasmoonPath: createRequireResolve('wasmoon') }, heapMb: 64 });
    const timing = { setupTimeoutMs: 5000, timeoutMs: 5000 };
    expect(await worker.run({ source: 'return 1', memoryLimitBytes: 1 << 20 }, timing)).toMatchObject({ result: 1 });
    await expect(worker.run({ source: 'return 2', memoryLimitBytes: 1 << 20 }, timing)).rejects.toThrow('runs one job only');
  });
});

function createRequireResolve(name: string): string {
  return import.meta.resolve(name).replace(/^file:\/\//, '');
}
