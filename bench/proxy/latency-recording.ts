/**
 * Part of bench:proxy, in this process before the paths start: what the
 * proxy pays to record one request's latency in its session's distribution
 * — ours (SessionLatency, log-linear buckets) against hdr-histogram-js's
 * compact 'packed' layout, which sessions used before — with 1000 sessions
 * and latencies spread from 0.1 to 50 ms, in alternating rounds.
 */
import * as hdr from 'hdr-histogram-js';
import { SessionLatency, toUs } from '../../src-main/proxy/metrics/latency';
import { median, table } from '../lib';

const SESSIONS = 1000;
const VALUES = 1_000_000;
const ROUNDS = 7;

export function latencyRecording(): string {
  const ms = new Float64Array(VALUES);
  const session = new Uint16Array(VALUES);
  for (let i = 0; i < VALUES; i++) {
    ms[i] = Math.exp(Math.random() * 6.2 - 2.3);
    session[i] = Math.floor(Math.random() * SESSIONS);
  }
  const ours = Array.from({ length: SESSIONS }, () => new SessionLatency());
  const packed = Array.from({ length: SESSIONS }, () =>
    hdr.build({ bitBucketSize: 'packed', lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3, autoResize: false }),
  );
  const runs = {
    ours: (): void => {
      for (let i = 0; i < VALUES; i++) ours[session[i]!]!.record(ms[i]!);
    },
    packed: (): void => {
      for (let i = 0; i < VALUES; i++) packed[session[i]!]!.recordValue(toUs(ms[i]!));
    },
  };
  const ns = { ours: [] as number[], packed: [] as number[] };
  const ratios: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const got = { ours: 0, packed: 0 };
    for (const k of r % 2 === 0 ? (['ours', 'packed'] as const) : (['packed', 'ours'] as const)) {
      const t0 = process.hrtime.bigint();
      runs[k]();
      got[k] = Number(process.hrtime.bigint() - t0) / VALUES;
      ns[k].push(got[k]);
    }
    ratios.push(got.packed / got.ours);
  }
  // The same values went into both: their p99 must agree within our buckets' width (1/64) and HDR's (1/1000).
  const a = ours[0]!.snapshot().p99;
  const b = packed[0]!.getValueAtPercentile(99) / 1000;
  if (Math.abs(a - b) > b / 50) throw new Error(`latency recording: session 0's p99 differs (${a} ms against ${b} ms)`);
  return [
    `Recording one latency in its session's distribution (${SESSIONS} sessions, ${VALUES / 1e6} M values from 0.1 to 50 ms, ${ROUNDS} alternating rounds in this process):`,
    '',
    table(
      ['per-session distribution', 'ns per value', 'hdr packed ÷ ours (median of per-round ratios)'],
      [
        ['ours: log-linear buckets (SessionLatency)', median(ns.ours).toFixed(1), `${median(ratios).toFixed(1)}×`],
        ['hdr-histogram-js, packed layout', median(ns.packed).toFixed(1), '1.0×'],
      ],
    ),
  ].join('\n');
}
