/**
 * Messages between the host (lua-worker-handle.ts) and one Lua worker
 * thread (lua-worker.ts). A worker lives for one run:
 *
 *   host                          worker
 *    │  new Worker(boot)  ───────▶  opens Lua, runs the sandbox
 *    │  ◀─────────────── ready
 *    │  job ────────────────────▶  builds world and args, compiles
 *    │  ◀─────────────── started   (the script's clock starts here)
 *    │  ◀─────────────── done      outcome
 *    │  terminate()
 */
import type { ScriptOutcome } from '../outcome';

/** workerData: everything the worker needs, since its code cannot import anything. */
export interface WorkerBoot {
  /** Resolved path of wasmoon's entry (dist/index.js), loaded with require. */
  readonly wasmoonPath: string;
  readonly sandboxSource: string;
  readonly encoderSource: string;
  readonly maxOutputLines: number;
  readonly maxOutputLineBytes: number;
  readonly maxOutputBytes: number;
  readonly maxResultBytes: number;
  readonly maxResultDepth: number;
  readonly maxMessageBytes: number;
  readonly maxInputDepth: number;
}

export interface WorkerJob {
  readonly source: string;
  /** JSON text of `world`; absent → an empty read-only table. */
  readonly worldJson?: string;
  /** JSON text of `args`; absent → an empty table. */
  readonly argsJson?: string;
  readonly memoryLimitBytes: number;
}

export type WorkerMessage =
  | { readonly type: 'ready'; readonly bootMs: number }
  | { readonly type: 'boot-failed'; readonly message: string }
  | { readonly type: 'started' }
  | { readonly type: 'done'; readonly outcome: ScriptOutcome };
