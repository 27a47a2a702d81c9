/**
 * Client replay end to end on 127.0.0.1: sessions recorded through a
 * decrypting proxy against the reference server, replayed against a fresh
 * server of the same build (everything matches) and against servers with a
 * deliberately changed rule (the first divergence is found at the right
 * version and path, and the JUnit report fails).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BotFleet } from '../peers/bot';
import { MessageType } from '../../src-shared/protocol';
import { type ReferenceServer } from '../peers/server';
import { runReplay } from './runner';
import { toJUnit } from './junit';
import { formatReport } from './report-text';
import { BOT_PASSWORD, recordThrough, scriptedSession, serverKeys, startReference, type ScriptedRun } from '../../test-support/replay-harness';

let dir: string;
const keys = serverKeys();
const servers: ReferenceServer[] = [];
const botCapture = (): string => join(dir, 'bots.pcapng');
const scriptCapture = (): string => join(dir, 'script.pcapng');
let scripted: ScriptedRun;

async function server(world: Parameters<typeof startReference>[1] = {}): Promise<{ ref: ReferenceServer; port: number }> {
  const s = await startReference(keys, world);
  servers.push(s.ref);
  return s;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otb-replay-'));
  // Two bots at once (they see each other's broadcasts), recorded through the proxy.
  {
    const { ref, port } = await server();
    const rec = await recordThrough(port, ref.identity.publicRaw, botCapture());
    const fleet = await BotFleet.start({ host: '127.0.0.1', port: rec.port, identity: { pinned: rec.proxyIdentity.publicRaw }, count: 2, intervalMs: 250, seed: 11, accounts: [{ account: 'bot1', password: BOT_PASSWORD }, { account: 'bot2', password: BOT_PASSWORD }] });
    await new Promise((r) => setTimeout(r, 3500));
    await Promise.all(fleet.bots.map((b) => b.stop(true)));
    await new Promise((r) => setTimeout(r, 200));
    await rec.close();
  }
  // The scripted player: every kind of client message.
  {
    const { ref, port } = await server();
    const rec = await recordThrough(port, ref.identity.publicRaw, scriptCapture());
    scripted = await scriptedSession(rec.port, rec.proxyIdentity.publicRaw);
    await new Promise((r) => setTimeout(r, 200));
    await rec.close();
  }
  await Promise.all(servers.splice(0).map((s) => s.close()));
}, 60_000);

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('replay against the same build', () => {
  it('two concurrent bot sessions: everything matches', async () => {
    const { port } = await server();
    const report = await runReplay({
      capture: botCapture(),
      target: { host: '127.0.0.1', port },
      identity: { pinned: keys.identity.publicRaw },
      password: BOT_PASSWORD,
      // Like for like: faster, a ui edit can land within the same sync tick as the server's notice it clears, and the
      // server resolves that conflict differently (the replay reports exactly that).
      speed: 1,
      // The server stamps the notices it writes into the player's ui with its clock.
      rules: { ignore: ['state:/ui/notifications/*/at'] },
    });
    expect(formatReport(report), `${formatReport(report)}\n${JSON.stringify(report.sessions.map((s) => [s.state, s.warnings]))}`).toContain('overall: MATCHED');
    expect(report.verdict).toBe('matched');
    expect(report.exitCode).toBe(0);
    expect(report.sessions.map((s) => s.account).sort()).toEqual(['bot1', 'bot2']);
    for (const s of report.sessions) {
      expect(s.sent).toBe(s.steps);
      expect(s.steps).toBeGreaterThan(3);
      expect(s.state.verdict).toBe('matched');
      expect(s.state.capturedVersions).toBeGreaterThan(1);
      expect(s.identities).toContainEqual(expect.objectContaining({ kind: 'playerId', captured: s.account === 'bot1' ? 'bot-1' : 'bot-2' }));
    }
    expect(toJUnit(report)).not.toContain('<failure');
  }, 30_000);

  it('the scripted session (moves, events, a resource, a heartbeat, a ui edit, a state request), twice: everything matches', async () => {
    const { port } = await server();
    const progress: number[] = [];
    const report = await runReplay({
      capture: scriptCapture(),
      target: { host: '127.0.0.1', port },
      identity: { pinned: keys.identity.publicRaw },
      password: 'demo',
      loop: 2,
      speed: 1.5,
      onProgress: (p) => progress.push(p.stepsDone),
    });
    expect(report.verdict, formatReport(report)).toBe('matched');
    expect(report.sessions.map((s) => s.iteration)).toEqual([1, 2]);
    // The world mints item ids at login: the second run's player got new ones, learnt from its snapshot.
    const item = report.sessions[1]!.identities.find((i) => i.kind === 'itemId');
    expect(item?.captured).not.toBe(item?.replayed);
    const s = report.sessions[0]!;
    const types = s.byType.map((t) => t.type);
    for (const t of ['AUTH_LOGIN', 'EVENT_TRIGGER', 'RESOURCE_REQUEST', 'HEARTBEAT', 'GAME_STATE_UPDATE', 'GAME_STATE_REQUEST', 'AUTH_LOGOUT']) expect(types).toContain(t);
    // Identities learnt and used: the event ids the replay minted, the state version its ui edit carried.
    expect(s.identities.filter((i) => i.kind === 'eventId' && i.how === 'fresh' && i.used > 0)).toHaveLength(2);
    expect(s.identities.find((i) => i.kind === 'stateVersion')?.used).toBeGreaterThan(0);
    expect(s.identities.find((i) => i.kind === 'resourceHash')).toBeDefined();
    expect(s.pushes.find((p) => p.key.startsWith('EVENT_BROADCAST party.wave from p-'))).toMatchObject({ captured: 1, replayed: 1, matched: 1 });
    expect(s.latency.find((l) => l.type === 'EVENT_TRIGGER')?.replayed?.count).toBe(2);
    expect(Math.max(...progress)).toBe(report.sessions.reduce((n, x) => n + x.sent, 0));
  }, 30_000);
});

