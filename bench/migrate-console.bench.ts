/**
 * `npm run bench:migrate-console`: the console's migration, rejects and
 * audit services against the plain way of doing the same with the engine.
 *
 *   1. A run through the console (events, throttled progress, table status,
 *      the checkpoint read for the run id) beside DataMigration driven
 *      directly, on the same SQLite source into two SQLite targets: rows
 *      per second, verification off on both sides.
 *   2. A page of 100 rejects at a random offset from a 100 000-reject file,
 *      from the console's line index (warm, and filtered by table), beside
 *      the engine's readRejects() + slice, which parses the whole file for
 *      every page.
 *   3. A page of 100 audit entries, newest first, from a 100 000-entry log:
 *      line index beside AuditLog.read() + slice.
 *
 * Candidates are asynchronous, so the alternating rounds are run by
 * `compareAsync` below (what bench/lib.ts's compare() does for sync code).
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { consume, fmt, median, table, type Benchmark } from './lib';
import { ConsoleServices } from '../src-main/console/services';
import { migrationsModule } from '../src-main/console/modules/migrations';
import { RejectsPages, checkQuery } from '../src-main/console/migrate/rejects-pages';
import { AuditPages } from '../src-main/console/migrate/audit-pages';
import { AuditLog } from '../src-main/audit/log';
import { canonicalJson, entryHash } from '../src-main/audit/index';
import { DataMigration, readRejects, SqliteDatabase } from '../src-main/migrate/data/index';
import { loadProfile } from '../src-main/migrate/profiles/index';
import { makeWorkspace } from '../test-support/migrate-harness';
import type * as M from '../src-shared/ipc/migrate';

interface AsyncCandidate {
  readonly name: string;
  /** One measured operation; returns the units it handled (rows, pages). */
  readonly run: () => Promise<number>;
}

async function compareAsync(cands: readonly AsyncCandidate[], rounds: number, warmup = 1): Promise<{ name: string; perSec: number; rounds: number[] }[]> {
  const rates: number[][] = cands.map(() => []);
  for (let r = 0; r < warmup + rounds; r++) {
    const order = r % 2 === 0 ? cands.map((_, i) => i) : cands.map((_, i) => cands.length - 1 - i);
    for (const i of order) {
      const t0 = performance.now();
      const units = await cands[i]!.run();
      const dt = (performance.now() - t0) / 1000;
      if (r >= warmup) rates[i]!.push(units / dt);
    }
  }
  return cands.map((c, i) => ({ name: c.name, perSec: median(rates[i]!), rounds: rates[i]! }));
}

