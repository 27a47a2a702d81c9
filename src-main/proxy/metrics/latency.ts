/**
 * Latency distributions, in µs up to 60 s, reported in ms.
 *
 * - `LatencyStats`: an HDR histogram (3 significant digits, 32-bit counts,
 *   ~70 KiB) for the few distributions that must be exact to 0.1 %: the
 *   proxy's total and each message type.
 * - `SessionLatency`: one per proxy session (1000+ of them), log-linear
 *   buckets of our own: exact below 128 µs, then 64 buckets per power of
 *   two (no bucket wider than 1/64 ≈ 1.6 % of its values), 5.25 KiB of
 *   counts allocated at the first value. A value costs a clz32, a shift and
 *   an increment: ~17 ns with 1000 sessions, where hdr-histogram-js's
 *   compact 'packed' layout (~4 KiB), which sessions used before, took
 *   ~800 ns (bench/proxy/latency-recording.ts, part of bench:proxy).
 */
import * as hdr from 'hdr-histogram-js';

export interface LatencySnapshot {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

export const EMPTY_LATENCY: LatencySnapshot = { count: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 };

/** What the proxy's metrics need of a latency distribution. */
export interface LatencyRecorder {
  /** Records one latency in ms (fractions kept to the µs). */
  record(ms: number): void;
  readonly count: number;
  /** Percentiles in ms. */
  snapshot(): LatencySnapshot;
}

const MAX_US = 60_000_000;
/** The µs value a latency of `ms` is recorded as: rounded, at least 1 µs, at most 60 s. */
export const toUs = (ms: number): number => Math.min(MAX_US, Math.max(1, Math.round(ms * 1000)));

export class LatencyStats implements LatencyRecorder {
  private readonly h: hdr.Histogram;

  constructor() {
    this.h = hdr.build({
      bitBucketSize: 32,
      lowestDiscernibleValue: 1,
      highestTrackableValue: MAX_US,
      numberOfSignificantValueDigits: 3,
      autoResize: false,
    });
  }

  record(ms: number): void {
    this.h.recordValue(toUs(ms));
  }

  get count(): number {
    return this.h.totalCount;
  }

  snapshot(): LatencySnapshot {
    const h = this.h;
    if (h.totalCount === 0) return EMPTY_LATENCY;
    return {
      count: h.totalCount,
      p50: h.getValueAtPercentile(50) / 1000,
      p95: h.getValueAtPercentile(95) / 1000,
      p99: h.getValueAtPercentile(99) / 1000,
      max: h.maxValue / 1000,
      mean: h.mean / 1000,
    };
  }
}

/** Values below this are counted exactly, one bucket each. */
const EXACT = 128;
/** Buckets in all: 64 per power of two from 128 µs up to 2^26 µs (> 60 s). */
const BUCKETS = (26 - 6) * 64 + 64;

/** The bucket of `us` (an integer in 1 … MAX_US): its top 7 significant bits, and which power of two it is in. */
export function bucketOf(us: number): number {
  if (us < EXACT) return us;
  const shift = 25 - Math.clz32(us); // bits below the top 7
  return shift * 64 + (us >>> shift);
}

/** The highest value that falls in bucket `i` (what a percentile reports, as HDR histograms do). */
export function bucketTop(i: number): number {
  if (i < EXACT) return i;
  const shift = (i >>> 6) - 1;
  return ((i - shift * 64 + 1) << shift) - 1;
}

export class SessionLatency implements LatencyRecorder {
  private counts: Uint32Array | null = null;
  private n = 0;
  private sumUs = 0;
  private maxUs = 0;

  record(ms: number): void {
    const us = toUs(ms);
    const c = (this.counts ??= new Uint32Array(BUCKETS));
    c[bucketOf(us)]!++;
    this.n++;
    this.sumUs += us;
    if (us > this.maxUs) this.maxUs = us;
  }

  get count(): number {
    return this.n;
  }

  snapshot(): LatencySnapshot {
    const c = this.counts;
    if (!c || this.n === 0) return EMPTY_LATENCY;
    // Nearest rank: the smallest value with at least p % of the values at or below it; one walk for the three ranks.
    const ranks = [50, 95, 99].map((p) => Math.max(1, Math.ceil((p / 100) * this.n)));
    const found: number[] = [];
    let seen = 0;
    for (let i = 0; i < c.length && found.length < ranks.length; i++) {
      seen += c[i]!;
      while (found.length < ranks.length && seen >= ranks[found.length]!) found.push(Math.min(bucketTop(i), this.maxUs));
    }
    return {
      count: this.n,
      p50: found[0]! / 1000,
      p95: found[1]! / 1000,
      p99: found[2]! / 1000,
      max: this.maxUs / 1000,
      mean: this.sumUs / this.n / 1000,
    };
  }
}