describe('replay against a changed build', () => {
  it('a slower move rule: the first divergence is the second accepted move, at /player/position; the JUnit report fails', async () => {
    expect(scripted.acceptedMoves).toBe(3);
    // One step a minute: the first move is allowed, the second is refused.
    const { port } = await server({ moveIntervalMs: 60_000 });
    const report = await runReplay({ capture: scriptCapture(), target: { host: '127.0.0.1', port }, identity: { pinned: keys.identity.publicRaw }, password: 'demo' });
    expect(report.verdict).toBe('differed');
    expect(report.exitCode).toBe(1);
    const d = report.sessions[0]!.state.divergence!;
    expect(d).not.toBeNull();
    // Version 0 is the login snapshot, 1 the first move, 2 the second.
    expect(d.capturedVersion).toBe(2);
    expect(d.replayedVersion).toBe(1);
    expect(d.path).toMatch(/^\/player\/position\/[xy]$/);
    expect(d.after).toMatchObject({ type: 'PLAYER_MOVE' });
    expect(typeof d.captured).toBe('number');
    expect(d.captured).not.toBe(d.replayed);
    const junit = toJUnit(report);
    expect(junit).toMatch(/<testcase classname="replay\.session1" name="state timeline" time="0">\s*<failure message="state diverged at captured version 2: \/player\/position\/[xy]: captured \d+, replayed \d+"/);
    expect(junit).toMatch(/<testsuites [^>]*failures="[1-9]/);
    expect(formatReport(report)).toContain('state: first divergence at captured version 2 (replayed version 1), after #');
  }, 30_000);

  it('a renamed field in the state: divergence at the login snapshot, /player/health missing', async () => {
    const { ref, port } = await server();
    const original = ref.world.playerState.bind(ref.world);
    ref.world.playerState = (id: string) => {
      const s = original(id);
      if (!s) return s;
      const { health, ...rest } = s;
      return { ...rest, hp: health };
    };
    const report = await runReplay({ capture: scriptCapture(), target: { host: '127.0.0.1', port }, identity: { pinned: keys.identity.publicRaw }, password: 'demo', speed: 4 });
    const d = report.sessions[0]!.state.divergence!;
    expect(d).toMatchObject({ capturedVersion: 0, replayedVersion: 0, path: '/player/health', kind: 'missing', captured: 150, after: null });
    expect(d.differences).toContainEqual({ path: '/player/hp', kind: 'unexpected', replayed: 150 });
    expect(report.verdict).toBe('differed');
  }, 30_000);

  it('a renamed field in an event answer: that EVENT_TRIGGER answer differs, with the path', async () => {
    const { ref, port } = await server();
    // The build under test answers server.time with "clock" instead of "time".
    ref.server.handle('EVENT_TRIGGER', async (ctx) => {
      const out = await ref.events.events.trigger(ctx.session.playerId, ctx.frame.body);
      for (const d of out.deliveries) ref.events.deliver(d);
      const data = out.response.data as Record<string, unknown> | undefined;
      const renamed = data && 'time' in data ? { weather: data.weather, clock: data.time } : data;
      ctx.reply(MessageType.EVENT_RESPONSE, { ...out.response, ...(renamed ? { data: renamed } : {}) });
    });
    const report = await runReplay({ capture: scriptCapture(), target: { host: '127.0.0.1', port }, identity: { pinned: keys.identity.publicRaw }, password: 'demo', speed: 4 });
    const m = report.sessions[0]!.messages.find((x) => x.request === 'EVENT_TRIGGER');
    expect(m).toMatchObject({ verdict: 'differed', capturedResponse: 'EVENT_RESPONSE', replayedResponse: 'EVENT_RESPONSE' });
    expect(m!.differences).toContainEqual(expect.objectContaining({ path: '/data/time', kind: 'missing' }));
    expect(m!.differences).toContainEqual(expect.objectContaining({ path: '/data/clock', kind: 'unexpected' }));
    expect(report.sessions[0]!.state.verdict).toBe('matched');
  }, 30_000);

  it('a server that refuses the login: the session is an error naming why', async () => {
    const { port } = await server();
    const report = await runReplay({ capture: scriptCapture(), target: { host: '127.0.0.1', port }, identity: { pinned: keys.identity.publicRaw }, password: 'wrong' });
    expect(report.verdict).toBe('error');
    expect(report.sessions[0]!.error).toMatch(/login as demo refused: UNAUTHENTICATED/);
    expect(toJUnit(report)).toContain('<error message="login as demo refused');
  }, 30_000);

  it('a server with another identity: refused before anything is sent', async () => {
    const other = serverKeys();
    const s = await startReference(other);
    servers.push(s.ref);
    const report = await runReplay({ capture: scriptCapture(), target: { host: '127.0.0.1', port: s.port }, identity: { pinned: keys.identity.publicRaw }, password: 'demo' });
    expect(report.sessions[0]!.error).toMatch(/does not match the pinned identity/);
    expect(report.sessions[0]!.sent).toBe(0);
  }, 30_000);
});