const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}×`;
/** Rates below 10 a second keep two decimals (the whole-file reader manages a few pages a second). */
const rate = (x: number): string => (x < 10 ? x.toFixed(2) : fmt.rate(x));

// ---- 1. a run through the console ---------------------------------------------

async function runs(dir: string): Promise<{ rows: string[][]; data: unknown }> {
  const ws = makeWorkspace({ players: 3000 });
  const profile = loadProfile('tfs-canary');
  const viaConsole = ws.newTarget('console', { clash: false });
  const direct = ws.newTarget('direct', { clash: false });
  const services = new ConsoleServices({ shell: 'cli', demo: false }, [migrationsModule({ workDir: join(dir, 'work'), auditPath: null })]);
  await services.start();
  const done = new Map<string, (d: M.MigrationDone) => void>();
  let events = 0;
  services.connect((channel, payload) => {
    events++;
    if (channel === 'migrate.done') done.get((payload as M.MigrationDone).runId)?.((payload as M.MigrationDone));
  });
  try {
    const results = await compareAsync(
      [
        {
          name: 'console (migrate.start → migrate.done)',
          run: async () => {
            const started = (await services.handle('migrate.start', {
              profile: 'tfs-canary',
              source: { kind: 'sqlite', path: ws.sourcePath },
              target: { kind: 'sqlite', path: viaConsole },
              dryRun: false,
              verify: false,
            })) as M.MigrationStarted;
            const end = await new Promise<M.MigrationDone>((resolve) => done.set(started.runId, resolve));
            return end.summary!.read;
          },
        },
        {
          name: 'DataMigration directly',
          run: async () => {
            const source = SqliteDatabase.open(ws.sourcePath, { readonly: true });
            const target = SqliteDatabase.open(direct);
            try {
              const m = new DataMigration({ profile, source, target, sourceLabel: 's', targetLabel: 't', checkpointPath: join(dir, 'direct.checkpoint.json'), rejectsPath: join(dir, 'direct.rejects.ndjson') });
              return (await m.run()).read;
            } finally {
              await source.close();
              await target.close();
            }
          },
        },
      ],
      5,
    );
    const [c, d] = results as [(typeof results)[0], (typeof results)[0]];
    return {
      rows: [
        [c.name, `${fmt.rate(c.perSec)} rows/s`, ratio(c.perSec, d.perSec)],
        [d.name, `${fmt.rate(d.perSec)} rows/s`, '1.00×'],
      ],
      data: { results, eventsSeen: events },
    };
  } finally {
    await services.close();
    ws.remove();
  }
}

// ---- 2. rejects pages -----------------------------------------------------------

const REJECTS = 100_000;
const TABLES = ['accounts', 'players', 'player_items', 'guilds', 'houses'];

function rejectsFile(path: string): void {
  writeFileSync(path, '');
  let chunk = '';
  for (let i = 0; i < REJECTS; i++) {
    const table = TABLES[i % TABLES.length]!;
    chunk += `${JSON.stringify({ table, kind: i % 7 ? 'invalid' : 'refused', key: { id: i }, row: { id: i, name: `Player ${i}`, level: i % 400, conditions: { $b64: 'QUJD'.repeat(40) } }, reasons: [`level: ${i} is above the maximum 399`] })}\n`;
    if (chunk.length > 1 << 20) {
      appendFileSync(path, chunk);
      chunk = '';
    }
  }
  appendFileSync(path, chunk);
}

async function rejectsPages(dir: string): Promise<{ rows: string[][]; data: unknown }> {
  const file = join(dir, 'bench.rejects.ndjson');
  rejectsFile(file);
  const pages = new RejectsPages();
  const t0 = performance.now();
  await pages.page(file, checkQuery({ offset: 0, limit: 1 }), false);
  const coldMs = performance.now() - t0;
  let seed = 1;
  const offset = () => (seed = (seed * 48271) % 2147483647) % (REJECTS - 100);
  const PAGES = 20;
  const results = await compareAsync(
    [
      {
        name: 'line index (migrate.rejects)',
        run: async () => {
          for (let i = 0; i < PAGES; i++) consume((await pages.page(file, checkQuery({ offset: offset(), limit: 100 }), false)).rows.length);
          return PAGES;
        },
      },
      {
        name: 'line index, one table',
        run: async () => {
          for (let i = 0; i < PAGES; i++) consume((await pages.page(file, checkQuery({ offset: offset() % (REJECTS / TABLES.length - 100), limit: 100, table: 'players' }), false)).rows.length);
          return PAGES;
        },
      },
      {
        name: 'readRejects() + slice',
        run: async () => {
          consume(readRejects(file).slice(offset(), 100).length);
          return 1;
        },
      },
    ],
    5,
  );
  const base = results[2]!.perSec;
  return {
    rows: [...results.map((r) => [r.name, `${rate(r.perSec)} pages/s`, ratio(r.perSec, base)]), ['first page (index built from cold)', fmt.ms(coldMs), '']],
    data: { results, coldMs },
  };
}

// ---- 3. audit pages -------------------------------------------------------------

const ENTRIES = 100_000;

/** A chained log written in one go (AuditLog.append takes a lock per entry: minutes for 100 000). */
function auditFile(path: string): void {
  writeFileSync(path, '');
  let prev = '';
  let chunk = '';
  const kinds = ['migrate.data.start', 'migrate.data.end', 'migrate.config.write', 'replay.run', 'script.execute'];
  for (let seq = 1; seq <= ENTRIES; seq++) {
    const base = { seq, at: new Date(1_780_000_000_000 + seq * 1000).toISOString(), kind: kinds[seq % kinds.length]!, actor: 'bench', params: { run: seq }, outcome: { status: 'completed', rows: seq * 3 }, prev };
    const entry = { ...base, hash: entryHash(base) };
    prev = entry.hash;
    chunk += `${canonicalJson(entry)}\n`;
    if (chunk.length > 1 << 20) {
      appendFileSync(path, chunk);
      chunk = '';
    }
  }
  appendFileSync(path, chunk);
}

async function auditPages(dir: string): Promise<{ rows: string[][]; data: unknown }> {
  const path = join(dir, 'bench.audit.ndjson');
  auditFile(path);
  const log = AuditLog.open(path);
  const pages = new AuditPages();
  await pages.page(path, {});
  const PAGES = 20;
  const results = await compareAsync(
    [
      {
        name: 'line index (audit.list)',
        run: async () => {
          for (let i = 0; i < PAGES; i++) consume((await pages.page(path, { offset: i * 1000, limit: 100 })).rows.length);
          return PAGES;
        },
      },
      {
        name: 'AuditLog.read() + slice',
        run: async () => {
          const all = await log.read();
          consume(all.slice(-1100, -1000).length);
          return 1;
        },
      },
    ],
    5,
  );
  return { rows: results.map((r) => [r.name, `${rate(r.perSec)} pages/s`, ratio(r.perSec, results[1]!.perSec)]), data: { results } };
}

const bench: Benchmark = {
  name: 'migrate-console',
  title: "Console migration services: a run through the console, rejects and audit pages",
  command: 'npm run bench:migrate-console',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'otbridge-bench-migrate-console-'));
    try {
      const r = await runs(dir);
      const j = await rejectsPages(dir);
      const a = await auditPages(dir);
      const markdown = [
        '**A run through the console** (TFS-shaped SQLite, 3 000 players, about 44 000 rows, into an empty Canary SQLite; medians of 5 alternating rounds; verification off):',
        '',
        table(['', 'rate', 'vs direct'], r.rows),
        '',
        `**Rejects pages** (${REJECTS.toLocaleString('en')} rejects, 100 per page at random offsets; medians of 5 rounds):`,
        '',
        table(['', 'rate', 'vs readRejects'], j.rows),
        '',
        `**Audit pages** (${ENTRIES.toLocaleString('en')} entries, 100 per page, newest first; medians of 5 rounds):`,
        '',
        table(['', 'rate', 'vs read()'], a.rows),
        '',
        `Load average during the run: ${loadavg().map((x) => x.toFixed(1)).join(' / ')} (the machine is shared: the ratios, measured side by side, are what to read).`,
        '',
        'The console adds events and bookkeeping to a run, not work per row: progress goes out at most ten times a second whatever the batch rate. A page costs a few reads wherever it is, because the index holds where each line starts (8 bytes) and its class (4 bytes), never the lines.',
      ].join('\n');
      return { markdown, data: { runs: r.data, rejects: j.data, audit: a.data } };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default bench;
