/**
 * One shared interval for every connection's heartbeat and idle checks,
 * instead of a timer per connection: 1000 sessions cost one timer, and
 * checks run at a fixed, coarse resolution that the 10 s / 30 s deadlines
 * do not need finer than.
 */
type Tick = (now: number) => void;

export class Ticker {
  private readonly subscribers = new Set<Tick>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly periodMs = 250) {}

  add(tick: Tick): () => void {
    this.subscribers.add(tick);
    if (!this.timer) {
      this.timer = setInterval(() => {
        const now = Date.now();
        for (const t of this.subscribers) t(now);
      }, this.periodMs);
      this.timer.unref();
    }
    return () => {
      this.subscribers.delete(tick);
      if (this.subscribers.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
    };
  }
}

export const sharedTicker = new Ticker();
