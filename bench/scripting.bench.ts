/**
 * `npm run bench:scripting`: what the isolation of SCRIPT_EXECUTE costs.
 *
 * 1. Latency of a trivial script (`return 1`) through the runner, from
 *    run() to the outcome: with pre-started workers (ours), with a worker
 *    started per run (no pool: the baseline), and a call into a Lua state
 *    already open in the host thread (no isolation at all: the floor). The
 *    candidates take turns (A B C A B C …), with a pause between runs so the
 *    pool has refilled, as it has when admins run scripts now and then; a
 *    burst of back-to-back runs is reported separately.
 * 2. Lua speed inside the sandbox: the same scripts' durationMs in a worker
 *    against the same Lua in the host thread without allocation tracing.
 *    Allocation tracing (needed for the memory limit) is the one cost a
 *    script pays per allocation; compare() measures it in isolation.
 * 3. Building `world` in Lua, per MB of JSON.
 * 4. Memory held by idle pre-started workers.
 */
import { LuaFactory, type LuaEngine } from 'wasmoon';
import { compare, fmt, median, percentile, table, type Benchmark } from './lib';
import { createScriptRunner, type ScriptOutcome, type ScriptRunner } from '../src-main/scripting';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function engine(traceAllocations: boolean): Promise<LuaEngine> {
  return new LuaFactory().createEngine({ injectObjects: false, enableProxy: false, traceAllocations });
}

function durationOf(o: ScriptOutcome): number {
  if ('kind' in o) throw new Error(`${o.kind}: ${o.message}`);
  return o.durationMs;
}

interface Latency {
  readonly name: string;
  readonly samples: number[];
}

/** Alternating rounds of one run each, `pauseMs` apart; returns every candidate's latencies (ms). */
async function latencies(candidates: { name: string; run: () => Promise<unknown> }[], rounds: number, pauseMs: number): Promise<Latency[]> {
  const out = candidates.map((c) => ({ name: c.name, samples: [] as number[] }));
  for (let r = 0; r < rounds + 2; r++) {
    for (let i = 0; i < candidates.length; i++) {
      const j = r % 2 === 0 ? i : candidates.length - 1 - i;
      await sleep(pauseMs);
      const t0 = performance.now();
      await candidates[j]!.run();
      if (r >= 2) out[j]!.samples.push(performance.now() - t0); // two warm-up rounds
    }
  }
  return out;
}

function row(l: Latency, baseline: number): (string | number)[] {
  const sorted = [...l.samples].sort((a, b) => a - b);
  const m = median(sorted);
  return [l.name, fmt.ms(m), fmt.ms(percentile(sorted, 95)), `${(m / baseline).toFixed(2)}×`];
}

