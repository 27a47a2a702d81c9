/**
 * `npm run bench:capture`: reading and indexing a 1-million-message
 * capture (issue 5's replay benchmark), beside raw sequential reading of the
 * same bytes as the floor. Goal: indexing at ≥ 50 % of the floor's speed.
 *
 * Writes the capture with CaptureWriter (default options: two parts, and
 * its index) into a temporary directory, measures it with
 * measureCaptureReading() (bench/capture/measure.ts — call it on any
 * capture of your own), and removes it. MESSAGES=… changes the size.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, table, type Benchmark } from './lib';
import { writeBenchCapture } from './capture/workload';
import { measureCaptureReading, type CaptureReadingResult } from './capture/measure';

export { measureCaptureReading, type CaptureReadingResult, type Measured, type MeasureOptions } from './capture/measure';
export { writeBenchCapture } from './capture/workload';

const GOAL = 0.5;

function render(r: CaptureReadingResult, written: { seconds: number }): string {
  const floor = r.results[0]!;
  const rows = r.results.map((m, i) => {
    return [
      m.name,
      fmt.ms(m.seconds * 1000),
      `${fmt.rate(m.messagesPerSec)} msg/s`,
      `${(m.bytesPerSec / 1e9).toFixed(2)} GB/s`,
      `${((m.seconds / r.messages) * 1e9).toFixed(0)} ns`,
      i === 0 ? '1 (floor)' : m.ofFloor.toFixed(2),
      `${m.pageFaults.toLocaleString('en')} ≈ ${fmt.ms((m.pageFaults * r.freshPageMicros) / 1000)}`,
      /index (rebuild|open)$/.test(m.name) ? (m.ofFloor >= GOAL ? 'met' : 'not met') : '',
    ];
  });
  const load = (l: readonly number[]): string => l.map((x) => x.toFixed(1)).join(' / ');
  return [
    `A capture of ${r.messages.toLocaleString('en')} messages (${r.indexEntries.toLocaleString('en')} index entries with the session blocks), ${fmt.mib(r.bytes)} in ${r.parts} parts, written by CaptureWriter with its default options in ${written.seconds.toFixed(1)} s: every UP/2.0 catalogue type in both roles, 64 sessions interleaved, one frame in 32 undecrypted and one with an error and faults.`,
    '',
    table(['', 'median run', 'messages', 'bytes', 'per message', 'speed ÷ floor', 'page faults ¹', `goal ≥ ${GOAL} (indexing)`], rows),
    '',
    `Medians of ${r.rounds} paired rounds (2 warm-up rounds not counted); each round runs the floor and every reader once, in an order that alternates, and "speed ÷ floor" is the median of the per-round ratios. The floor: ${floor.what}. The machine is shared: load average ${load(r.loadBefore)} before, ${load(r.loadAfter)} after (1/5/15 min) on 2 cores — absolute times are inflated and vary from run to run; the ratios are what the side-by-side rounds make comparable.`,
    '',
    ...r.results.slice(1).map((m) => `- **${m.name}**: ${m.what}.`),
    '',
    `¹ Minor page faults of the process during a run (median): memory touched for the first time — above all the index, ${fmt.mib(r.indexEntries * 32)} that opening or rebuilding it puts in memory the process has not used before. On this machine (a virtual machine) a first touch costs ${r.freshPageMicros.toFixed(1)} µs per 4 KiB page (measured after the rounds, median of three 32 MiB allocations; bare metal takes well under 1 µs), which gives the time after "≈": that much of each run is the machine providing memory, not reading or checking, and it varies with the machine more than anything else here.`,
    '',
    'To measure a capture of your own, or from another benchmark: `import { measureCaptureReading } from "./capture.bench"` (or `./capture/measure`) and `await measureCaptureReading(path, { rounds: 9 })` — the capture must have an up-to-date index (open it once with CaptureReader to build one). It returns these rows with their per-round times.',
  ].join('\n');
}

const bench: Benchmark = {
  name: 'capture',
  title: 'Capture indexing and reading (1 million messages)',
  command: 'npm run bench:capture',
  async run() {
    const messages = Number(process.env.MESSAGES ?? 1_000_000);
    const dir = await mkdtemp(join(tmpdir(), 'otb-bench-capture-'));
    try {
      const path = join(dir, 'bench.pcapng');
      console.log(`writing ${messages} messages to ${path} …`);
      const written = await writeBenchCapture(path, messages);
      const result = await measureCaptureReading(path, { onRound: (r, of) => console.log(`round ${r}/${of}`) });
      return { markdown: render(result, written), data: { written, result } };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

export default bench;
