/**
 * Benchmark helpers. These machines are shared and noisy, so every result
 * that matters is a ratio measured side by side: the candidates run in
 * alternating rounds (A B A B …) and each is reported as the median of its
 * rounds, next to the baseline's median from the same rounds.
 */
import { cpus, totalmem, platform, arch, release } from 'node:os';
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

export interface Candidate {
  readonly name: string;
  /** Runs `n` operations; returns anything (kept so the work is not optimised away). */
  readonly run: (n: number) => unknown;
}

export interface RoundResult {
  readonly name: string;
  /** Median operations per second over the rounds. */
  readonly opsPerSec: number;
  readonly rounds: number[];
}

let sink: unknown;
export const consume = (v: unknown): void => {
  sink = v;
};
export const lastSink = (): unknown => sink;

/** Operations that take about `ms` for this candidate (calibrated once). */
function calibrate(c: Candidate, ms: number): number {
  let n = 1;
  for (;;) {
    const t0 = performance.now();
    consume(c.run(n));
    const dt = performance.now() - t0;
    if (dt >= ms / 4 || n >= 1 << 26) return Math.max(1, Math.round((n * ms) / Math.max(dt, 0.001)));
    n *= 2;
  }
}

/**
 * Runs the candidates in interleaved rounds of about `roundMs` each and
 * returns, for each, the median rate. Warm-up rounds are discarded.
 */
export function compare(candidates: readonly Candidate[], opts: { rounds?: number; roundMs?: number; warmup?: number } = {}): RoundResult[] {
  const rounds = opts.rounds ?? 7;
  const roundMs = opts.roundMs ?? 250;
  const warmup = opts.warmup ?? 2;
  const sizes = candidates.map((c) => calibrate(c, roundMs));
  const rates: number[][] = candidates.map(() => []);
  for (let r = 0; r < warmup + rounds; r++) {
    // Alternate the order each round so neither side always runs on a warmer cache.
    const order = r % 2 === 0 ? candidates.map((_, i) => i) : candidates.map((_, i) => candidates.length - 1 - i);
    for (const i of order) {
      const n = sizes[i]!;
      const t0 = performance.now();
      consume(candidates[i]!.run(n));
      const dt = (performance.now() - t0) / 1000;
      if (r >= warmup) rates[i]!.push(n / dt);
    }
  }
  return candidates.map((c, i) => ({ name: c.name, opsPerSec: median(rates[i]!), rounds: rates[i]! }));
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export const fmt = {
  rate: (x: number): string =>
    x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)} k` : x.toFixed(0),
  pct: (x: number): string => `${(x * 100).toFixed(0)} %`,
  ms: (x: number): string => (x < 1 ? `${(x * 1000).toFixed(0)} µs` : `${x.toFixed(2)} ms`),
  mib: (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MiB`,
  kib: (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`,
};

export function table(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const line = (cells: readonly (string | number)[]): string => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

export function machine(): string {
  const c = cpus();
  return `${c[0]?.model.trim() ?? 'unknown CPU'} × ${c.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${platform()}-${arch()} ${release()}, Node ${process.versions.node}`;
}

export interface BenchReport {
  /** Markdown: tables and notes. */
  readonly markdown: string;
  /** Raw numbers, written to bench/.results/<name>.json. */
  readonly data: unknown;
}

export interface Benchmark {
  readonly name: string;
  readonly title: string;
  readonly command: string;
  run(): Promise<BenchReport>;
}

const DOC = join(import.meta.dirname, '..', 'docs', 'benchmarks.md');

/** Replaces (or appends) this benchmark's section of docs/benchmarks.md. */
export function writeSection(b: Benchmark, report: BenchReport): void {
  const start = `<!-- bench:${b.name}:start -->`;
  const end = `<!-- bench:${b.name}:end -->`;
  const when = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const body = [
    start,
    `## ${b.title}`,
    '',
    `\`${b.command}\` — ${when} — ${machine()}`,
    '',
    report.markdown.trim(),
    end,
  ].join('\n');
  let doc = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '# Benchmarks\n';
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  if (i >= 0 && j > i) doc = doc.slice(0, i) + body + doc.slice(j + end.length);
  else doc = `${doc.trimEnd()}\n\n${body}\n`;
  writeFileSync(DOC, doc);
  const dir = join(import.meta.dirname, '.results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${b.name}.json`), JSON.stringify({ when, machine: machine(), data: report.data }, null, 2));
}
