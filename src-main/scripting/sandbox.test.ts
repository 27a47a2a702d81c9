/**
 * Escape attempts: every removed global, string.dump, load through _G,
 * metatable tricks on shared values, writes to world (assignment, rawset,
 * setmetatable, table functions), and the exact set of globals a script sees.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScriptRunner, type ScriptRunner } from './runner';
import { isScriptError, outcomeProblem, type ScriptOutcome } from './outcome';

let runner: ScriptRunner;
beforeAll(() => {
  runner = createScriptRunner({ maxConcurrent: 2, defaultTimeoutMs: 10_000 });
});
afterAll(() => runner.close());

const world = {
  creatures: [
    { id: 'c1', name: 'Rat', position: { x: 100, y: 200, z: 7 } },
    { id: 'p1', name: 'Knight', type: 'player', position: { x: 101, y: 200, z: 7 } },
  ],
  time: { hour: 12 },
};

async function run(source: string, extra: { world?: unknown } = {}): Promise<ScriptOutcome> {
  const outcome = await runner.run({ source, world: extra.world ?? world, timeoutMs: 10_000 });
  expect(outcomeProblem(outcome)).toBeNull();
  return outcome;
}

async function result(source: string): Promise<unknown> {
  const outcome = await run(source);
  if (isScriptError(outcome)) throw new Error(`expected a result, got ${outcome.kind}: ${outcome.message}`);
  return outcome.result;
}

async function failure(source: string, kind: string): Promise<{ message: string; traceback?: string }> {
  const outcome = await run(source);
  if (!isScriptError(outcome)) throw new Error(`expected ${kind}, got the result ${JSON.stringify(outcome.result)}`);
  expect(outcome.kind, outcome.message).toBe(kind);
  return outcome;
}

const REMOVED = ['io', 'os', 'package', 'require', 'dofile', 'loadfile', 'load', 'debug', 'collectgarbage'];

describe('removed globals', () => {
  it('are absent from _G, and reading any of them raises a forbidden error naming it', async () => {
    const names = REMOVED.map((n) => `'${n}'`).join(', ');
    const r = (await result(`
      local out = {}
      for _, name in ipairs({ ${names} }) do
        local ok, err = pcall(function() return _G[name] end)
        out[name] = { raw = rawget(_G, name) == nil, ok = ok, message = tostring(err) }
      end
      return out
    `)) as Record<string, { raw: boolean; ok: boolean; message: string }>;
    for (const name of REMOVED) {
      expect(r[name]!.raw, name).toBe(true);
      expect(r[name]!.ok, name).toBe(false);
      expect(r[name]!.message).toContain(`'${name}' is not available in scripts`);
    }
  });

  const attempts: [string, string][] = [
    ['io', 'return io.open("/etc/passwd"):read("a")'],
    ['io', 'io.write("to the host\'s stdout")'],
    ['os', 'return os.execute("id")'],
    ['os', 'return os.getenv("HOME")'],
    ['os', 'os.exit(1)'],
    ['package', 'return package.loadlib("libc.so.6", "system")'],
    ['require', 'local fs = require("fs")'],
    ['dofile', 'dofile("/etc/passwd")'],
    ['loadfile', 'return loadfile("/etc/passwd")'],
    ['load', 'return load("return 1")()'],
    ['load', 'return _G.load("return 1")()'],
    ['load', 'return _G["lo" .. "ad"]("return 1")()'],
    ['load', 'return _ENV.load("return 1")()'],
    ['debug', 'return debug.getregistry()'],
    ['debug', 'return debug.getupvalue(print, 1)'],
    ['debug', 'debug.sethook()'],
    ['collectgarbage', 'return collectgarbage("count")'],
  ];
  it.each(attempts)('%s: %s → forbidden, with the script line', async (name, source) => {
    const e = await failure(source, 'forbidden');
    expect(e.message).toMatch(new RegExp(`^script:1: '${name}' is not available in scripts`));
    expect(e.traceback).toMatch(/script:1: in main chunk/);
    expect(e.traceback).not.toMatch(/sandbox/);
  });

  it('a forbidden access inside a coroutine or a function still reports forbidden', async () => {
    await failure('return coroutine.wrap(function() return os.time() end)()', 'forbidden');
    const e = await failure('local function f()\n  return require("x")\nend\nreturn f()', 'forbidden');
    expect(e.message).toMatch(/^script:2: /);
  });

  it('a script can catch a forbidden error and carry on', async () => {
    expect(await result('local ok, e = pcall(function() return io end) return { ok, tostring(e) }')).toEqual([
      false,
      expect.stringContaining("'io' is not available"),
    ]);
  });

  it('unknown globals are plain nil, not forbidden', async () => {
    expect(await result('return { type(undefinedThing), type(loadstring), type(setfenv) }')).toEqual(['nil', 'nil', 'nil']);
  });

  it('the global table keeps its metatable', async () => {
    await failure('setmetatable(_G, nil)', 'runtime');
    expect(await result('return getmetatable(_G)')).toBe('the global table is protected');
  });
});

describe('what a script sees', () => {
  it('exactly these globals: base functions, read-only libraries, world and args; no JS interop objects', async () => {
    const names = (await result('local k = {} for name in pairs(_G) do k[#k + 1] = name end table.sort(k) return k')) as string[];
    expect(names).toEqual([
      '_G', '_VERSION', 'args', 'assert', 'coroutine', 'error', 'getmetatable', 'ipairs', 'math', 'next', 'pairs', 'pcall',
      'print', 'rawequal', 'rawget', 'rawlen', 'rawset', 'select', 'setmetatable', 'string', 'table', 'tonumber', 'tostring',
      'type', 'utf8', 'warn', 'world', 'xpcall',
    ]);
    expect(await result('return _VERSION')).toBe('Lua 5.4');
  });
});

describe('string and the string metatable', () => {
  it('string.dump is gone, however it is reached', async () => {
    for (const source of [
      'return string.dump(print)',
      'return string["du" .. "mp"](function() end)',
      'return ("x").dump(function() end)',
      'local s = "x" return s:dump()',
    ]) {
      const e = await failure(source, 'forbidden');
      expect(e.message).toContain("'string.dump' is not available");
    }
    expect(await result('return rawget(string, "dump") == nil')).toBe(true);
  });

  it('getmetatable("") hides the metatable, so its __index cannot be reached or replaced', async () => {
    expect(await result('return getmetatable("")')).toBe('the string metatable is protected');
    expect(await result('return getmetatable("").__index')).toBeNull();
    await failure('return getmetatable("").__index.dump', 'runtime');
    await failure('getmetatable("").__index = {}', 'runtime');
    await failure('setmetatable("", {})', 'runtime');
    // String methods keep working.
    expect(await result('return ("abc"):upper() .. ("%d"):format(7)')).toBe('ABC7');
  });

  it('the standard libraries are read-only', async () => {
    for (const [source, path] of [
      ['string.upper = nil', 'string.upper'],
      ['string.format = print', 'string.format'],
      ['math.pi = 3', 'math.pi'],
      ['table.insert = nil', 'table.insert'],
      ['utf8.x = 1', 'utf8.x'],
      ['coroutine.wrap = nil', 'coroutine.wrap'],
    ] as const) {
      const e = await failure(source, 'forbidden');
      expect(e.message).toContain(`'${path}' is read-only`);
    }
    await failure('rawset(string, "upper", nil)', 'forbidden');
    await failure('setmetatable(math, {})', 'forbidden');
    expect(await result('return { math.floor(2.5), #("x"):rep(3), rawget(math, "pi") == math.pi, next(math) ~= nil }')).toEqual([
      2,
      3,
      true,
      true,
    ]);
  });

  it('refuses precompiled chunks', async () => {
    const e = await failure('\x1bLua\x54\x00\x19\x93\r\n\x1a\n', 'forbidden');
    expect(e.message).toMatch(/binary/);
  });
});

describe('world is read-only', () => {
  it.each([
    ['world.creatures = {}', 'world.creatures is read-only'],
    ['world.creatures[1].name = "Cat"', 'world.creatures[1].name is read-only'],
    ['world.creatures[1].position.x = 0', 'world.creatures[1].position.x is read-only'],
    ['world.newKey = true', 'world.newKey is read-only'],
    ['world.creatures[3] = {}', 'world.creatures[3] is read-only'],
    ['table.insert(world.creatures, {})', 'world.creatures[3] is read-only'],
    ['table.remove(world.creatures)', 'world.creatures[2] is read-only'],
    ['table.sort(world.creatures, function(a, b) return a.name < b.name end)', 'is read-only'],
    ['rawset(world, "creatures", {})', 'world is read-only: rawset cannot change it'],
    ['rawset(world.creatures, 1, nil)', 'world.creatures is read-only: rawset cannot change it'],
    ['setmetatable(world, {})', 'world is read-only: its metatable cannot be changed'],
    ['setmetatable(world.time, nil)', 'world.time is read-only: its metatable cannot be changed'],
  ])('%s → forbidden', async (source, message) => {
    const e = await failure(source, 'forbidden');
    expect(e.message).toContain(message);
  });

  it('getmetatable(world) gives a string, and the host data is untouched whatever the script tries', async () => {
    const mine = structuredClone(world);
    const outcome = await run(
      `
      assert(getmetatable(world) == 'read-only')
      pcall(rawset, world, 'creatures', 'gone')
      pcall(function() world.creatures[1].name = 'Cat' end)
      pcall(setmetatable, world, { __index = function() return 'fake' end })
      return { world.creatures[1].name, rawget(world, 'creatures') ~= 'gone', world.fake == nil }
    `,
      { world: mine },
    );
    expect(outcome).toMatchObject({ result: ['Rat', true, true] });
    expect(mine).toEqual(world);
  });

  it('a script may shadow the world global with its own (only its view changes)', async () => {
    expect(await result('world = { creatures = {} } return #world.creatures')).toBe(0);
  });
});

describe('a run leaves nothing behind', () => {
  it('globals set by one run are not seen by the next (every run has a fresh Lua state)', async () => {
    expect(await result('leaked = 42 string_backup = string return leaked')).toBe(42);
    expect(await result('return { type(leaked), type(string_backup) }')).toEqual(['nil', 'nil']);
  });
});
