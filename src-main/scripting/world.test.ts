/**
 * Reading `world` (and `args`): nested tables, 1-based arrays, lengths with
 * nulls, iteration, the raw functions seen through views, and a property:
 * any JSON world read whole comes back equal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createScriptRunner, type ScriptRunner } from './runner';
import { isScriptError, outcomeProblem } from './outcome';

let runner: ScriptRunner;
beforeAll(() => {
  runner = createScriptRunner({ defaultTimeoutMs: 10_000 });
});
afterAll(() => runner.close());

const world = {
  creatures: [
    { id: 'c1', name: 'Rat', type: 'monster', health: 20, position: { x: 100, y: 200, z: 7 } },
    { id: 'p1', name: 'Knight', type: 'player', health: 185, position: { x: 101, y: 200, z: 7 } },
    { id: 'p2', name: 'Druid', type: 'player', health: 140, position: { x: 95, y: 210, z: 6 } },
  ],
  items: { '17': { name: 'sword' }, '3031': { name: 'gold coin', count: 100 } },
  names: ['a', 'b', 'c'],
  holes: [1, null, null, 4, null],
  empty: {},
  time: { hour: 14, minute: 5 },
  text: 'nul\0inside, é, 😀',
};

async function result(source: string, w: unknown = world, args?: unknown): Promise<unknown> {
  const outcome = await runner.run({ source, world: w, args, timeoutMs: 10_000 });
  expect(outcomeProblem(outcome)).toBeNull();
  if (isScriptError(outcome)) throw new Error(`${outcome.kind}: ${outcome.message}\n${outcome.traceback ?? ''}`);
  return outcome.result;
}

describe('reading world', () => {
  it('nested fields, arrays from 1', async () => {
    expect(await result('return #world.creatures')).toBe(3);
    expect(await result('return world.creatures[1].name')).toBe('Rat');
    expect(await result('return world.creatures[0]')).toBeNull();
    expect(await result('return world.creatures[3].position')).toEqual({ x: 95, y: 210, z: 6 });
    expect(await result('return world.time.hour * 60 + world.time.minute')).toBe(845);
  });

  it('object keys stay strings, even when they look like numbers', async () => {
    expect(await result('return { world.items["17"].name, world.items[17] == nil }')).toEqual(['sword', true]);
  });

  it('strings arrive whole: NUL characters, accents, emoji', async () => {
    expect(await result('return { world.text, #world.text }')).toEqual([world.text, Buffer.byteLength(world.text)]);
  });

  it('an admin query: find a player by name and report where they are', async () => {
    const source = `
      local name = args.name
      for _, c in ipairs(world.creatures) do
        if c.type == 'player' and c.name == name then
          local p = c.position
          print(string.format('%s is at %d,%d,%d', c.name, p.x, p.y, p.z))
          return p
        end
      end
      error('no player named ' .. name)`;
    const outcome = await runner.run({ source, world, args: { name: 'Druid' }, timeoutMs: 10_000 });
    expect(outcome).toMatchObject({ result: { x: 95, y: 210, z: 6 }, output: ['Druid is at 95,210,6'] });
    expect(await runner.run({ source, world, args: { name: 'Nobody' }, timeoutMs: 10_000 })).toMatchObject({
      kind: 'runtime',
      message: 'script:10: no player named Nobody',
    });
  });

  it('# counts an array as JSON does, nulls included; ipairs stops at the first nil', async () => {
    expect(await result('local n = 0 for _ in ipairs(world.holes) do n = n + 1 end return { #world.holes, n }')).toEqual([5, 1]);
    expect(await result('return world.holes[1], world.holes[2], world.holes[4]')).toEqual([1, null, 4]);
  });

  it('pairs and next walk a view; the values they give are views too', async () => {
    expect(await result('local keys = {} for k in pairs(world.time) do keys[#keys + 1] = k end table.sort(keys) return keys')).toEqual([
      'hour',
      'minute',
    ]);
    expect(await result('local n = 0 for i, c in pairs(world.creatures) do n = n + i end return n')).toBe(6);
    expect(await result('return next(world.empty) == nil')).toBe(true);
    expect(await result('local k, v = next(world.names) return { k, v }')).toEqual([1, 'a']);
    expect(await result('for _, c in pairs(world.creatures) do local ok = pcall(function() c.name = "x" end) if ok then return "writable" end end return "read-only"')).toBe('read-only');
  });

  it('rawget, rawlen, rawequal read through a view', async () => {
    expect(await result('return { rawget(world, "time").hour, rawlen(world.names), rawget(world.names, 2), rawequal(world.time, world.time) }')).toEqual([
      14,
      3,
      'b',
      true,
    ]);
  });

  it('each table has one view: world.a == world.a', async () => {
    expect(await result('return world.creatures == world.creatures and world.creatures[1] == world.creatures[1]')).toBe(true);
  });

  it('table functions that only read work on views', async () => {
    expect(await result('return table.concat(world.names, ",")')).toBe('a,b,c');
    expect(await result('return { table.unpack(world.names) }')).toEqual(['a', 'b', 'c']);
    expect(await result('return table.move(world.names, 1, 3, 1, {})')).toEqual(['a', 'b', 'c']);
  });

  it('a script can copy from the world into its own tables and change those', async () => {
    expect(await result('local mine = {} for i, n in ipairs(world.names) do mine[i] = n:upper() end table.sort(mine, function(a, b) return a > b end) return mine')).toEqual([
      'C',
      'B',
      'A',
    ]);
  });

  it('without a world, world is an empty read-only table; a JSON null world is nil; a scalar world is itself', async () => {
    expect(await runner.run({ source: 'return { type(world), next(world) == nil, (pcall(function() world.x = 1 end)) }' })).toMatchObject({
      result: ['table', true, false],
    });
    expect(await result('return type(world)', null)).toBe('nil');
    expect(await result('return world + 1', 41)).toBe(42);
  });

  it('worldJson is used as given', async () => {
    const outcome = await runner.run({ source: 'return world.a', worldJson: '{"a":[1,2]}' });
    expect(outcome).toMatchObject({ result: [1, 2] });
  });
});

describe('args', () => {
  it('are plain tables the script may change; absent args are an empty table', async () => {
    expect(await result('args.list[#args.list + 1] = 4 return args.list', undefined, { list: [1, 2, 3] })).toEqual([1, 2, 3, 4]);
    expect(await result('return { type(args), next(args) == nil }')).toEqual(['table', true]);
    expect(await result('return args', undefined, 'just a string')).toBe('just a string');
  });

  it('input nested deeper than the limit is refused with a clear message', async () => {
    let deep: unknown = 1;
    for (let i = 0; i < 250; i++) deep = [deep];
    expect(await runner.run({ source: 'return 1', args: deep })).toEqual({ kind: 'runtime', message: 'args nests deeper than 200 levels' });
    expect(await runner.run({ source: 'return 1', world: { deep } })).toEqual({ kind: 'runtime', message: 'world nests deeper than 200 levels' });
  });
});

/** JSON values a world can hold and get back unchanged: object members are never null (a null member reads as an absent key). */
const jsonWorld = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string({ unit: 'grapheme', maxLength: 12 }),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => (Object.is(d, -0) ? 0 : d)),
    fc.boolean(),
    fc.array(fc.oneof(tie('value'), fc.constant(null)), { maxLength: 5 }),
    fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 8 }).filter((k) => k !== '__proto__'), tie('value'), { maxKeys: 5 }),
  ),
})).value;

describe('round trip', () => {
  it('any JSON world, returned whole, comes back equal', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(jsonWorld, { minLength: 1, maxLength: 8 }), async (values) => {
        const outcome = await runner.run({ source: 'return world', world: values, timeoutMs: 10_000 });
        expect(outcome).toEqual({ result: values, output: [], durationMs: expect.any(Number) });
      }),
      { numRuns: 15 },
    );
  });
});
