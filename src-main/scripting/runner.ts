/**
 * The script runner behind SCRIPT_EXECUTE: Lua 5.4 in a fresh worker thread
 * per run, with a time limit, a memory limit and a cap on concurrent runs.
 * The server's event loop only posts messages and parses small answers, so
 * it keeps serving every other session while a script loops or allocates.
 *
 *   const runner = createScriptRunner();
 *   const outcome = await runner.run({ source: 'return #world.creatures', world });
 *   isScriptError(outcome) ? reply(SCRIPT_ERROR, outcome) : reply(SCRIPT_RESULT, outcome);
 *
 * The scope check (admin only, else FORBIDDEN) is the caller's job.
 */
import { createRequire } from 'node:module';
import { DEFAULT_LIMITS, effectiveTimeout, type ScriptLimits } from './limits';
import { scriptError, type ScriptOutcome } from './outcome';
import { LuaWorker } from './lua-worker-handle';
import { WarmPool } from './warm-pool';
import { luaWorkerSource } from './worker/worker-source';
import type { WorkerBoot, WorkerJob } from './worker/protocol';
import { SANDBOX_LUA } from './lua/sandbox';
import { JSON_ENCODER_LUA } from './lua/json-encoder';

export interface ScriptRunnerOptions extends Partial<ScriptLimits> {
  /** Scripts running at once (default 2: each one can take a core). */
  readonly maxConcurrent?: number;
  /** Runs waiting for a slot; one more is refused with ScriptRunnerBusyError (default 16). */
  readonly maxQueued?: number;
  /** Workers kept booted ahead of demand (default: maxConcurrent; 0 starts each on demand). */
  readonly warmWorkers?: number;
}

export interface ScriptRequest {
  /** Lua 5.4 source. */
  readonly source: string;
  /** The global `args` (any JSON value; default an empty table). */
  readonly args?: unknown;
  /** Time limit in ms (default and ceiling: the runner's limits). */
  readonly timeoutMs?: number;
  /** The global `world`, read-only (any JSON value; default an empty table). Serialised with JSON.stringify. */
  readonly world?: unknown;
  /**
   * `world` already as JSON text: a server that runs several scripts on the
   * same state can serialise it once. Takes precedence over `world`.
   */
  readonly worldJson?: string;
  /** Aborting stops the run (queued or running); run() then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

export interface ScriptRunner {
  /**
   * Resolves with the SCRIPT_RESULT or SCRIPT_ERROR body. Rejects only for
   * the host's problems: ScriptRunnerBusyError (queue full: answer
   * RATE_LIMITED), ScriptRunnerClosedError, an abort, a `world` that is not
   * JSON, or a worker that cannot start.
   */
  run(request: ScriptRequest): Promise<ScriptOutcome>;
  readonly running: number;
  readonly queued: number;
  /** Refuses new runs, rejects queued and running ones, stops every worker. */
  close(): Promise<void>;
}

/** Too many runs waiting: a server answers ERROR RATE_LIMITED. */
export class ScriptRunnerBusyError extends Error {
  readonly code = 'RATE_LIMITED';
}

export class ScriptRunnerClosedError extends Error {}

interface Waiting {
  readonly start: () => void;
  readonly reject: (e: unknown) => void;
}

