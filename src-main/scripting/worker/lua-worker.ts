/**
 * The program of one Lua worker thread: open Lua 5.4 (wasmoon), set up the
 * sandbox, say `ready`, run exactly one job, say `done`. The host then
 * terminates the thread, so no state outlives a run.
 *
 * The worker is started from this function's source text (worker-source.ts),
 * which works the same from TypeScript sources (vitest, tsx) and from the
 * built bundle. So the function must stay self-contained: no imports at run
 * time, no reference to anything outside its body (types are fine: they are
 * erased). Everything it needs arrives as arguments.
 */
import type { MessagePort } from 'node:worker_threads';
import type * as Wasmoon from 'wasmoon';
import type { ScriptError, ScriptOutcome } from '../outcome';
import type { WorkerBoot, WorkerJob, WorkerMessage } from './protocol';

/** The raw wasm exports the table builder calls (emscripten names: `_` + the C function). */
interface LuaExports {
  readonly HEAPU8: Uint8Array;
  _malloc(size: number): number;
  _free(pointer: number): void;
  _lua_pushnil(L: number): void;
  _lua_pushboolean(L: number, b: number): void;
  _lua_pushinteger(L: number, n: bigint): void;
  _lua_pushnumber(L: number, n: number): void;
  _lua_pushlstring(L: number, s: number, len: number): number;
  _lua_pushvalue(L: number, index: number): void;
  _lua_createtable(L: number, narr: number, nrec: number): void;
  _lua_rawset(L: number, index: number): void;
  _lua_rawseti(L: number, index: number, n: bigint): void;
  _lua_checkstack(L: number, n: number): number;
}

