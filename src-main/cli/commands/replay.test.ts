/** `otbridge replay` called directly: usage errors, a client replay with its reports and audit entry, and --serve. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replayCommand } from './replay';
import { UsageError, type CliIo } from '../command';
import { recordThrough, scriptedSession, serverKeys, startReference, type ScriptedRun } from '../../../test-support/replay-harness';

let dir: string;
let capture: string;
let script: ScriptedRun;
const keys = serverKeys();
const key = Buffer.from(keys.identity.publicRaw).toString('base64url');

function io(stop?: Promise<string>): { io: CliIo; out: () => string; err: () => string } {
  const out = new PassThrough();
  const err = new PassThrough();
  let o = '';
  let e = '';
  out.on('data', (c: Buffer) => (o += c.toString()));
  err.on('data', (c: Buffer) => (e += c.toString()));
  return { io: { out, err, stopped: stop ?? new Promise(() => {}) }, out: () => o, err: () => e };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otb-replay-cli-'));
  capture = join(dir, 'run.pcapng');
  const { ref, port } = await startReference(keys);
  const rec = await recordThrough(port, ref.identity.publicRaw, capture);
  script = await scriptedSession(rec.port, rec.proxyIdentity.publicRaw);
  await rec.close();
  await ref.close();
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('otbridge replay', () => {
  it('usage errors name the problem', async () => {
    const t = io();
    const cases: [string[], RegExp][] = [
      [[], /which capture\?/],
      [[capture], /--target host:port is required/],
      [[capture, '--target', '127.0.0.1:1', `--trust=${key}`, '--speed', '500'], /speed must be between 0\.1 and 100/],
      [[capture, '--target', '127.0.0.1:1', `--trust=${key}`, '--sessions', '3-1'], /not a range from low to high/],
      [[capture, '--target', '127.0.0.1:1', `--trust=${key}`, '--ignore', 'NOPE:/x'], /"NOPE" is neither a message type/],
      [[capture, '--target', '127.0.0.1:1', `--trust=${key}`, '--tolerance', '/x'], /a tolerance is PATH=EPSILON/],
      [[capture, '--target', '127.0.0.1:1', '--trust', 'AAAA'], /an Ed25519 identity key is 32 bytes, this one is 3/],
      [[capture, '--serve', '--speed', 'max'], /--serve plays pushes on their timing/],
    ];
    for (const [argv, re] of cases) {
      const e = await replayCommand.run(argv, t.io).catch((x: unknown) => x);
      expect(e, argv.join(' ')).toBeInstanceOf(UsageError);
      expect((e as Error).message).toMatch(re);
    }
  });

  it('replays against a server of the same build: exit 0, the summary, the JSON and JUnit reports, an audit entry; quiet progress off a terminal', async () => {
    const { ref, port } = await startReference(keys);
    try {
      const t = io();
      const report = join(dir, 'report.json');
      const junit = join(dir, 'report.xml');
      const audit = join(dir, 'audit.ndjson');
      const rules = join(dir, 'rules.json');
      await writeFile(rules, JSON.stringify({ ignore: ['state:/world/time'], tolerances: [{ path: '/player/health', epsilon: 1 }] }));
      const code = await replayCommand.run([capture, '--target', `127.0.0.1:${port}`, `--trust=${key}`, '--password', 'demo', '--speed', '2', '--rules', rules, '--report', report, '--junit', junit, '--audit-log', audit, '--verbose'], t.io);
      expect(code, t.out() + t.err()).toBe(0);
      expect(t.out()).toMatch(/overall: MATCHED — 1 matched of 1 session run in [\d.]+ s \(exit code 0\)/);
      expect(t.out()).toContain('latency p50 ms');
      expect(t.err()).toContain('session 1 (demo)  MATCHED');
      // eslint-disable-next-line no-control-regex
      expect(t.err()).not.toMatch(/\u001b|\r/);
      const json = JSON.parse(await readFile(report, 'utf8')) as { verdict: string; options: { ignore: string[] }; sessions: { sent: number }[] };
      expect(json.verdict).toBe('matched');
      expect(json.options.ignore).toContain('state:/world/time');
      expect(json.sessions[0]!.sent).toBeGreaterThanOrEqual(script.directions.length + 6);
      expect(await readFile(junit, 'utf8')).toMatch(/<testsuites [^>]*failures="0" errors="0"/);
      const entries = (await readFile(audit, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { kind: string; params: { target: string }; outcome: { verdict: string } });
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ kind: 'replay.run', params: { target: `127.0.0.1:${port}` }, outcome: { verdict: 'matched' } });
    } finally {
      await ref.close();
    }
  }, 30_000);

  it('against a changed build: exit 1 and the divergence; --json prints the report', async () => {
    const { ref, port } = await startReference(keys, { moveIntervalMs: 60_000 });
    try {
      const t = io();
      const code = await replayCommand.run([capture, '--target', `127.0.0.1:${port}`, `--trust=${key}`, '--password', 'demo', '--speed', '4', '--json', '--audit-log', join(dir, 'audit2.ndjson')], t.io);
      expect(code).toBe(1);
      const r = JSON.parse(t.out()) as { verdict: string; sessions: { state: { divergence: { capturedVersion: number; path: string } } }[] };
      expect(r.verdict).toBe('differed');
      expect(r.sessions[0]!.state.divergence).toMatchObject({ capturedVersion: 2, path: expect.stringMatching(/^\/player\/position\//) });
    } finally {
      await ref.close();
    }
  }, 30_000);

  it('--serve --once: plays the server for one client, prints the identity to pin, exits 0 when everything matched', async () => {
    const t = io();
    const keyFile = join(dir, 'mock-keys.json');
    const running = replayCommand.run([capture, '--serve', '--listen', '127.0.0.1:0', '--key-file', keyFile, '--once', '--speed', '2', '--audit-log', join(dir, 'audit3.ndjson')], t.io);
    // The command prints where it listens and the key; read them back.
    let port = 0;
    let pinned = '';
    for (let i = 0; i < 200 && !port; i++) {
      await new Promise((r) => setTimeout(r, 25));
      const m = /on 127\.0\.0\.1:(\d+)\nidentity (\S+) /.exec(t.err());
      if (m) {
        port = Number(m[1]);
        pinned = m[2]!;
      }
    }
    expect(port).toBeGreaterThan(0);
    await scriptedSession(port, Buffer.from(pinned, 'base64url'), { directions: script.directions, gapMs: 60 });
    expect(await running).toBe(0);
    expect(t.out()).toMatch(/client 127\.0\.0\.1:\d+: session 1 \(demo\), (\d+)\/\1 messages matched/);
    expect(t.out()).toContain('served 1 client: MATCHED (exit code 0)');
  }, 30_000);
});
