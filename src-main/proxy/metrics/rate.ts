/**
 * Events per second over a sliding window of whole seconds: a ring of
 * per-second buckets, O(1) per event, no timers.
 */
export class RateWindow {
  private readonly buckets: Float64Array;
  private readonly stamps: Float64Array;
  total = 0;

  constructor(private readonly seconds = 5) {
    this.buckets = new Float64Array(seconds + 1);
    this.stamps = new Float64Array(seconds + 1).fill(-1);
  }

  add(n: number, nowMs: number): void {
    this.total += n;
    const sec = Math.floor(nowMs / 1000);
    const i = sec % this.buckets.length;
    if (this.stamps[i] !== sec) {
      this.stamps[i] = sec;
      this.buckets[i] = 0;
    }
    this.buckets[i]! += n;
  }

  /** Mean rate over the last `seconds` complete seconds (the current, partial second is left out). */
  rate(nowMs: number): number {
    const sec = Math.floor(nowMs / 1000);
    let sum = 0;
    for (let s = sec - this.seconds; s < sec; s++) {
      const i = ((s % this.buckets.length) + this.buckets.length) % this.buckets.length;
      if (this.stamps[i] === s) sum += this.buckets[i]!;
    }
    return sum / this.seconds;
  }
}
