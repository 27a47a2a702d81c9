/**
 * Server replay on 127.0.0.1: a capture of scripted sessions plays the
 * server for a live reference client, well enough that the client's whole
 * scripted session completes; what the capture cannot answer is reported.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UpClient } from '../../net/client/client';
import { RemoteError } from '../../net/errors';
import { MockServer } from './mock-server';
import { recordThrough, scriptedSession, serverKeys, startReference, type ScriptedRun } from '../../../test-support/replay-harness';

let dir: string;
const capture = (): string => join(dir, 'two.pcapng');
const runs: Record<string, ScriptedRun> = {};
const mocks: MockServer[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otb-serve-'));
  const { ref, port } = await startReference(serverKeys());
  const rec = await recordThrough(port, ref.identity.publicRaw, capture());
  runs.demo = await scriptedSession(rec.port, rec.proxyIdentity.publicRaw, { account: 'demo' });
  runs.admin = await scriptedSession(rec.port, rec.proxyIdentity.publicRaw, { account: 'admin', moves: 2 });
  await new Promise((r) => setTimeout(r, 200));
  await rec.close();
  await ref.close();
}, 60_000);

afterEach(async () => {
  await Promise.all(mocks.splice(0).map((m) => m.close()));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function mock(o: Partial<Parameters<typeof MockServer.start>[0]> = {}): Promise<MockServer> {
  const m = await MockServer.start({ capture: capture(), ...o });
  mocks.push(m);
  return m;
}

const clientDone = (m: MockServer): Promise<void> =>
  new Promise((resolve) => {
    m.onClientDone = () => resolve();
  });

describe('server replay', () => {
  it("answers the reference client's whole scripted session: handshake, login, moves, events, a resource, a heartbeat, a ui edit, a state request, logout", async () => {
    const m = await mock({ speed: 1 });
    const done = clientDone(m);
    // The same script, with the same moves: every message has its captured twin.
    const run = await scriptedSession(m.address.port, m.identity.publicRaw, { account: 'demo', directions: runs.demo!.directions });
    expect(run.directions).toEqual(runs.demo!.directions);
    await done;
    const report = m.report();
    expect(report.verdict).toBe('matched');
    expect(report.exitCode).toBe(0);
    const c = report.clients[0]!;
    expect(c, JSON.stringify(c.notSentExamples)).toMatchObject({ session: 1, account: 'demo', loggedOut: true, unmatched: [], notSent: 0 });
    expect(c.matched).toBe(c.received);
    expect(c.received).toBeGreaterThan(runs.demo!.directions.length + 5);
    expect(c.pushesSent).toBeGreaterThan(runs.demo!.acceptedMoves);
  }, 30_000);

  it('picks the captured session of the account that logs in; an unknown account is refused naming the ones it has', async () => {
    const m = await mock({ speed: 4 });
    const stranger = new UpClient({ host: '127.0.0.1', port: m.address.port, identity: { pinned: m.identity.publicRaw }, credentials: { account: 'qa', password: 'qa' }, reconnectAttempts: 0 });
    const err = await stranger.connect().catch((e: unknown) => e);
    stranger.close();
    expect(err).toBeInstanceOf(RemoteError);
    expect((err as RemoteError).message).toMatch(/no captured session for account "qa" \(the capture has demo, admin\)/);
    const done = clientDone(m);
    await scriptedSession(m.address.port, m.identity.publicRaw, { account: 'admin', directions: runs.admin!.directions, gapMs: 30 });
    await done;
    expect(m.report().clients.find((c) => c.account === 'admin')).toMatchObject({ session: 2, unmatched: [] });
  }, 30_000);

  it('reports what the capture cannot answer, and answers it ERROR NOT_FOUND when asked to', async () => {
    const m = await mock({ sessions: [1], answerUnmatched: true });
    const c = new UpClient({ host: '127.0.0.1', port: m.address.port, identity: { pinned: m.identity.publicRaw }, credentials: { account: 'demo', password: 'anything' }, reconnectAttempts: 0, requestTimeoutMs: 3000 });
    const info = await c.connect();
    expect(info.playerId).toMatch(/^p-/);
    // A remote event the capture never saw.
    const err = await c.trigger({ id: randomUUID(), name: 'dice.roll', scope: 'remote', data: { sides: 6 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect((err as RemoteError).code).toBe('NOT_FOUND');
    // A known one still gets its captured answer, with the id this client sent.
    const id = randomUUID();
    const time = await c.trigger({ id, name: 'server.time', scope: 'remote' });
    expect(time).toMatchObject({ id, ok: true });
    c.close();
    await new Promise((r) => setTimeout(r, 100));
    const report = await m.close();
    expect(report.verdict).toBe('unexpected');
    expect(report.exitCode).toBe(1);
    const u = report.clients[0]!.unmatched[0]!;
    expect(u).toMatchObject({ type: 'EVENT_TRIGGER', answered: true });
    expect(u.nearest?.differences).toContainEqual(expect.objectContaining({ path: '/name', kind: 'changed', captured: 'server.time', replayed: 'dice.roll' }));
  }, 30_000);

  it('refuses a client that pins another identity before anything is answered', async () => {
    const m = await mock();
    const c = new UpClient({ host: '127.0.0.1', port: m.address.port, identity: { pinned: serverKeys().identity.publicRaw }, credentials: { account: 'demo', password: 'demo' }, reconnectAttempts: 0 });
    await expect(c.connect()).rejects.toThrow(/does not match the pinned identity/);
    c.close();
  }, 30_000);
});
