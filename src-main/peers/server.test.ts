import { afterEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { ReferenceServer } from './server';
import { type Bot, BotFleet } from './bot';
import { TEST_SCRYPT, waitFor } from '../../test-support/up-harness';
import { UpClient } from '../net/client/client';
import { ClientSync } from '../net/client/sync';
import { MessageType } from '../../src-shared/protocol';
import { deepEqual, type JsonValue } from '../../src-shared/sync';

let ref: ReferenceServer | null = null;
const stops: (() => unknown)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
  await ref?.close();
  ref = null;
});

async function start(extra: Parameters<typeof ReferenceServer.create>[0] = {}): Promise<{ ref: ReferenceServer; port: number }> {
  ref = await ReferenceServer.create({ port: 0, scrypt: TEST_SCRYPT, botAccounts: 20, world: { creatures: 300, items: 100, seed: 3 }, ...extra });
  const { port } = await ref.listen();
  return { ref, port };
}

function client(port: number, account = 'demo'): { c: UpClient; sync: () => ClientSync } {
  const c = new UpClient({ host: '127.0.0.1', port, identity: { pinned: ref!.identity.publicRaw }, credentials: { account, password: account } });
  let s: ClientSync | null = null;
  stops.push(() => {
    s?.dispose();
    c.close();
  });
  return {
    c,
    sync: () => (s ??= new ClientSync(c, { node: `${account}-${randomUUID().slice(0, 6)}` })),
  };
}

