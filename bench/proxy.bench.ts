/**
 * `npm run bench:proxy`: the same load through five paths on loopback —
 * clients → server directly; → a plain Node TCP pipe; → the crypto floor
 * (the pipe plus one AES-256-GCM open and seal per frame: the least a
 * re-encrypting relay does); → our proxy in passthrough; → our proxy in
 * decrypt mode with a capture. Each path: a
 * closed loop for maximum messages/s, then an open loop at 2000 msg/s
 * (1000 requests/s and their answers) for latency.
 *
 * The machine has 2 cores shared with other work, so one run of each path
 * says little about a difference of a few ms at p99: the paths run in
 * rounds, and each figure is the median of its rounds. A round's closed
 * loop is cut in slices and the paths take turns slice by slice (A B C D,
 * D C B A, …), so a slow phase of the machine (they last seconds) falls on
 * every path alike; the open loop that follows is sliced the same way. A
 * throughput ratio is the median of the per-round ratios, and the added p99
 * of a path the median of its per-round difference to the direct path's
 * p99 in the same round. Server, relay and load each run in their
 * own process (one load process per path, only the measured one busy), and
 * each reports its CPU time, so the per-message cost of the relay is shown
 * apart from what the shared cores let it do.
 */
import { loadavg } from 'node:os';
import { fmt, median, percentile, table, type Benchmark } from './lib';
import { ask, child, next, stop } from './child';
import { openPath, type Path, type PathSpec } from './proxy/paths';
import { bareHop } from './proxy/bare-hop';
import { latencyRecording } from './proxy/latency-recording';

const PATHS: readonly PathSpec[] = [
  { name: 'direct to the server', mode: null },
  { name: 'plain Node TCP pipe', mode: 'pipe' },
  { name: 'crypto floor: pipe + a GCM open and seal per frame', mode: 'crypto-floor' },
  { name: 'proxy, passthrough', mode: 'passthrough' },
  { name: 'proxy, decrypt + capture', mode: 'decrypt' },
];

const ROUNDS = Number(process.env.PROXY_BENCH_ROUNDS ?? 7);
const SECONDS = Number(process.env.PROXY_BENCH_SECONDS ?? 5);
/** Slices of a round's closed loop per path (SECONDS / SLICES each). */
const SLICES = Number(process.env.PROXY_BENCH_SLICES ?? 5);
/**
 * Unmeasured traffic before each slice: a path resumes from idle (the others
 * ran meanwhile, and V8 shrinks an idle heap), which a proxy in steady use
 * does not, and with five resumptions a round its first milliseconds would
 * weigh on the open loop's p99.
 */
const RESUME_SECONDS = 0.25;
const CLIENTS = 20;
const WINDOW = 8;
const RATE = 1000; // requests/s: 2000 msg/s with the answers

interface Rounds {
  rate: number[];
  relayUs: number[];
  serverUs: number[];
  loadUs: number[];
  p50: number[];
  p99: number[];
  gcMs: number[];
  gcMaxMs: number[];
  loopP99Ms: number[];
  holdP99Ms: number[];
  /** Relay CPU per message during the open loop (µs): at 2000 msg/s each message wakes the relay on its own. */
  openRelayUs: number[];
  latencies: number[];
  errors: number;
  late: number;
}

type ServerStats = { cpu: { user: number; system: number } };

const serverCpu = async (p: ReturnType<typeof child>): Promise<number> => {
  const s = await ask<ServerStats>(p, 'stats');
  return s.cpu.user + s.cpu.system;
};

