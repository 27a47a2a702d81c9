/**
 * `npm run bench [name …]`: runs the named benchmarks (all when none) and
 * writes each one's section of docs/benchmarks.md. Benchmarks are files
 * bench/<name>.bench.ts exporting a default Benchmark.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeSection, type Benchmark } from './lib';

const dir = import.meta.dirname;
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length))
  .sort();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !available.includes(w));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exit(2);
}

for (const name of wanted.length ? wanted : available) {
  const mod = (await import(pathToFileURL(join(dir, `${name}.bench.ts`)).href)) as { default: Benchmark };
  const b = mod.default;
  console.log(`▶ ${b.title}`);
  const t0 = performance.now();
  const report = await b.run();
  writeSection(b, report);
  console.log(report.markdown);
  console.log(`✓ ${b.name} in ${((performance.now() - t0) / 1000).toFixed(1)} s → docs/benchmarks.md\n`);
}
