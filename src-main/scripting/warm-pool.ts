/**
 * A few Lua workers started ahead of time, so a run does not wait for a
 * thread to start and wasm Lua to instantiate (about 100 ms; see
 * docs/benchmarks.md). Workers are never reused: each one taken is replaced
 * by a fresh one, which boots while the taken one runs.
 */
import type { LuaWorker } from './lua-worker-handle';

export class WarmPool {
  private idle: LuaWorker[] = [];
  private closed = false;

  constructor(
    private readonly spawn: () => LuaWorker,
    private readonly size: number,
  ) {}

  /** Starts workers until `size` are idle. */
  fill(): void {
    if (this.closed) return;
    this.idle = this.idle.filter((w) => w.usable);
    while (this.idle.length < this.size) this.idle.push(this.spawn());
  }

  /** A worker that is ready or booting (the oldest first), and a replacement started behind it. */
  take(): LuaWorker {
    if (this.closed) throw new Error('the pool is closed');
    let worker = this.idle.shift();
    while (worker && !worker.usable) worker = this.idle.shift();
    worker ??= this.spawn();
    this.fill();
    return worker;
  }

  get idleCount(): number {
    return this.idle.length;
  }

  /** Stops the idle workers; resolves when they have exited. */
  async close(): Promise<void> {
    this.closed = true;
    const idle = this.idle;
    this.idle = [];
    await Promise.all(idle.map((w) => w.terminate()));
  }
}
