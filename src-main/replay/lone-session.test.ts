/**
 * One player's session replayed alone from a capture of several: the other
 * player is not there, so its broadcasts never arrive. Without a push ignore
 * rule that is a difference (the run fails); with one — through the API, the
 * command line or a rules file — the run passes and the report still lists
 * the ignored broadcasts with their counts.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ReferenceServer } from '../peers/server';
import { type ReplayReport } from '../../src-shared/ipc/replay';
import { type CliIo } from '../cli/command';
import { replayCommand } from '../cli/commands/replay';
import { runReplay } from './runner';
import { ReplaySource } from './source';
import { toJUnit } from './junit';
import { formatReport } from './report-text';
import { BOT_PASSWORD, recordThrough, serverKeys, startReference, twoPlayerSession } from '../../test-support/replay-harness';

let dir: string;
let capture: string;
/** bot1's session number in the capture. */
let lone: number;
const keys = serverKeys();
const key = Buffer.from(keys.identity.publicRaw).toString('base64url');
const servers: ReferenceServer[] = [];
const OTHERS = 'EVENT_BROADCAST party.wave from bot-2';

async function server(): Promise<number> {
  const s = await startReference(keys);
  servers.push(s.ref);
  return s.port;
}

function io(): { io: CliIo; out: () => string } {
  const out = new PassThrough();
  let o = '';
  out.on('data', (c: Buffer) => (o += c.toString()));
  return { io: { out, err: new PassThrough().resume(), stopped: new Promise(() => {}) }, out: () => o };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otb-replay-lone-'));
  capture = join(dir, 'two-players.pcapng');
  const port = await server();
  const rec = await recordThrough(port, keys.identity.publicRaw, capture);
  const run = await twoPlayerSession(rec.port, rec.proxyIdentity.publicRaw);
  expect(run.wavesFromOther).toBe(3);
  await new Promise((r) => setTimeout(r, 200));
  await rec.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
  const source = await ReplaySource.open(capture);
  try {
    expect(source.sessions.map((s) => s.account).sort()).toEqual(['bot1', 'bot2']);
    lone = source.sessions.find((s) => s.account === 'bot1')!.session;
  } finally {
    await source.close();
  }
}, 60_000);

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a lone session of a two-player capture', () => {
  it("without a push ignore rule: the other player's broadcasts are missing, the run fails", async () => {
    const port = await server();
    const report = await runReplay({ capture, sessions: [lone], target: { host: '127.0.0.1', port }, identity: { pinned: keys.identity.publicRaw }, password: BOT_PASSWORD });
    const text = formatReport(report);
    expect(report.verdict, text).toBe('missing');
    expect(report.exitCode).toBe(1);
    const s = report.sessions[0]!;
    // Everything else agrees: the answers, the state, bot1's own broadcast.
    expect(s.state.verdict, text).toBe('matched');
    expect(s.counts.differed + s.counts.missing + s.counts.unexpected, text).toBe(0);
    expect(s.pushes.find((p) => p.key === 'EVENT_BROADCAST party.wave from bot-1')).toMatchObject({ captured: 1, replayed: 1, matched: 1 });
    expect(s.pushes.find((p) => p.key === OTHERS)).toMatchObject({ captured: 3, replayed: 0, missing: 3 });
    expect(text).toContain(`pushes ${OTHERS}: 3 captured, 0 replayed (3 missing)`);
    expect(toJUnit(report)).toMatch(/<testcase classname="replay\.session\d+" name="pushes" time="0">\s*<failure message="EVENT_BROADCAST party\.wave from bot-2: 3 captured, 0 replayed"/);
  }, 30_000);

  it("with --ignore-push for the other player's broadcasts: exit 0, the ignored kind listed with its counts", async () => {
    const port = await server();
    const t = io();
    const reportPath = join(dir, 'lone.json');
    const junitPath = join(dir, 'lone.xml');
    const code = await replayCommand.run(
      [capture, '--sessions', String(lone), '--target', `127.0.0.1:${port}`, `--trust=${key}`, '--password', BOT_PASSWORD, '--ignore-push', 'EVENT_BROADCAST * from bot-2', '--report', reportPath, '--junit', junitPath, '--audit-log', join(dir, 'audit.ndjson')],
      t.io,
    );
    expect(code, t.out()).toBe(0);
    expect(t.out()).toContain(`pushes ${OTHERS}: 3 captured, 0 replayed, ignored (rule "EVENT_BROADCAST * from bot-2")`);
    expect(t.out()).toMatch(/overall: MATCHED — 1 matched of 1 session run/);
    const report = JSON.parse(await readFile(reportPath, 'utf8')) as ReplayReport;
    expect(report.options.ignorePushes).toEqual(['EVENT_BROADCAST * from bot-2']);
    expect(report.sessions[0]!.pushes.find((p) => p.key === OTHERS)).toEqual({ key: OTHERS, captured: 3, replayed: 0, matched: 0, differed: 0, missing: 0, unexpected: 0, examples: [], ignored: 'EVENT_BROADCAST * from bot-2' });
    // bot1's own broadcast is still compared.
    expect(report.sessions[0]!.pushes.find((p) => p.key === 'EVENT_BROADCAST party.wave from bot-1')).toMatchObject({ matched: 1 });
    const junit = await readFile(junitPath, 'utf8');
    expect(junit).not.toContain('<failure');
    expect(junit).toContain(`name="pushes ${OTHERS}" time="0">`);
    expect(junit).toContain('<skipped message="ignored (rule &quot;EVENT_BROADCAST * from bot-2&quot;): 3 captured, 0 replayed"/>');
    const audit = JSON.parse((await readFile(join(dir, 'audit.ndjson'), 'utf8')).trim().split('\n').pop()!) as { params: { ignorePushes: string[] } };
    expect(audit.params.ignorePushes).toEqual(['EVENT_BROADCAST * from bot-2']);
  }, 30_000);

  it('the same rule from a rules file; a malformed one is a usage error naming the file', async () => {
    const port = await server();
    const rules = join(dir, 'lone-rules.json');
    await writeFile(rules, JSON.stringify({ ignorePushes: ['EVENT_BROADCAST party.* from bot-2'] }));
    const t = io();
    const code = await replayCommand.run([capture, '--sessions', String(lone), '--target', `127.0.0.1:${port}`, `--trust=${key}`, '--password', BOT_PASSWORD, '--rules', rules, '--audit-log', join(dir, 'audit.ndjson')], t.io);
    expect(code, t.out()).toBe(0);
    expect(t.out()).toContain(`pushes ${OTHERS}: 3 captured, 0 replayed, ignored (rule "EVENT_BROADCAST party.* from bot-2")`);

    await writeFile(rules, JSON.stringify({ ignorePushes: ['GAME_STATE_UPDATE'] }));
    await expect(replayCommand.run([capture, '--target', `127.0.0.1:${port}`, `--trust=${key}`, '--password', BOT_PASSWORD, '--rules', rules], io().io)).rejects.toThrow(
      new RegExp(`--rules ${rules.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: ignorePushes\\[0\\]: .*GAME_STATE_UPDATE is state`),
    );
    await expect(replayCommand.run([capture, '--target', `127.0.0.1:${port}`, `--trust=${key}`, '--password', BOT_PASSWORD, '--ignore-push', 'EVENT_BROADCAST a b'], io().io)).rejects.toThrow(/TYPE \[NAME \[from SOURCE\]\]/);
  }, 30_000);
});