export function luaWorkerMain(port: MessagePort, boot: WorkerBoot, wasmoon: typeof Wasmoon): void {
  // Lua C API status codes (lua.h) and type tags.
  const LUA_OK = 0;
  const LUA_ERRMEM = 4;
  const LUA_TSTRING = 4;
  const REGISTRY = wasmoon.LUA_REGISTRYINDEX;
  /** Lua memory allowed beyond what is live after the script, to encode its result and output. */
  const FINISH_HEADROOM = 4 * boot.maxResultBytes + 4 * boot.maxOutputBytes + 1024 * 1024;
  const bootStart = performance.now();
  const send = (message: WorkerMessage): void => port.postMessage(message);

  const start = async (): Promise<void> => {
    const engine = await new wasmoon.LuaFactory().createEngine({
      openStandardLibs: true,
      // No JS objects, proxies or Promise/Error globals: the script sees plain Lua only.
      injectObjects: false,
      enableProxy: false,
      // Needed for setMemoryMax: every Lua allocation goes through wasmoon's counting allocator.
      traceAllocations: true,
    });
    const global = engine.global;
    const lua = global.lua;
    const L = global.address;

    // Building tables calls straight into wasm, not through wasmoon's ccall wrappers: 1.5 to 2.5
    // times faster for a large world in a side-by-side try (a busy machine, so only roughly).
    // Strings go through one reusable buffer, UTF-8 encoded by TextEncoder (lone surrogates
    // become U+FFFD, so Lua only ever sees valid UTF-8).
    const wasm = lua.module as unknown as LuaExports;
    const utf8 = new TextEncoder();
    let buffer = 0;
    let capacity = 0;
    const pushString = (s: string): void => {
      const max = s.length * 3;
      if (max > capacity) {
        if (buffer) wasm._free(buffer);
        capacity = Math.max(max, 2 * capacity, 4096);
        buffer = wasm._malloc(capacity);
        if (!buffer) throw new Error('out of wasm memory');
      }
      const { written } = utf8.encodeInto(s, wasm.HEAPU8.subarray(buffer, buffer + max));
      wasm._lua_pushlstring(L, buffer, written);
    };
    const topText = (): string => {
      const t = lua.lua_type(L, -1);
      return t === LUA_TSTRING ? lua.lua_tolstring(L, -1, null) : `(a ${lua.lua_typename(L, t)} value)`;
    };

    // The sandbox chunk, called with the encoder's source and the limits, returns the runner's API.
    let status = lua.luaL_loadbufferx(L, boot.sandboxSource, lua.module.lengthBytesUTF8(boot.sandboxSource), '=sandbox', 't');
    if (status !== LUA_OK) throw new Error(`the sandbox does not compile: ${topText()}`);
    pushString(boot.encoderSource);
    const limits = [
      boot.maxOutputLines,
      boot.maxOutputLineBytes,
      boot.maxOutputBytes,
      boot.maxResultBytes,
      boot.maxResultDepth,
      boot.maxMessageBytes,
    ];
    for (const n of limits) lua.lua_pushinteger(L, BigInt(n));
    status = lua.lua_pcallk(L, 1 + limits.length, 1, 0, 0, null);
    if (status !== LUA_OK) throw new Error(`the sandbox failed to start: ${topText()}`);
    const ref = (field: string): number => {
      lua.lua_getfield(L, -1, field);
      return lua.luaL_ref(L, REGISTRY);
    };
    const api = { install: ref('install'), compile: ref('compile'), exec: ref('exec'), finish: ref('finish'), jsonLength: ref('jsonLength') };
    lua.lua_settop(L, 0);

    const call = (fn: number, pushArgs: () => number, results: number): number => {
      lua.lua_rawgeti(L, REGISTRY, BigInt(fn));
      return lua.lua_pcallk(L, pushArgs(), results, 0, 0, null);
    };

    // ---- JSON value → Lua value, recording arrays and objects in the sandbox's jsonLength table.

    const TOO_DEEP = { what: '' };
    // The sandbox's jsonLength table sits at this stack slot while tables are built.
    let lengths = 0;
    const markJsonKind = (length: number | false): void => {
      wasm._lua_pushvalue(L, -1);
      if (length === false) wasm._lua_pushboolean(L, 0);
      else wasm._lua_pushinteger(L, BigInt(length));
      wasm._lua_rawset(L, lengths);
    };
    const pushJson = (value: unknown, depth: number, what: string): void => {
      switch (typeof value) {
        case 'boolean':
          wasm._lua_pushboolean(L, value ? 1 : 0);
          return;
        case 'number':
          if (Number.isSafeInteger(value)) wasm._lua_pushinteger(L, BigInt(value));
          else wasm._lua_pushnumber(L, value);
          return;
        case 'string':
          pushString(value);
          return;
        case 'object':
          if (value !== null) break;
          wasm._lua_pushnil(L);
          return;
        default:
          wasm._lua_pushnil(L);
          return;
      }
      if (depth >= boot.maxInputDepth) {
        TOO_DEEP.what = what;
        throw TOO_DEEP;
      }
      if (!wasm._lua_checkstack(L, 4)) throw new Error('the Lua stack is full');
      if (Array.isArray(value)) {
        wasm._lua_createtable(L, value.length, 0);
        for (let i = 0; i < value.length; i++) {
          pushJson(value[i], depth + 1, what);
          wasm._lua_rawseti(L, -2, BigInt(i + 1));
        }
        markJsonKind(value.length);
      } else {
        const object = value as Record<string, unknown>;
        const keys = Object.keys(object);
        wasm._lua_createtable(L, 0, keys.length);
        for (const key of keys) {
          pushString(key);
          pushJson(object[key], depth + 1, what);
          wasm._lua_rawset(L, -3);
        }
        markJsonKind(false);
      }
    };
    /** Pushes world and args (2 values) for install, with the jsonLength table under them. */
    const pushInputs = (world: unknown, args: unknown): number => {
      lua.lua_rawgeti(L, REGISTRY, BigInt(api.jsonLength));
      lengths = lua.lua_gettop(L);
      pushJson(world, 0, 'world');
      pushJson(args, 0, 'args');
      lua.lua_remove(L, lengths);
      return 2;
    };

    // ---- Outcomes

    const mib = (bytes: number): string => `${Math.round((bytes / 1048576) * 10) / 10} MiB`;
    const memoryError = (limit: number): ScriptOutcome => ({
      kind: 'memory',
      message: `the script needed more than its ${mib(limit)} of memory`,
    });
    const fromStatus = (s: number, limit: number): ScriptOutcome =>
      s === LUA_ERRMEM ? memoryError(limit) : { kind: 'runtime', message: topText() };
    const fromSandbox = (json: string, durationMs: number, limit: number): ScriptOutcome => {
      const r = JSON.parse(json) as
        | { ok: true; result: unknown; output: string[] }
        | { ok: false; kind: ScriptError['kind']; message: string; traceback?: string };
      if (r.ok) return { result: r.result, output: r.output, durationMs: Math.round(durationMs * 1000) / 1000 };
      if (r.kind === 'memory') return memoryError(limit);
      return r.traceback === undefined ? { kind: r.kind, message: r.message } : { kind: r.kind, message: r.message, traceback: r.traceback };
    };

    const runJob = (job: WorkerJob): ScriptOutcome => {
      const limit = job.memoryLimitBytes;
      let world: unknown = {};
      let args: unknown = {};
      try {
        if (job.worldJson !== undefined) world = JSON.parse(job.worldJson);
        if (job.argsJson !== undefined) args = JSON.parse(job.argsJson);
      } catch (e) {
        return { kind: 'runtime', message: `world or args is not JSON: ${(e as Error).message}` };
      }
      let status: number;
      try {
        status = call(api.install, () => pushInputs(world, args), 0);
      } catch (e) {
        if (e !== TOO_DEEP) throw e;
        return { kind: 'runtime', message: `${TOO_DEEP.what} nests deeper than ${boot.maxInputDepth} levels` };
      }
      if (status !== LUA_OK) return fromStatus(status, limit);
      world = args = undefined; // the Lua copies are all the script needs

      // The limit counts what the script allocates, not the world it was given.
      global.setMemoryMax(global.getMemoryUsed() + limit);
      status = call(api.compile, () => (pushString(job.source), 1), 1);
      if (status !== LUA_OK) return fromStatus(status, limit);
      if (lua.lua_type(L, -1) === LUA_TSTRING) return fromSandbox(lua.lua_tolstring(L, -1, null), 0, limit);
      lua.lua_settop(L, 0);

      send({ type: 'started' });
      const t0 = performance.now();
      status = call(api.exec, () => 0, 0);
      const durationMs = performance.now() - t0;
      if (status !== LUA_OK) return fromStatus(status, limit);

      global.setMemoryMax(global.getMemoryUsed() + FINISH_HEADROOM);
      status = call(api.finish, () => 0, 1);
      if (status !== LUA_OK) return fromStatus(status, limit);
      return fromSandbox(lua.lua_tolstring(L, -1, null), durationMs, limit);
    };

    port.once('message', (job: WorkerJob) => {
      let outcome: ScriptOutcome;
      try {
        outcome = runJob(job);
      } catch (e) {
        // A wasm trap or a bug here: the thread is discarded anyway, so report and stop.
        outcome = { kind: 'runtime', message: `the Lua worker failed: ${e instanceof Error ? e.message : String(e)}` };
      }
      send({ type: 'done', outcome });
    });
    send({ type: 'ready', bootMs: performance.now() - bootStart });
  };

  start().catch((e: unknown) => send({ type: 'boot-failed', message: e instanceof Error ? e.message : String(e) }));
}
