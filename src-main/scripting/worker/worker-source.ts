/**
 * The source text a Lua worker thread is started from (`new Worker(text,
 * { eval: true })`). Evaluating text, instead of pointing Worker at a file,
 * is what lets the same code run from the TypeScript sources under vitest
 * and tsx (Node cannot start a worker from a .ts file) and from the bundle
 * electron-vite builds (which has no separate worker file to point at).
 */
import { luaWorkerMain } from './lua-worker';

let cached: string | undefined;

export function luaWorkerSource(): string {
  cached ??= [
    "'use strict';",
    "const { parentPort, workerData } = require('node:worker_threads');",
    // tsx (esbuild keepNames) wraps inner functions in __name(fn, "name"), which only sets .name.
    'const __name = (fn) => fn;',
    `(${luaWorkerMain.toString()})(parentPort, workerData, require(workerData.wasmoonPath));`,
  ].join('\n');
  return cached;
}
