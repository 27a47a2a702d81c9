/** The example scripts of docs/scripting.md, run against the example world, give what the page shows. */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScriptRunner, type ScriptRunner } from './runner';
import type { ScriptOutcome } from './outcome';

const dir = resolve(import.meta.dirname, '../../docs/examples/scripting');
const worldJson = readFileSync(join(dir, 'world.json'), 'utf8');

let runner: ScriptRunner;
beforeAll(() => {
  runner = createScriptRunner({ defaultTimeoutMs: 10_000 });
});
afterAll(() => runner.close());

function example(name: string, args?: unknown): Promise<ScriptOutcome> {
  return runner.run({ source: readFileSync(join(dir, `${name}.lua`), 'utf8'), worldJson, ...(args === undefined ? {} : { args }) });
}

describe('docs/examples/scripting', () => {
  it('count.lua', async () => {
    expect(await example('count')).toMatchObject({ result: 10, output: [] });
  });

  it('find-player.lua', async () => {
    expect(await example('find-player', { name: 'Kira' })).toMatchObject({ result: { x: 1010, y: 1005, z: 7 } });
    expect(await example('find-player', { name: 'Nobody' })).toEqual({
      kind: 'runtime',
      message: 'no player named Nobody',
      traceback: "stack traceback:\n\t[C]: in function 'error'\n\tscript:7: in main chunk",
    });
  });

  it('creatures-by-race.lua', async () => {
    expect(await example('creatures-by-race')).toMatchObject({ result: { orc: 3, rat: 4, troll: 1, wolf: 2 } });
  });

  it('near.lua', async () => {
    expect(await example('near', { name: 'Kira', radius: 6 })).toMatchObject({
      result: [
        { distance: 2, id: 'c1', name: 'Rat' },
        { distance: 2, id: 'c7', name: 'Rat' },
        { distance: 3, id: 'c10', name: 'Orc' },
        { distance: 5, id: 'c2', name: 'Cave Rat' },
      ],
    });
  });

  it('gold.lua', async () => {
    expect(await example('gold')).toMatchObject({
      result: 149,
      output: ['  37 gold at 1012,1004,7', ' 100 gold at 1031,1022,7', '  12 gold at 1060,1033,8', 'day 3, 21:40, rain'],
    });
  });
});
