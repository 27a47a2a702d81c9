/**
 * The runner works from a bundle, not only from the TypeScript sources: the
 * module is built the way `npm run build` builds src-main (electron-vite's
 * main-process pipeline: Rolldown, ESM, dependencies external) into a
 * scratch folder under out/, then the built file is imported and run. This
 * is what proves the worker (started from its source text) needs no file of
 * its own next to the bundle, and that wasmoon and its .wasm are found.
 */
import { rmSync, existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { MainConfigFactory } from 'electron-vite';
import type * as Scripting from './index';
import { build } from 'vite';

const root = resolve(import.meta.dirname, '../..');
const outDir = join(root, 'out', `scripting-bundle-test-${process.pid}`);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

it('a bundled runner runs scripts: result, sandbox, timeout and memory', async () => {
  // electron-vite's own factory for main-process configs (its plugins, its defaults), with
  // one entry; \`electron-vite build\` itself only builds what a config file names.
  const config = await new MainConfigFactory(
    {
      build: {
        outDir,
        emptyOutDir: true,
        rollupOptions: { input: { scripting: join(root, 'src-main/scripting/index.ts') } },
      },
    },
    { root, logLevel: 'silent', mode: 'production', configFile: false },
    { root },
  ).build();
  await build({ ...config, configFile: false });
  const file = join(outDir, 'scripting.js');
  expect(existsSync(file)).toBe(true);
  // wasmoon stays an external import, resolved from node_modules at run time.
  expect(readFileSync(file, 'utf8')).not.toContain('class LuaFactory');

  const mod = (await import(pathToFileURL(file).href)) as typeof Scripting;
  const runner = mod.createScriptRunner({ warmWorkers: 1, defaultTimeoutMs: 10_000 });
  try {
    expect(await runner.run({ source: 'print("from the bundle") return #world.creatures', world: { creatures: [1, 2, 3] } })).toMatchObject({
      result: 3,
      output: ['from the bundle'],
    });
    expect(await runner.run({ source: 'return os.time()' })).toMatchObject({ kind: 'forbidden' });
    expect(await runner.run({ source: 'while true do end', timeoutMs: 200 })).toEqual({ kind: 'timeout', message: 'script ran for more than 200 ms' });
    expect(await runner.run({ source: 'return ("x"):rep(2^30)' })).toMatchObject({ kind: 'memory' });
  } finally {
    await runner.close();
  }
}, 120_000);