export function createScriptRunner(options: ScriptRunnerOptions = {}): ScriptRunner {
  const limits: ScriptLimits = { ...DEFAULT_LIMITS, ...definedOnly(options) };
  const maxConcurrent = Math.max(1, options.maxConcurrent ?? 2);
  const maxQueued = Math.max(0, options.maxQueued ?? 16);
  const boot: WorkerBoot = {
    wasmoonPath: createRequire(import.meta.url).resolve('wasmoon'),
    sandboxSource: SANDBOX_LUA,
    encoderSource: JSON_ENCODER_LUA,
    maxOutputLines: limits.maxOutputLines,
    maxOutputLineBytes: limits.maxOutputLineBytes,
    maxOutputBytes: limits.maxOutputBytes,
    maxResultBytes: limits.maxResultBytes,
    maxResultDepth: limits.maxResultDepth,
    maxMessageBytes: limits.maxMessageBytes,
    maxInputDepth: limits.maxInputDepth,
  };
  const source = luaWorkerSource();
  const pool = new WarmPool(() => new LuaWorker({ source, boot, heapMb: limits.workerHeapMb }), Math.max(0, options.warmWorkers ?? maxConcurrent));
  pool.fill();

  const running = new Set<LuaWorker>();
  const queue: Waiting[] = [];
  let closed = false;

  const next = (): void => {
    while (running.size < maxConcurrent && queue.length > 0) queue.shift()!.start();
  };

  async function execute(job: WorkerJob, timeoutMs: number, signal: AbortSignal | undefined): Promise<ScriptOutcome> {
    const worker = pool.take();
    running.add(worker);
    try {
      return await worker.run(job, { setupTimeoutMs: limits.setupTimeoutMs, timeoutMs }, signal);
    } finally {
      running.delete(worker);
      next();
    }
  }

  function run(request: ScriptRequest): Promise<ScriptOutcome> {
    if (closed) return Promise.reject(new ScriptRunnerClosedError('the script runner is closed'));
    if (typeof request.source !== 'string') return Promise.reject(new TypeError('source must be a string'));
    if (request.source.length > limits.maxSourceChars) {
      return Promise.resolve(
        scriptError('forbidden', `the script is ${request.source.length} characters long; the limit is ${limits.maxSourceChars}`),
      );
    }
    let worldJson: string | undefined;
    let argsJson: string | undefined;
    try {
      worldJson = request.worldJson ?? (request.world === undefined ? undefined : JSON.stringify(request.world));
      argsJson = request.args === undefined ? undefined : JSON.stringify(request.args);
    } catch (e) {
      return Promise.reject(new TypeError(`world and args must be JSON values: ${(e as Error).message}`));
    }
    if (worldJson !== undefined && worldJson.length > limits.maxWorldChars) {
      return Promise.resolve(
        scriptError('runtime', `the world is ${worldJson.length} characters of JSON; scripts accept at most ${limits.maxWorldChars}`),
      );
    }
    const job: WorkerJob = {
      source: request.source,
      ...(worldJson === undefined ? {} : { worldJson }),
      ...(argsJson === undefined ? {} : { argsJson }),
      memoryLimitBytes: limits.memoryLimitBytes,
    };
    const timeoutMs = effectiveTimeout(request.timeoutMs, limits);
    const signal = request.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);

    if (running.size < maxConcurrent) return execute(job, timeoutMs, signal);
    if (queue.length >= maxQueued) {
      return Promise.reject(
        new ScriptRunnerBusyError(`${running.size} scripts are running and ${queue.length} are waiting; try again later`),
      );
    }
    return new Promise<ScriptOutcome>((resolve, reject) => {
      const onAbort = (): void => {
        const i = queue.indexOf(waiting);
        if (i >= 0) queue.splice(i, 1);
        reject(signal!.reason);
      };
      const waiting: Waiting = {
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          execute(job, timeoutMs, signal).then(resolve, reject);
        },
        reject: (e) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(waiting);
    });
  }

  return {
    run,
    get running() {
      return running.size;
    },
    get queued() {
      return queue.length;
    },
    async close() {
      if (closed) return;
      closed = true;
      const error = new ScriptRunnerClosedError('the script runner was closed');
      for (const w of queue.splice(0)) w.reject(error);
      const stopping = [...running].map((w) => {
        w.cancel(error);
        return w.terminate();
      });
      await Promise.all([pool.close(), ...stopping]);
    },
  };
}

/** Options without their undefined members, so they do not override the defaults. */
function definedOnly(options: ScriptRunnerOptions): Partial<ScriptLimits> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) if (v !== undefined && k in DEFAULT_LIMITS) out[k] = v;
  return out as Partial<ScriptLimits>;
}