const bench: Benchmark = {
  name: 'scripting',
  title: 'Scripting: SCRIPT_EXECUTE in a fresh Lua worker',
  command: 'npm run bench:scripting',
  async run() {
    // ---- 1. latency of a trivial script
    const warm = createScriptRunner({ warmWorkers: 2 });
    const cold = createScriptRunner({ warmWorkers: 0 });
    const inProcess = await engine(false);
    await sleep(1500); // let the pool boot
    const trivial = { source: 'return 1' };
    const lat = await latencies(
      [
        { name: 'runner, pre-started workers (ours)', run: () => warm.run(trivial) },
        { name: 'runner, worker started per run (baseline)', run: () => cold.run(trivial) },
        { name: 'Lua in the host thread, no isolation (floor)', run: async () => inProcess.doStringSync('return 1') },
      ],
      15,
      400,
    );
    const coldMedian = median(lat[1]!.samples);
    const burst: number[] = [];
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 10 }, () => warm.run(trivial).then(() => burst.push(performance.now() - t0))));

    // ---- 2. Lua speed in the sandbox vs the host thread
    const workloads = [
      ['arithmetic loop (10^7 additions)', 'local s = 0 for i = 1, 1e7 do s = s + i end return s'],
      ['string building (10^5 concatenations via table.concat)', 'local t = {} for i = 1, 1e5 do t[i] = tostring(i) end return #table.concat(t)'],
      ['allocation (10^6 small tables)', 'local t = {} for i = 1, 1e6 do t[i] = { i } end return #t'],
    ] as const;
    const speedRows: (string | number)[][] = [];
    const speedData: unknown[] = [];
    for (const [label, source] of workloads) {
      const ours: number[] = [];
      const host: number[] = [];
      for (let r = 0; r < 5; r++) {
        ours.push(durationOf(await warm.run({ source, timeoutMs: 60_000 })));
        const e = await engine(false);
        const h0 = performance.now();
        e.doStringSync(source);
        host.push(performance.now() - h0);
        e.global.close();
      }
      const o = median(ours);
      const h = median(host);
      speedRows.push([label, fmt.ms(o), fmt.ms(h), `${(o / h).toFixed(2)}×`]);
      speedData.push({ label, sandboxMs: ours, hostMs: host });
    }
    const traced = await engine(true);
    const untraced = await engine(false);
    const allocScript = 'local t = {} for i = 1, 2000 do t[i] = { i, tostring(i) } end return #t';
    const alloc = compare([
      { name: 'traceAllocations on (ours: needed for the memory limit)', run: (n) => { for (let i = 0; i < n; i++) traced.doStringSync(allocScript); return n; } },
      { name: 'traceAllocations off (baseline)', run: (n) => { for (let i = 0; i < n; i++) untraced.doStringSync(allocScript); return n; } },
    ], { rounds: 5, roundMs: 200 });

    // ---- 3. world setup per MB
    const world = { creatures: Array.from({ length: 20_000 }, (_, i) => ({ id: `c${i}`, name: `creature ${i}`, health: i % 100, position: { x: 1000 + (i % 300), y: 1000 + ((i / 300) | 0), z: 7 } })) };
    const worldJson = JSON.stringify(world);
    const setup: number[] = [];
    for (let r = 0; r < 5; r++) {
      await sleep(400);
      const s0 = performance.now();
      const o = await warm.run({ source: 'return #world.creatures', worldJson, timeoutMs: 60_000 });
      setup.push(performance.now() - s0 - durationOf(o));
    }
    const worldMb = worldJson.length / 1048576;

    // ---- 4. memory of idle workers
    await Promise.all([warm.close(), cold.close()]);
    await sleep(500);
    const rss0 = process.memoryUsage().rss;
    const idle: ScriptRunner = createScriptRunner({ warmWorkers: 4, maxConcurrent: 4 });
    await sleep(3000);
    const rssPerWorker = (process.memoryUsage().rss - rss0) / 4;
    await idle.close();

    const markdown = [
      'Latency of `return 1`, from `run()` to the outcome (runs 400 ms apart, candidates in alternating rounds):',
      '',
      table(['', 'median', 'p95', 'vs. worker per run'], lat.map((l) => row(l, coldMedian))),
      '',
      `A burst of 10 runs at once on the pre-started pool (2 warm, 2 at a time): the last outcome after ${fmt.ms(Math.max(...burst))}; the pool only saves the start of the first runs of a burst, the rest wait for fresh workers.`,
      '',
      'Lua speed: the script\'s `durationMs` in the sandbox against the same Lua in the host thread (median of 5):',
      '',
      table(['workload', 'sandbox', 'host thread', 'ratio'], speedRows),
      '',
      `Allocation tracing alone (host thread, ${'`'}${allocScript}${'`'}): ${alloc.map((r) => `${r.name}: ${fmt.rate(r.opsPerSec)} runs/s`).join('; ')} — ${fmt.pct(alloc[0]!.opsPerSec / alloc[1]!.opsPerSec)} of the untraced speed.`,
      '',
      `Building \`world\` in the worker (JSON text → Lua tables, 20 000 creatures, ${worldMb.toFixed(1)} MiB of JSON): median ${fmt.ms(median(setup))} besides the script, ${fmt.ms(median(setup) / worldMb)} per MiB. It is outside the script's time limit and \`durationMs\`.`,
      '',
      `Each idle pre-started worker holds about ${fmt.mib(rssPerWorker)} of resident memory.`,
    ].join('\n');
    return {
      markdown,
      data: { latency: lat, burstMs: burst, speed: speedData, alloc, worldSetupMs: setup, worldMb, rssPerWorker },
    };
  },
};

export default bench;
