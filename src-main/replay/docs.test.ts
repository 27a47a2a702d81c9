/** docs/replay.md stays true: its examples run and say what the page says; its tables name the real rules. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_IDENTITY_RULES } from './identity-rules';
import { DEFAULT_IGNORES } from './rules';

const ROOT = resolve(import.meta.dirname, '../..');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otb-replay-docs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('docs/examples/replay-api.ts records, replays against the same build (matched) and a slower one (diverged at version 2)', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'docs/examples/replay-api.ts'), dir], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const [same, slow] = r.stdout.split('== one step per minute');
  // The whole output on failure: which replay differed, and where.
  expect(same, r.stdout).toMatch(/overall: MATCHED — 1 matched of 1 session run/);
  expect(slow, r.stdout).toMatch(/state: first divergence at captured version 2 \(replayed version 1\), after #2 PLAYER_MOVE \{"direction":"e"\}/);
  expect(slow).toMatch(/\/player\/position\/x: captured \d+, replayed \d+/);
  expect(slow).toMatch(/overall: DIFFERED — 1 differed of 1 session run in [\d.]+ s \(exit code 1\)/);
  expect(existsSync(join(dir, 'one-step-per-minute.xml'))).toBe(true);
});

it('the identity table names every kind of the rule table, and the default ignores are the real ones', async () => {
  const doc = await readFile(join(ROOT, 'docs/replay.md'), 'utf8');
  const table = doc.slice(doc.indexOf('| kind | learnt from |'), doc.indexOf('*map*: captured value'));
  for (const k of DEFAULT_IDENTITY_RULES.kinds) expect(table, k.name).toContain(`\`${k.name}\``);
  const defaults = doc.slice(doc.indexOf('Ignored by default'), doc.indexOf('**Tolerances**'));
  for (const i of DEFAULT_IGNORES) expect(defaults, i).toContain(`\`${i}\``);
});

/** A port nobody listens on now (the flow's 7180 and 7181 may be taken on a shared machine). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Runs a bash script in its own process group, so a timeout ends the servers it started too. */
function bash(script: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => {
      err += `\n(killed after ${timeoutMs} ms)`;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      // Whatever the script left behind (a server it did not get to kill) goes with its group.
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // nothing left
      }
      resolve({ code, out, err });
    });
  });
}

it('"A first replay" runs as written: three bots recorded through the proxy, replayed against a new server, everything matched', async () => {
  const doc = await readFile(join(ROOT, 'docs/replay.md'), 'utf8');
  const at = doc.indexOf('## A first replay');
  const start = doc.indexOf('```sh\n', at) + '```sh\n'.length;
  const block = doc.slice(start, doc.indexOf('```\n', start));
  // What the test changes, and nothing else: the CLI runs from source (not a build others may be rewriting),
  // on free ports instead of 7180 and 7181.
  const cli = 'otb="node $PWD/out/main/cli.js"';
  expect(block.startsWith(`npm run build\n${cli}\n`)).toBe(true);
  const [server, proxy] = [await freePort(), await freePort()];
  const script = block
    .replace('npm run build\n', '')
    .replace(cli, `otb="${process.execPath} --import ${import.meta.resolve('tsx')} ${join(ROOT, 'src-main/cli/main.ts')}"`)
    .replaceAll('7180', String(server))
    .replaceAll('7181', String(proxy));
  const tmp = join(dir, 'first-replay');
  await mkdir(tmp);
  // mktemp -d makes the scratch folder under TMPDIR; OTBRIDGE_HOME keeps the audit log and remembered keys out of ~.
  const r = await bash(script, { ...process.env, TMPDIR: tmp, OTBRIDGE_HOME: join(tmp, 'home') }, 150_000);
  // mktemp names its folders tmp.XXXXXXXXXX (tsx keeps a cache beside them).
  const scratch = readdirSync(tmp).filter((f) => f.startsWith('tmp.'));
  expect(scratch, r.err).toHaveLength(1);
  const work = join(tmp, scratch[0]!);
  const logs = await Promise.all(['old.log', 'proxy.log', 'new.log'].map((f) => readFile(join(work, f), 'utf8').catch(() => `(no ${f})`)));
  const context = `${r.out}\n--- stderr\n${r.err}\n--- logs\n${logs.join('\n---\n')}`;
  expect(r.out, context).toMatch(/overall: MATCHED — 3 matched of 3 session runs in [\d.]+ s \(exit code 0\)/);
  const report = JSON.parse(await readFile(join(work, 'replay.json'), 'utf8')) as { verdict: string; sessions: { account: string; sent: number }[] };
  expect(report.verdict).toBe('matched');
  expect(report.sessions.map((s) => s.account).sort()).toEqual(['bot1', 'bot2', 'bot3']);
  expect(await readFile(join(work, 'replay.xml'), 'utf8')).not.toContain('<failure');
}, 180_000);