const bench: Benchmark = {
  name: 'proxy',
  title: 'Protocol proxy throughput and added latency (UP/2.0, loopback)',
  command: 'npm run bench:proxy',
  async run() {
    const recording = latencyRecording();
    const loadBefore = loadavg()[0]!;
    const server = child('peers/server-proc.ts', { BOTS: String(CLIENTS * PATHS.length + 10), FAST_SCRYPT: '1' });
    const target = await next<{ port: number; identity: string }>(server, 'ready');
    const paths: Path[] = [];
    for (const [i, spec] of PATHS.entries()) paths.push(await openPath(spec, target, CLIENTS, 1 + i * CLIENTS));
    const rounds: Rounds[] = paths.map(() => ({ rate: [], relayUs: [], serverUs: [], loadUs: [], p50: [], p99: [], gcMs: [], gcMaxMs: [], loopP99Ms: [], holdP99Ms: [], openRelayUs: [], latencies: [], errors: 0, late: 0 }));
    // One short warm-up per path (JIT, buffers), not counted.
    for (const p of paths) await p.run({ rate: 0, window: WINDOW, seconds: 1 });
    const forward = paths.map((_, i) => i);
    const backward = [...forward].reverse();
    /** Round r's turns: SLICES times every path, the order reversed at each slice. */
    function* turns(r: number): Generator<number> {
      for (let s = 0; s < SLICES; s++) yield* (r * SLICES + s) % 2 === 0 ? forward : backward;
    }
    for (let r = 0; r < ROUNDS; r++) {
      // Closed loop: the round's SECONDS per path in SLICES slices, the paths taking turns slice by slice (order
      // reversed each slice), so that a slow or fast phase of the shared machine falls on every path alike.
      const closed = paths.map(() => ({ messages: 0, seconds: 0, relayUs: 0, serverUs: 0, loadUs: 0, errors: 0 }));
      for (const i of turns(r)) {
        const p = paths[i]!;
        await p.run({ rate: 0, window: WINDOW, seconds: RESUME_SECONDS });
        const relay0 = await p.relay();
        const server0 = await serverCpu(server);
        const slice = await p.run({ rate: 0, window: WINDOW, seconds: SECONDS / SLICES });
        const relay1 = await p.relay();
        const c = closed[i]!;
        c.serverUs += (await serverCpu(server)) - server0;
        c.relayUs += relay1.us - relay0.us;
        c.messages += slice.messages;
        c.seconds += slice.seconds;
        c.loadUs += slice.cpuUs;
        c.errors += slice.errors;
      }
      // Open loop: sliced and interleaved the same way; a round's latencies of a path are its slices' together.
      const open = paths.map(() => ({ latencies: [] as number[], messages: 0, relayUs: 0, gcMs: 0, gcMaxMs: 0, loopP99Ms: [] as number[], holdP99Ms: [] as number[], errors: 0, late: 0 }));
      for (const i of turns(r)) {
        const p = paths[i]!;
        const o = open[i]!;
        await p.run({ rate: RATE, window: 0, seconds: RESUME_SECONDS });
        const relay1 = await p.relay(); // starts the relay's GC, loop-delay and hold counts afresh
        await p.watch(true);
        const slice = await p.run({ rate: RATE, window: 0, seconds: SECONDS / SLICES });
        await p.watch(false);
        const relay2 = await p.relay(); // GC pauses, loop delay and hold times during this slice
        for (const v of slice.latencies) o.latencies.push(v);
        o.messages += slice.messages;
        o.relayUs += relay2.us - relay1.us;
        o.gcMs += relay2.gcMs;
        o.gcMaxMs = Math.max(o.gcMaxMs, relay2.gcMaxMs);
        o.loopP99Ms.push(relay2.loopP99Ms);
        if (relay2.holdP99Ms !== null) o.holdP99Ms.push(relay2.holdP99Ms);
        o.errors += slice.errors;
        o.late += slice.late;
      }
      for (const [i, into] of rounds.entries()) {
        const c = closed[i]!;
        const o = open[i]!;
        const sorted = [...o.latencies].sort((x, y) => x - y);
        into.rate.push(c.messages / c.seconds);
        into.relayUs.push(c.relayUs / c.messages);
        into.serverUs.push(c.serverUs / c.messages);
        into.loadUs.push(c.loadUs / c.messages);
        into.p50.push(percentile(sorted, 50));
        into.p99.push(percentile(sorted, 99));
        into.gcMs.push(o.gcMs);
        into.gcMaxMs.push(o.gcMaxMs);
        into.loopP99Ms.push(median(o.loopP99Ms));
        into.openRelayUs.push(o.relayUs / Math.max(1, o.messages));
        if (o.holdP99Ms.length) into.holdP99Ms.push(median(o.holdP99Ms));
        for (const v of o.latencies) into.latencies.push(v);
        into.errors += c.errors + o.errors;
        into.late += o.late;
      }
    }
    // PROXY_BENCH_DEBUG=1: every round's msg/s and relay µs per path on stderr, to see the spread behind the medians.
    if (process.env.PROXY_BENCH_DEBUG) {
      for (const [i, x] of rounds.entries()) console.error(PATHS[i]!.name, x.rate.map((v) => Math.round(v)).join(' '), x.relayUs.map((v) => v.toFixed(1)).join(' '));
    }
    for (const p of paths) await p.close();
    await stop(server);
    const loadAfter = loadavg()[0]!;
    // After the paths, alone on the machine: the same hop with no otbridge code at either end.
    const { markdown: bareMarkdown, ...bare } = await bareHop();

    const direct = rounds[0]!;
    const pipe = rounds[1]!;
    const rate = (x: Rounds): number => median(x.rate);
    // Ratios are taken round by round (both paths ran a few seconds apart) and their median reported: the machine's
    // slow and fast phases last longer than a round, so a ratio of medians taken over the whole run mixes phases.
    const ratios = (x: Rounds, base: Rounds): number[] => x.rate.map((v, r) => v / base.rate[r]!);
    const span = (v: number[]): { median: number; min: number; max: number } => ({ median: median(v), min: Math.min(...v), max: Math.max(...v) });
    const added = (x: Rounds): number[] => x.p99.map((v, r) => v - direct.p99[r]!);
    // What the proxy adds beyond what any extra process hop adds on this machine: its p99 over the plain pipe's, round by round.
    const overPipe = (x: Rounds): number[] => x.p99.map((v, r) => v - pipe.p99[r]!);
    const results = PATHS.map((spec, i) => {
      const x = rounds[i]!;
      const a = added(x);
      const pooled = [...x.latencies].sort((p, q) => p - q);
      return {
        name: spec.name,
        msgPerSec: rate(x),
        vsDirect: span(ratios(x, direct)),
        vsPipe: span(ratios(x, pipe)),
        relayUsPerMsg: spec.mode ? median(x.relayUs) : null,
        serverUsPerMsg: median(x.serverUs),
        loadUsPerMsg: median(x.loadUs),
        p50: median(x.p50),
        p99: median(x.p99),
        addedP99: median(a),
        addedP99Min: Math.min(...a),
        addedP99Max: Math.max(...a),
        overPipeP99: median(overPipe(x)),
        loopP99Ms: spec.mode ? median(x.loopP99Ms) : null,
        holdP99Ms: x.holdP99Ms.length ? median(x.holdP99Ms) : null,
        openRelayUs: spec.mode ? median(x.openRelayUs) : null,
        pooledP99: percentile(pooled, 99),
        gcMsPerSec: spec.mode ? median(x.gcMs) / SECONDS : null,
        gcMaxMs: spec.mode ? median(x.gcMaxMs) : null,
        samples: pooled.length,
        late: x.late,
        errors: x.errors,
        rounds: { rate: x.rate, p99: x.p99, relayUs: x.relayUs },
      };
    });
    const at = (mode: PathSpec['mode']): number => PATHS.findIndex((p) => p.mode === mode);
    const row = (mode: PathSpec['mode']): (typeof results)[0] => results[at(mode)]!;
    const [pipeRow, floor, pass, dec] = [row('pipe'), row('crypto-floor'), row('passthrough'), row('decrypt')];
    const decOfFloor = median(ratios(rounds[at('decrypt')]!, rounds[at('crypto-floor')]!));
    const pctSpan = (x: { median: number; min: number; max: number }): string => `${fmt.pct(x.median)} (${fmt.pct(x.min)} … ${fmt.pct(x.max)})`;
    const us = (x: number | null): string => (x === null ? '—' : x.toFixed(1));
    const met = (ok: boolean): string => (ok ? 'met' : 'missed');
    const md = [
      table(
        ['path', 'msg/s (closed loop)', '÷ direct (rounds: median, range)', '÷ plain pipe (rounds: median, range)', 'relay CPU µs/msg', 'server CPU µs/msg', 'load CPU µs/msg', 'errors'],
        results.map((r, i) => [
          r.name,
          fmt.rate(r.msgPerSec),
          i === 0 ? '100 %' : pctSpan(r.vsDirect),
          i === 1 ? '100 %' : pctSpan(r.vsPipe),
          us(r.relayUsPerMsg),
          us(r.serverUsPerMsg),
          us(r.loadUsPerMsg),
          r.errors,
        ]),
      ),
      '',
      table(
        ['path @ 2000 msg/s', 'p50 ms', 'p99 ms', 'added p99 ms (median of rounds)', 'added p99 range', 'p99 over the plain pipe ms', 'p99 of all samples', 'relay event-loop delay p99 ms', 'proxy hold p99 ms', 'relay CPU µs/msg', 'relay GC ms/s', 'longest relay GC ms', 'late sends'],
        results.map((r, i) => [
          r.name,
          r.p50.toFixed(3),
          r.p99.toFixed(3),
          r.addedP99.toFixed(3),
          `${r.addedP99Min.toFixed(2)} … ${r.addedP99Max.toFixed(2)}`,
          i === 0 ? '—' : r.overPipeP99.toFixed(3),
          r.pooledP99.toFixed(3),
          r.loopP99Ms === null ? '—' : r.loopP99Ms.toFixed(2),
          r.holdP99Ms === null ? '—' : r.holdP99Ms.toFixed(3),
          us(r.openRelayUs),
          r.gcMsPerSec === null ? '—' : r.gcMsPerSec.toFixed(2),
          r.gcMaxMs === null ? '—' : r.gcMaxMs.toFixed(2),
          r.late,
        ]),
      ),
      '',
      `${ROUNDS} rounds after a 1 s warm-up per path; every figure is the median of the rounds, and a ratio is the median of the per-round ratios, with their range.`,
      `Closed loop: ${CLIENTS} logged-in clients × ${WINDOW} HEARTBEAT requests in flight for ${SECONDS} s a round per path, in ${SLICES} slices of ${SECONDS / SLICES} s with the paths taking turns slice by slice (order reversed each slice), so that the shared machine's slow and fast phases, which last seconds, fall on every path alike; each slice follows ${RESUME_SECONDS} s of the same traffic, not measured (a path resumes from idle at every slice, which a proxy in steady use does not); messages = requests + responses. CPU columns: user + system time of each process over the closed loop ÷ its messages.`,
      `Open loop: after the closed loop, sliced and interleaved the same way, ${RATE} requests/s spread over the ${CLIENTS} clients for ${SECONDS} s a round per path (${RATE * SECONDS} samples a round, so a round's p99 is its ${RATE * SECONDS / 100}th-worst latency), sent on schedule whatever the answers do; relay GC and relay CPU: the relay's V8 pauses and its CPU per message during its open-loop slices (median over rounds; at this rate each message wakes the relay on its own, so a message costs more than in the closed loop); relay event-loop delay: how late the relay's event loop ran (1 ms resolution; the median of a round's slices) — the wait for bytes arriving at it, from its own work, its GC and the machine's scheduling together, the plain pipe's being the floor of any extra process; proxy hold: from the moment the proxy handles a decoded message to the publication of its record, which follows the write of its bytes (timed in the relay, during the open loop only; the median of a round's slices); "p99 over the plain pipe": each proxy path's p99 minus the pipe's in the same round (median of rounds) — what the proxy adds beyond an extra process hop on this machine; the clock is read in the load process just before a request is encoded and just after its answer is decoded. "late sends": requests that left > 1 ms after their slot (the load process's timer was late).`,
      `Processes: the server, one load process per path (only the measured one busy) and one relay per path (idle when not measured), on 2 shared cores; 1-minute load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after.`,
      `Goals: passthrough ≥ 80 % of the plain pipe (${met(pass.vsPipe.median >= 0.8)}: ${fmt.pct(pass.vsPipe.median)}); ` +
        `decrypt + capture ≥ 50 % of direct (${met(dec.vsDirect.median >= 0.5)}: ${fmt.pct(dec.vsDirect.median)}) and ≥ 10 000 msg/s (${met(dec.msgPerSec >= 10_000)}: ${fmt.rate(dec.msgPerSec)}); ` +
        `added p99 < 2 ms at 2000 msg/s (passthrough ${met(pass.addedP99 < 2)}: ${pass.addedP99.toFixed(2)} ms; decrypt ${met(dec.addedP99 < 2)}: ${dec.addedP99.toFixed(2)} ms). ` +
        `Beside it, not instead of it: the crypto floor (the least a re-encrypting relay does with the same AES-256-GCM as the proxy and the peers: the pipe, cutting frames, and for each encrypted frame one open and one seal, nothing else) runs at ${fmt.pct(floor.vsDirect.median)} of direct, and decrypt + capture at ${fmt.pct(decOfFloor)} of that floor; the plain pipe itself adds ${pipeRow.addedP99.toFixed(2)} ms on this machine, and over the pipe the proxy adds ${pass.overPipeP99.toFixed(2)} ms (passthrough) and ${dec.overPipeP99.toFixed(2)} ms (decrypt); a bare Node pipe in front of a bare echo server, no otbridge code at all, adds ${bare.addedP99.toFixed(2)} ms (table below).`,
      '',
      bareMarkdown,
      '',
      recording,
    ].join('\n');
    return { markdown: md, data: { loadBefore, loadAfter, rounds: ROUNDS, seconds: SECONDS, results, bareHop: bare } };
  },
};

export default bench;
