/**
 * The V8 pauses of this process (scavenges and the pauses of major
 * collections), counted from the last take(): how many, their total and the
 * longest (ms). A pause holds everything in flight through the process, so
 * the benchmarks' children report it beside their latencies.
 */
import { PerformanceObserver } from 'node:perf_hooks';

export interface GcPauses {
  count: number;
  ms: number;
  max: number;
}

/** Starts watching; take() returns the pauses since the previous take() (or the start) and starts over. */
export function watchGcPauses(): { take: () => GcPauses } {
  let now: GcPauses = { count: 0, ms: 0, max: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      now.count++;
      now.ms += e.duration;
      now.max = Math.max(now.max, e.duration);
    }
  }).observe({ entryTypes: ['gc'] });
  return {
    take: () => {
      const out = now;
      now = { count: 0, ms: 0, max: 0 };
      return out;
    },
  };
}
