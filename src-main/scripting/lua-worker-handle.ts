/**
 * The host's side of one Lua worker thread: started (and booted) ahead of
 * time, given one job, timed, and terminated. Termination is what makes the
 * time limit certain: it stops a Lua loop and a long C call (a pathological
 * string.find) alike, which a Lua debug hook cannot.
 */
import { Worker } from 'node:worker_threads';
import { scriptError, type ScriptOutcome } from './outcome';
import type { WorkerBoot, WorkerJob, WorkerMessage } from './worker/protocol';

export interface LuaWorkerConfig {
  /** The worker's program (worker-source.ts). */
  readonly source: string;
  readonly boot: WorkerBoot;
  /** V8 heap limit of the thread, MB. */
  readonly heapMb: number;
}

export interface RunTiming {
  /** From handing over the job until the script starts (world, args, compile). */
  readonly setupTimeoutMs: number;
  /** From the script's start until its outcome. */
  readonly timeoutMs: number;
}

interface PendingRun {
  readonly resolve: (outcome: ScriptOutcome) => void;
  readonly reject: (error: unknown) => void;
  readonly timing: RunTiming;
  timer?: NodeJS.Timeout;
}

export class LuaWorker {
  /** Resolves with the boot time (ms) once the worker can take its job; rejects if it cannot start. */
  readonly ready: Promise<number>;
  private readonly worker: Worker;
  private pending: PendingRun | undefined;
  private used = false;
  private gone = false;
  private failure: Error | undefined;

  constructor(config: LuaWorkerConfig) {
    this.worker = new Worker(config.source, {
      eval: true,
      workerData: config.boot,
      resourceLimits: { maxOldGenerationSizeMb: config.heapMb, maxYoungGenerationSizeMb: Math.min(64, Math.max(8, config.heapMb >> 3)) },
    });
    // An idle worker must not keep the process alive; a running one does (see run).
    this.worker.unref();
    let readyResolve!: (ms: number) => void;
    let readyReject!: (e: Error) => void;
    this.ready = new Promise<number>((resolve, reject) => {
      readyResolve = resolve;
      readyReject = reject;
    });
    // Nobody may ever await an idle worker's readiness (the pool closes first): no unhandled rejection.
    this.ready.catch(() => {});

    this.worker.on('message', (m: WorkerMessage) => {
      switch (m.type) {
        case 'ready':
          readyResolve(m.bootMs);
          break;
        case 'boot-failed':
          this.failure = new Error(`the Lua worker could not start: ${m.message}`);
          readyReject(this.failure);
          void this.terminate();
          break;
        case 'started':
          this.startClock();
          break;
        case 'done':
          this.settle(m.outcome);
          break;
      }
    });
    this.worker.on('error', (e: Error & { code?: string }) => {
      this.failure = e;
      readyReject(new Error(`the Lua worker could not start: ${e.message}`));
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        this.settle(scriptError('memory', `the script's worker ran out of memory (${config.heapMb} MB of JavaScript heap)`));
      } else {
        this.settle(scriptError('runtime', `the Lua worker failed: ${e.message}`));
      }
    });
    this.worker.on('exit', (code) => {
      this.gone = true;
      readyReject(this.failure ?? new Error(`the Lua worker stopped before it was ready (exit code ${code})`));
      this.settle(scriptError('runtime', `the Lua worker stopped unexpectedly (exit code ${code})`));
    });
  }

  /** False once the thread has exited or failed: the pool drops such workers. */
  get usable(): boolean {
    return !this.gone && !this.used && this.failure === undefined;
  }

  /**
   * Runs the one job this worker will ever run. Resolves with the outcome
   * (timeouts and memory errors included); rejects only when the worker
   * cannot start, or with `signal.reason` when aborted.
   */
  async run(job: WorkerJob, timing: RunTiming, signal?: AbortSignal): Promise<ScriptOutcome> {
    if (this.used) throw new Error('a Lua worker runs one job only');
    this.used = true;
    this.worker.ref();
    const outcome = new Promise<ScriptOutcome>((resolve, reject) => {
      this.pending = { resolve, reject, timing };
    });
    const onAbort = (): void => this.cancel(signal!.reason);
    try {
      if (signal?.aborted) throw signal.reason;
      signal?.addEventListener('abort', onAbort, { once: true });
      await Promise.race([this.ready, outcome]);
      const p = this.pending;
      if (p) {
        p.timer = setTimeout(() => {
          this.settle(scriptError('timeout', `preparing the script (world, args, compile) took more than ${timing.setupTimeoutMs} ms`));
        }, timing.setupTimeoutMs);
        this.worker.postMessage(job);
      }
      return await outcome;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      const p = this.pending;
      this.pending = undefined;
      if (p) clearTimeout(p.timer);
      void this.terminate();
    }
  }

  /** Stops the worker; a run in progress rejects with `reason`. */
  cancel(reason: unknown): void {
    const p = this.pending;
    this.pending = undefined;
    if (p) {
      clearTimeout(p.timer);
      p.reject(reason);
    }
    void this.terminate();
  }

  /** Ends the thread (idempotent); resolves when it has exited. */
  terminate(): Promise<void> {
    if (this.gone) return Promise.resolve();
    return this.worker.terminate().then(
      () => undefined,
      () => undefined,
    );
  }

  private startClock(): void {
    const p = this.pending;
    if (!p) return;
    clearTimeout(p.timer);
    p.timer = setTimeout(() => {
      this.settle(scriptError('timeout', `script ran for more than ${p.timing.timeoutMs} ms`));
    }, p.timing.timeoutMs);
  }

  /** First outcome wins; the worker is stopped right away (it never runs a second job). */
  private settle(outcome: ScriptOutcome): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    clearTimeout(p.timer);
    p.resolve(outcome);
    void this.terminate();
  }
}
