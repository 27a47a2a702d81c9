/**
 * A profiling aid for bench/peers/profile-load.ts (TRACE_LONG=1): times the
 * reference server's periodic work — the world's tick, the refresh before
 * each sync group and the sync tick itself — and reports, since the last
 * ask, how often each ran, how long in total, its longest run and how many
 * runs took over 5, 10 and 20 ms: requests that arrive meanwhile wait.
 */
import type { ReferenceServer } from '../../src-main/peers/server';

interface Runs {
  n: number;
  totalMs: number;
  maxMs: number;
  over5: number;
  over10: number;
  over20: number;
}

type Fn = (...args: unknown[]) => unknown;

export function traceLongTasks(server: ReferenceServer): () => Record<string, Runs> {
  const runs = new Map<string, Runs>();
  const wrap = (owner: object, method: string, label: string): void => {
    const target = owner as Record<string, Fn>;
    const original = target[method];
    if (typeof original !== 'function') throw new Error(`no method ${method} to trace`);
    target[method] = function (this: unknown, ...args: unknown[]): unknown {
      const t0 = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        const ms = performance.now() - t0;
        let r = runs.get(label);
        if (!r) runs.set(label, (r = { n: 0, totalMs: 0, maxMs: 0, over5: 0, over10: 0, over20: 0 }));
        r.n++;
        r.totalMs += ms;
        r.maxMs = Math.max(r.maxMs, ms);
        if (ms > 5) r.over5++;
        if (ms > 10) r.over10++;
        if (ms > 20) r.over20++;
      }
    };
  };
  wrap(server.world, 'tick', 'world.tick');
  wrap(server, 'refresh', 'refresh');
  wrap(server.sync, 'tickGroup', 'sync group');
  return () => {
    const out = Object.fromEntries([...runs].map(([k, r]) => [k, { ...r, totalMs: Math.round(r.totalMs), maxMs: +r.maxMs.toFixed(1) }]));
    runs.clear();
    return out;
  };
}
