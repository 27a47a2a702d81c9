/**
 * Return values of every Lua type → JSON-safe SCRIPT_RESULT.result, and the
 * limits on what can be returned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScriptRunner, type ScriptRunner } from './runner';
import { isScriptError, outcomeProblem } from './outcome';

let runner: ScriptRunner;
beforeAll(() => {
  runner = createScriptRunner({ maxResultBytes: 64 * 1024, defaultTimeoutMs: 10_000 });
});
afterAll(() => runner.close());

async function result(source: string, world?: unknown): Promise<unknown> {
  const outcome = await runner.run({ source, world, timeoutMs: 10_000 });
  expect(outcomeProblem(outcome)).toBeNull();
  if (isScriptError(outcome)) throw new Error(`${outcome.kind}: ${outcome.message}`);
  // What the peer receives: the body goes through JSON on the wire.
  expect(JSON.parse(JSON.stringify(outcome.result))).toEqual(outcome.result);
  return outcome.result;
}

describe('scalars', () => {
  it.each([
    ['return', null],
    ['return nil', null],
    ['return true', true],
    ['return false', false],
    ['return 42', 42],
    ['return -7', -7],
    ['return 0.1', 0.1],
    ['return 1/3', 1 / 3],
    ['return 2.0', 2],
    ['return 1e300', 1e300],
    ['return 5e-324', 5e-324],
    ['return 2^53', 2 ** 53],
    ['return 9007199254740992', 9007199254740992],
    ['return -9007199254740992', -9007199254740992],
    ['return "hello"', 'hello'],
    ['return ""', ''],
  ])('%s → %j', async (source, expected) => {
    expect(await result(source)).toEqual(expected);
  });

  it('integers beyond ±2^53 come back as their decimal text, exactly', async () => {
    expect(await result('return { math.maxinteger, math.mininteger, 9007199254740993 }')).toEqual([
      '9223372036854775807',
      '-9223372036854775808',
      '9007199254740993',
    ]);
  });

  it('nan and infinities come back as strings', async () => {
    expect(await result('return { 0/0, 1/0, -1/0 }')).toEqual(['nan', 'inf', '-inf']);
  });

  it('strings: control characters, quotes, NUL, Unicode survive; invalid UTF-8 bytes become U+FFFD', async () => {
    expect(await result(String.raw`return "a\0b\"c\\d\n\t\1\127é😀"`)).toBe('a\0b"c\\d\n\t\x01\x7fé😀');
    expect(await result(String.raw`return "ok\xff\xfe!"`)).toBe('ok\ufffd\ufffd!');
    expect(await result(String.raw`return "\xe2\x82"`)).toBe('\ufffd\ufffd'); // a cut sequence
    expect(await result(String.raw`return "\xed\xa0\x80"`)).toBe('\ufffd\ufffd\ufffd'); // an encoded surrogate
    expect(await result(String.raw`return "\xc0\xaf"`)).toBe('\ufffd\ufffd'); // overlong
  });

  it('functions, coroutines are described, not sent', async () => {
    expect(await result('return { print, function() end, coroutine.create(function() end) }')).toEqual([
      '[function]',
      '[function]',
      '[thread]',
    ]);
  });
});

describe('several values', () => {
  it('more than one return value → an array, nils kept as nulls', async () => {
    expect(await result('return 1, "two", true')).toEqual([1, 'two', true]);
    expect(await result('return nil, nil')).toEqual([null, null]);
    expect(await result('return 1, nil, 3, nil')).toEqual([1, null, 3, null]);
  });
});

describe('tables', () => {
  it('a sequence 1..n is an array (1-based in Lua, 0-based in JSON)', async () => {
    expect(await result('return { "a", "b", "c" }')).toEqual(['a', 'b', 'c']);
    expect(await result('local t = {} for i = 1, 5 do t[i] = i * i end return t')).toEqual([1, 4, 9, 16, 25]);
  });

  it('an empty table is an empty array', async () => {
    expect(await result('return {}')).toEqual([]);
  });

  it('other tables are objects with sorted keys; number and boolean keys become text', async () => {
    const r = await result('return { b = 1, a = 2, [10] = "ten", [1.5] = "x", [true] = "yes" }');
    expect(r).toEqual({ '1.5': 'x', '10': 'ten', a: 2, b: 1, true: 'yes' });
    // Sorted by Lua (JavaScript then lists integer-like keys such as "10" first, whatever the JSON order).
    expect(Object.keys(await result('return { zeta = 1, alpha = 2, [1.5] = 3, [false] = 4, Beta = 5 }') as object)).toEqual([
      '1.5',
      'Beta',
      'alpha',
      'false',
      'zeta',
    ]);
    expect(await result('return { [0] = "zero", "one" }')).toEqual({ '0': 'zero', '1': 'one' });
    expect(await result('return { [1] = "a", [3] = "c" }')).toEqual({ '1': 'a', '3': 'c' });
    expect(await result('return { [{}] = 1 }')).toEqual({ '[table]': 1 });
  });

  it('nested tables', async () => {
    expect(await result('return { player = { name = "Knight", pos = { x = 1, y = 2, z = 7 }, items = { { id = 1 }, { id = 2 } } } }')).toEqual({
      player: { name: 'Knight', pos: { x: 1, y: 2, z: 7 }, items: [{ id: 1 }, { id: 2 }] },
    });
  });

  it('a table met again on its own path is "[cycle]"; shared (not cyclic) tables are repeated', async () => {
    expect(await result('local t = { name = "loop" } t.self = t return t')).toEqual({ name: 'loop', self: '[cycle]' });
    expect(await result('local a = { 1 } local b = { a } a[2] = b return a')).toEqual([1, ['[cycle]']]);
    expect(await result('local s = { 1 } return { s, s }')).toEqual([[1], [1]]);
  });

  it('metamethods of returned tables never run: the raw contents are sent', async () => {
    const source = `
      local t = setmetatable({ real = 1 }, {
        __index = function() error("index ran") end,
        __pairs = function() error("pairs ran") end,
        __tostring = function() error("tostring ran") end,
        __len = function() error("len ran") end,
      })
      return t`;
    expect(await result(source)).toEqual({ real: 1 });
  });

  it('world values come back as they were: empty objects stay objects, nulls in arrays stay', async () => {
    const world = { empty: {}, none: [], list: [1, null, 3], nested: { a: [{}] } };
    expect(await result('return world', world)).toEqual({ empty: {}, none: [], list: [1, null, 3], nested: { a: [{}] } });
    expect(await result('return world.empty, world.none', world)).toEqual([{}, []]);
  });

  it('args come back as they were too', async () => {
    const outcome = await runner.run({ source: 'return args', args: { empty: {}, list: [] }, timeoutMs: 10_000 });
    expect(outcome).toMatchObject({ result: { empty: {}, list: [] } });
  });
});

describe('limits on results', () => {
  it('a result larger than maxResultBytes is a runtime error that says so', async () => {
    const outcome = await runner.run({ source: 'local t = {} for i = 1, 100000 do t[i] = "entry " .. i end return t', timeoutMs: 10_000 });
    expect(outcome).toMatchObject({ kind: 'runtime', message: expect.stringMatching(/larger than 65536 bytes/) });
  });

  it('one huge string is refused before it is escaped', async () => {
    const outcome = await runner.run({ source: 'return ("x"):rep(10 * 1024 * 1024)', timeoutMs: 10_000 });
    expect(outcome).toMatchObject({ kind: 'runtime', message: expect.stringMatching(/larger than/) });
  });

  it('nesting deeper than maxResultDepth is a runtime error', async () => {
    const outcome = await runner.run({ source: 'local t = {} local c = t for i = 1, 100 do c.next = {} c = c.next end return t', timeoutMs: 10_000 });
    expect(outcome).toMatchObject({ kind: 'runtime', message: expect.stringMatching(/deeper than 64 levels/) });
    expect(await result('local t = {} local c = t for i = 1, 63 do c.n = {} c = c.n end return t')).toBeTypeOf('object');
  });
});
