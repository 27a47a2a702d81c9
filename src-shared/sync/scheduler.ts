/**
 * Time, injected. Sync code never starts a timer by itself: it takes a
 * Scheduler (and a clock), so tests and replays run on a ManualScheduler
 * in virtual time, and a server with 1000 sessions can drive them all from
 * one shared timer instead of 1000.
 */

export interface Scheduler {
  /** Calls `task` every `intervalMs` ms until the returned function is called. */
  every(intervalMs: number, task: () => void): () => void;
}

/** Real timers (setInterval), for a peer that has nothing better. */
export const timerScheduler: Scheduler = {
  every(intervalMs, task) {
    const handle = setInterval(task, intervalMs);
    return () => clearInterval(handle);
  },
};

interface ManualTask {
  readonly interval: number;
  next: number;
  readonly task: () => void;
  cancelled: boolean;
}

/** Virtual time: nothing runs until `advance`; `now` is its clock. */
export class ManualScheduler implements Scheduler {
  private time: number;
  private readonly tasks: ManualTask[] = [];

  constructor(start = 0) {
    this.time = start;
  }

  /** The virtual clock, in ms (pass it as `now` to the things this schedules). */
  readonly now = (): number => this.time;

  every(intervalMs: number, task: () => void): () => void {
    if (!(intervalMs > 0)) throw new RangeError(`interval must be positive, got ${intervalMs}`);
    const t: ManualTask = { interval: intervalMs, next: this.time + intervalMs, task, cancelled: false };
    this.tasks.push(t);
    return () => {
      t.cancelled = true;
      const i = this.tasks.indexOf(t);
      if (i >= 0) this.tasks.splice(i, 1);
    };
  }

  /** Moves time forward by `ms`, running every task that falls due, in time order. */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      let due: ManualTask | undefined;
      for (const t of this.tasks) if (t.next <= target && (!due || t.next < due.next)) due = t;
      if (!due) break;
      this.time = due.next;
      due.next += due.interval;
      due.task();
    }
    this.time = target;
  }

  get pending(): number {
    return this.tasks.length;
  }
}