describe('reference server', () => {
  it('a client gets its snapshot, moves, and its replica follows the server', async () => {
    const { port } = await start();
    const { c, sync } = client(port);
    const s = sync();
    await c.connect();
    await waitFor(() => s.snapshots === 1, 3000, 'the login snapshot');
    const start0 = (s.replica.state.player as { position: { x: number; y: number } }).position;
    expect(start0).toEqual(expect.objectContaining({ z: 7 }));
    for (const d of ['n', 'e', 's', 'w'] as const) {
      c.send('PLAYER_MOVE', { direction: d });
      await new Promise((r) => setTimeout(r, 200));
    }
    const session = ref!.server.sessions.get(c.sessionId!)!;
    const serverState = ref!.sync.of(session)!;
    await waitFor(() => s.version === serverState.version && deepEqual(s.replica.state as JsonValue, serverState.state as JsonValue), 3000, 'convergence');
    expect(s.version).toBeGreaterThan(0);
    expect(s.gaps).toBe(0);
  });

  it('ui edits are acknowledged and win over the server by default; the conflict is recorded', async () => {
    const { port } = await start();
    const { c, sync } = client(port);
    const s = sync();
    await c.connect();
    await waitFor(() => s.snapshots === 1);
    const session = ref!.server.sessions.get(c.sessionId!)!;
    const conflicts: unknown[] = [];
    ref!.sync.onConflict((_s, rec) => conflicts.push(rec));
    // The server writes a notification and the client clears the list at the same moment.
    ref!.sync.of(session)!.set('/ui/notifications', [{ text: 'from server', at: 1 }]);
    s.replica.set('/ui/notifications', []);
    await waitFor(() => s.replica.pendingCount === 0, 3000, 'acknowledged');
    await waitFor(() => deepEqual(s.replica.state as JsonValue, ref!.sync.of(session)!.state as JsonValue), 3000, 'convergence');
    expect((s.replica.state.ui as { notifications: unknown[] }).notifications).toEqual([]);
    expect(conflicts.length + s.replica.conflicts.total).toBeGreaterThan(0);
  });

  it('remote, broadcast and targeted events; resources; admin scripts', async () => {
    const { port } = await start();
    const a = client(port, 'admin');
    const b = client(port, 'demo');
    await a.c.connect();
    await b.c.connect();
    const seen: unknown[] = [];
    b.c.on('push', (f) => f.header.type === MessageType.EVENT_BROADCAST && seen.push(f.body));
    const remote = await a.c.trigger({ id: randomUUID(), name: 'player.whoami', scope: 'remote' });
    expect(remote).toMatchObject({ ok: true, data: { account: 'admin', scope: ['player', 'admin'] } });
    const unknown = await a.c.trigger({ id: randomUUID(), name: 'no.such', scope: 'remote' });
    expect(unknown).toMatchObject({ ok: false });
    const id = randomUUID();
    const bc = await a.c.trigger({ id, name: 'party.wave', scope: 'broadcast', data: { hi: 1 } });
    expect(bc).toEqual({ id, ok: true });
    // the same id again: same answer, not delivered twice
    expect(await a.c.trigger({ id, name: 'party.wave', scope: 'broadcast', data: { hi: 1 } })).toEqual(bc);
    await a.c.trigger({ id: randomUUID(), name: 'whisper', scope: 'targeted', targets: [b.c.login!.playerId as string], data: 'psst' });
    await waitFor(() => seen.filter((e) => (e as { name: string }).name !== 'notice').length === 2, 3000, 'two events at b');
    expect(seen.map((e) => (e as { name: string }).name).filter((n) => n !== 'notice')).toEqual(['party.wave', 'whisper']);
    const motd = await b.c.fetchResource('motd.txt');
    expect(Buffer.from(motd.data!).toString()).toMatch(/reference server/);
    const sheet = await b.c.fetchResource('sprites/sheet.bin');
    expect(sheet.size).toBe(300 * 1024);
    const run = await a.c.runScript('return #world.creatures');
    expect(run).toEqual({ ok: true, result: expect.objectContaining({ result: 300 }) });
    await expect(b.c.runScript('return 1')).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses demo accounts on a non-loopback address unless told', async () => {
    await expect(ReferenceServer.create({ host: '0.0.0.0', scrypt: TEST_SCRYPT })).rejects.toThrow(/refusing to start on 0\.0\.0\.0/);
  });

  it('reconnect after the server drops the connection: no event and no acknowledged op is lost', async () => {
    const { port } = await start();
    const { c, sync } = client(port);
    const s = sync();
    await c.connect();
    await waitFor(() => s.snapshots === 1);
    s.replica.set('/ui/windows/inventory', { open: true });
    await waitFor(() => s.replica.pendingCount === 0, 3000, 'ack');
    const session = ref!.server.sessions.get(c.sessionId!)!;
    const events: string[] = [];
    c.on('push', (f) => f.header.type === MessageType.EVENT_BROADCAST && events.push((f.body as { name: string }).name));
    session.conn!.destroy('test drop');
    await waitFor(() => !session.attached, 2000);
    // while the client is away: an event for it, and server state moves on
    const other = client(port, 'admin');
    await other.c.connect();
    await other.c.trigger({ id: randomUUID(), name: 'while.away', scope: 'targeted', targets: [c.login!.playerId as string] });
    await new Promise((r) => c.once('resumed', r));
    await waitFor(() => events.includes('while.away'), 3000, 'the event sent while away');
    const serverSync = ref!.sync.of(session)!;
    await waitFor(() => deepEqual(s.replica.state as JsonValue, serverSync.state as JsonValue), 3000, 'convergence after resume');
    expect((s.replica.state.ui as { windows: Record<string, unknown> }).windows.inventory).toEqual({ open: true });
  });

  it('twenty bots play for two seconds: replicas converge without a gap', async () => {
    const { port } = await start();
    const fleet = await BotFleet.start({ host: '127.0.0.1', port, identity: { pinned: ref!.identity.publicRaw }, count: 20, intervalMs: 100 });
    stops.push(() => fleet.stop());
    expect(fleet.connected).toBe(20);
    await new Promise((r) => setTimeout(r, 2000));
    for (const b of fleet.bots) (b as Bot).pause();
    // The world keeps moving (creatures step every second): converged means equal at one instant between steps.
    const convergedCount = (): number => {
      let n = 0;
      for (const b of fleet.bots) {
        const session = ref!.server.sessions.get(b.client.sessionId!);
        const server = session && ref!.sync.of(session);
        if (server && b.sync && b.sync.version === server.version && deepEqual(b.sync.replica.confirmed as JsonValue, server.state as JsonValue)) n++;
      }
      return n;
    };
    await waitFor(() => convergedCount() === 20, 5000, 'all twenty replicas equal to their server sessions');
    const actions = fleet.bots.reduce((n, b) => n + b.stats.actions, 0);
    expect(actions).toBeGreaterThan(200);
    expect(fleet.bots.reduce((n, b) => n + (b.sync?.gaps ?? 0), 0)).toBe(0);
  });

  it('one account logged in twice: both sessions follow the player; when one logs out, the player stays in the world and the other goes on moving it', async () => {
    const { port } = await start();
    const first = client(port);
    const second = client(port);
    const s2 = second.sync();
    await first.c.connect();
    await second.c.connect();
    await waitFor(() => s2.snapshots === 1, 3000, 'the second session’s snapshot');
    const playerId = ref!.server.sessions.get(second.c.sessionId!)!.playerId;
    expect(ref!.server.sessions.get(first.c.sessionId!)!.playerId).toBe(playerId);
    // While both are in, both sessions follow the player (each from its own synced state), not only the latest.
    for (const d of ['e', 'w', 'n'] as const) {
      second.c.send('PLAYER_MOVE', { direction: d });
      await new Promise((r) => setTimeout(r, 120));
    }
    const synced = (id: string): JsonValue => ref!.sync.of(ref!.server.sessions.get(id)!)!.state as JsonValue;
    const truth = (): JsonValue => JSON.parse(JSON.stringify({ player: ref!.world.playerState(playerId), world: ref!.world.viewOf(playerId) })) as JsonValue;
    const both = (): boolean =>
      [first.c.sessionId!, second.c.sessionId!].every((id) => {
        const st = synced(id) as { player: JsonValue; world: JsonValue };
        return deepEqual({ player: st.player, world: st.world } as JsonValue, truth());
      });
    await waitFor(both, 3000, 'both sessions’ synced player and world equal to the world’s');
    await first.c.logout();
    await waitFor(() => ref!.server.sessions.size === 1, 3000, 'the first session ended');
    expect(ref!.world.player(playerId)).toBeDefined();
    // The remaining session still moves the player, and its replica follows.
    const before = { ...ref!.world.player(playerId)!.position };
    for (const d of ['n', 'e', 's', 'w', 'n', 'e'] as const) {
      second.c.send('PLAYER_MOVE', { direction: d });
      await new Promise((r) => setTimeout(r, 120));
    }
    const after = ref!.world.player(playerId)?.position;
    expect(after).toBeDefined();
    expect(after).not.toEqual(before);
    await waitFor(() => deepEqual((s2.replica.state.player as { position?: JsonValue }).position as JsonValue, { ...ref!.world.player(playerId)!.position } as JsonValue), 3000, 'the replica following');
  });

  it('refreshing each group of players just before its sync tick keeps every synced view equal to the world, and forgets players who left', async () => {
    // No creatures: once the bots pause, nothing moves, so each view must settle on what the world shows.
    const { port } = await start({ world: { creatures: 0, items: 40, seed: 5 }, syncSlices: 4 });
    const fleet = await BotFleet.start({ host: '127.0.0.1', port, identity: { pinned: ref!.identity.publicRaw }, count: 12, intervalMs: 50 });
    stops.push(() => fleet.stop());
    await new Promise((r) => setTimeout(r, 1500));
    for (const b of fleet.bots) (b as Bot).pause();
    const world = ref!.world;
    const settled = (): number => {
      let n = 0;
      for (const b of fleet.bots) {
        const session = ref!.server.sessions.get(b.client.sessionId!);
        const sync = session && ref!.sync.of(session);
        if (sync && deepEqual(sync.state.world as JsonValue, JSON.parse(JSON.stringify(world.viewOf(session.playerId))) as JsonValue)) n++;
      }
      return n;
    };
    await waitFor(() => settled() === 12, 5000, 'every synced view equal to the world');
    const players = fleet.bots.map((b) => ref!.server.sessions.get(b.client.sessionId!)!.playerId);
    // Logged out, not just disconnected (a detached session's player stays in the world, waiting for its resume).
    await fleet.stop(true);
    // What the refresh keeps pending per player (private; looked at here only).
    const pending = ref as unknown as { views: { has(id: string): boolean }; dirty: Set<string> };
    await waitFor(() => ref!.server.sessions.size === 0, 3000, 'the bots’ sessions ended');
    expect(players.filter((id) => pending.views.has(id) || pending.dirty.has(id))).toEqual([]);
  });
});

describe('audit', () => {
  it('every admin script run is in the audit log, and the chain verifies', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { openAuditLog } = await import('../audit');
    const dir = mkdtempSync(join(tmpdir(), 'otb-audit-'));
    try {
      const { port } = await start({ auditLog: join(dir, 'audit.ndjson') });
      const a = client(port, 'admin');
      await a.c.connect();
      expect(await a.c.runScript('return 1 + 1')).toMatchObject({ ok: true });
      expect(await a.c.runScript('while true do end', { timeoutMs: 100 })).toMatchObject({ ok: false, error: { kind: 'timeout' } });
      const log = openAuditLog(join(dir, 'audit.ndjson'));
      // The server appends after answering: wait for both entries.
      let entries = await log.read();
      for (let i = 0; i < 100 && entries.length < 2; i++) {
        await new Promise((r) => setTimeout(r, 20));
        entries = await log.read();
      }
      expect(entries.map((e) => [e.kind, e.actor, (e.outcome as { ok: boolean }).ok])).toEqual([
        ['script.execute', 'admin', true],
        ['script.execute', 'admin', false],
      ]);
      expect((await log.verify()).ok).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
