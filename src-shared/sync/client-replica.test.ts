import { describe, expect, it } from 'vitest';
import { type PatchOp } from '../protocol/catalogue';
import { Priority } from '../protocol/constants';
import { ClientSyncReplica, type ClientSyncOptions, type OutgoingUpdate } from './client-replica';
import { type ConflictRecord } from './conflicts';
import { emptyGameState } from './game-state';
import { type JsonObject } from './json';
import { ManualScheduler } from './scheduler';

const T0 = 1_700_000_000_000;
const sts = (wall: number, counter = 0) => ({ wall, counter, node: 'server' });
const sop = (path: string, value: unknown, wall = T0, counter = 0): PatchOp => ({ op: 'replace', path, value, ts: sts(wall, counter) });
const sadd = (path: string, value: unknown, wall = T0, counter = 0): PatchOp => ({ op: 'add', path, value, ts: sts(wall, counter) });

function setup(opts: Partial<ClientSyncOptions> = {}) {
  const scheduler = new ManualScheduler(T0);
  const replica = new ClientSyncReplica({ node: 'client-1', now: scheduler.now, scheduler, ...opts });
  const updates: OutgoingUpdate[] = [];
  const conflicts: ConflictRecord[] = [];
  const rejected: { op: PatchOp; reason: string }[] = [];
  replica.on('update', (u) => updates.push(u));
  replica.on('conflict', (c) => conflicts.push(c));
  replica.on('rejected', (r) => rejected.push(r));
  return { replica, scheduler, updates, conflicts, rejected };
}

const ui = (r: ClientSyncReplica) => r.state.ui as JsonObject;

describe('ClientSyncReplica: local changes', () => {
  it('applies an owned change at once and sends it at the tick as {from: version, to: version}', () => {
    const { replica, scheduler, updates } = setup();
    expect(replica.set('/ui/windows/bag', { open: true })).toEqual({ ok: true });
    expect(ui(replica).windows).toEqual({ bag: { open: true } });
    expect(replica.confirmed).toEqual(emptyGameState());
    expect(updates).toEqual([]);
    scheduler.advance(100);
    expect(updates).toEqual([
      {
        id: 1,
        priority: Priority.NORMAL,
        body: { from: 0, to: 0, ops: [{ op: 'add', path: '/ui/windows/bag', value: { open: true }, ts: { wall: T0, counter: 0, node: 'client-1' } }] },
      },
    ]);
    expect(replica.inFlightCount).toBe(1);
  });

  it('refuses paths it does not own and ops that do not apply, changing nothing', () => {
    const { replica } = setup();
    const before = replica.state;
    expect(replica.set('/player/health', 1)).toEqual({ ok: false, reason: expect.stringMatching(/^FORBIDDEN/) });
    expect(replica.remove('/ui/nothing')).toEqual({ ok: false, reason: expect.stringMatching(/^INVALID: .*no member/) });
    expect(replica.add('/ui/__proto__/x', 1)).toEqual({ ok: false, reason: expect.stringMatching(/^INVALID: .*forbidden/) });
    expect(replica.change({ op: 'copy', path: '/ui' } as never)).toEqual({ ok: false, reason: expect.stringMatching(/^INVALID/) });
    expect(replica.state).toBe(before);
    expect(replica.pendingCount).toBe(0);
  });

  it('sends CRITICAL changes at once, and coalesces repeated replaces before sending', () => {
    const { replica, updates, scheduler } = setup();
    replica.set('/ui/widgets', { hp: 1 });
    replica.set('/ui/widgets', { hp: 2 });
    replica.set('/ui/widgets', { hp: 3 });
    expect(replica.pendingCount).toBe(1);
    replica.set('/ui/notifications', ['low hp'], Priority.CRITICAL);
    expect(updates).toHaveLength(1);
    expect(updates[0]!.priority).toBe(Priority.CRITICAL);
    scheduler.advance(100);
    expect(updates[1]!.body.ops).toEqual([expect.objectContaining({ path: '/ui/widgets', value: { hp: 3 } })]);
  });

  it('with no update listener, holds changes for takeUpdate()', () => {
    const scheduler = new ManualScheduler(T0);
    const replica = new ClientSyncReplica({ node: 'c', now: scheduler.now, scheduler, batchSize: 2 });
    replica.set('/ui/a', 1, Priority.CRITICAL);
    replica.set('/ui/b', 1);
    replica.set('/ui/c', 1);
    scheduler.advance(500);
    expect(replica.queuedCount).toBe(3);
    const u = replica.takeUpdate()!;
    expect(u.body.ops.map((o) => o.path)).toEqual(['/ui/a', '/ui/b']);
    expect(replica.takeUpdate()!.body.ops.map((o) => o.path)).toEqual(['/ui/c']);
    expect(replica.takeUpdate()).toBeNull();
  });
});

describe('ClientSyncReplica: server batches', () => {
  it('applies a batch from its version and moves to `to`', () => {
    const { replica } = setup();
    expect(replica.applyBatch({ from: 0, to: 1, ops: [sop('/player/health', 150)] })).toEqual({ status: 'applied', conflicts: 0 });
    expect(replica.version).toBe(1);
    expect((replica.state.player as JsonObject).health).toBe(150);
  });

  it('detects a gap, asks once for the missing versions, and ignores redelivered batches', () => {
    const { replica } = setup();
    replica.applyBatch({ from: 0, to: 1, ops: [sop('/player/health', 1)] });
    expect(replica.applyBatch({ from: 2, to: 3, ops: [sop('/player/health', 3)] })).toEqual({ status: 'gap', request: { since: 1 } });
    expect(replica.applyBatch({ from: 3, to: 4, ops: [] })).toEqual({ status: 'gap', request: null });
    expect(replica.awaitingResync).toEqual({ since: 1 });
    expect(replica.version).toBe(1);
    expect(replica.applyBatch({ from: 0, to: 1, ops: [sop('/player/health', 1)] })).toEqual({ status: 'stale' });
    // The catch-up: one batch spanning several versions.
    expect(replica.applyBatch({ from: 1, to: 4, ops: [sop('/player/health', 2), sop('/player/health', 3)] }).status).toBe('applied');
    expect(replica.version).toBe(4);
    expect(replica.awaitingResync).toBeNull();
  });

  it('refuses a batch that does not apply, whole, and asks for a snapshot', () => {
    const { replica } = setup();
    const before = replica.state;
    const r = replica.applyBatch({ from: 0, to: 1, ops: [sop('/player/health', 5), { op: 'remove', path: '/player/none', ts: sts(T0, 1) }] });
    expect(r).toEqual({ status: 'invalid', reason: expect.stringMatching(/does not apply: .*no member "none"/), request: {} });
    expect(replica.state).toBe(before);
    expect(replica.version).toBe(0);
  });

  it('refuses malformed and hostile batches without changing anything', () => {
    const { replica } = setup();
    const before = replica.state;
    const bad: unknown[] = [
      null,
      { from: 0, to: -1, ops: [] },
      { from: 0, to: 1, ops: {} },
      { from: '0', to: 1, ops: [] },
      { from: 0, to: 1, ops: [{ op: 'add', path: '/ui/__proto__/p', value: 1, ts: sts(T0) }] },
      { from: 0, to: 1, ops: [{ op: 'add', path: '/ui/x', value: 1 }] },
      { from: 0, to: 1, ops: [{ op: 'add', path: '/ui/x', value: JSON.parse('{"__proto__":{"p":1}}'), ts: sts(T0) }] },
    ];
    for (const b of bad) {
      replica.cancelResync();
      expect(replica.applyBatch(b as never).status).toBe('invalid');
    }
    expect(replica.state).toBe(before);
    expect(({} as Record<string, unknown>).p).toBeUndefined();
  });

  it('keeps pending changes on top of server batches until they come back in the stream', () => {
    const { replica, scheduler, updates } = setup();
    replica.set('/ui/theme', 'dark');
    scheduler.advance(100);
    replica.applyBatch({ from: 0, to: 1, ops: [sop('/player/health', 7)] });
    expect(ui(replica).theme).toBe('dark');
    expect(replica.confirmed.ui).toEqual(emptyGameState().ui);
    expect(replica.acknowledge(updates[0]!.id, { version: 1, applied: 1, rejected: [] })).toEqual({ known: true, request: null });
    expect(replica.pendingOps()).toEqual([expect.objectContaining({ phase: 'acked' })]);
    // The server sends our op back in its stream: now it is confirmed.
    replica.applyBatch({ from: 1, to: 2, ops: [updates[0]!.body.ops[0]!] });
    expect(replica.pendingCount).toBe(0);
    expect(replica.state).toBe(replica.confirmed);
    expect(ui(replica).theme).toBe('dark');
  });

  it('drops rejected changes (reporting why) and reverts them', () => {
    const { replica, scheduler, updates, rejected } = setup();
    replica.set('/ui/theme', 'dark');
    scheduler.advance(100);
    replica.acknowledge(updates[0]!.id, { version: 0, applied: 0, rejected: [{ path: '/ui/theme', reason: 'CONFLICT: server op won' }] });
    expect(rejected).toEqual([{ op: expect.objectContaining({ path: '/ui/theme' }), reason: 'CONFLICT: server op won' }]);
    expect(ui(replica).theme).toBeUndefined();
    expect(replica.pendingCount).toBe(0);
    expect(replica.acknowledge(99, { version: 0, applied: 0, rejected: [] })).toEqual({ known: false, request: null });
  });

  it('matches rejections by index when an update carries two ops on one path', () => {
    const { replica, scheduler, updates, rejected } = setup();
    replica.add('/ui/notifications/-', 'first');
    replica.add('/ui/notifications/-', 'second');
    scheduler.advance(100);
    replica.acknowledge(updates[0]!.id, { version: 0, applied: 1, rejected: [{ path: '/ui/notifications/-', reason: 'INVALID: no', index: 1 }] });
    expect(rejected.map((r) => (r.op as { value?: unknown }).value)).toEqual(['second']);
    expect(replica.pendingOps().map((p) => [(p.op as { value?: unknown }).value, p.phase])).toEqual([['first', 'acked']]);
    expect(ui(replica).notifications).toEqual(['first']);
  });

  it('settles DUPLICATE quietly; queues STALE again and asks to catch up', () => {
    const { replica, scheduler, updates, rejected } = setup();
    replica.set('/ui/a', 1);
    replica.set('/ui/b', 1);
    scheduler.advance(100);
    const r = replica.acknowledge(updates[0]!.id, {
      version: 3,
      applied: 0,
      rejected: [
        { path: '/ui/a', reason: 'DUPLICATE: op was already applied' },
        { path: '/ui/b', reason: 'STALE: from 0 is older than the server history' },
      ],
    });
    expect(rejected).toEqual([]);
    expect(r.request).toEqual({ since: 0 });
    expect(replica.pendingOps().map((p) => [p.op.path, p.phase])).toEqual([['/ui/b', 'queued']]);
  });

  describe('conflicts with pending changes', () => {
    function pendingTheme(strategy: ClientSyncOptions['strategies'], send: boolean) {
      const t = setup({ strategies: strategy });
      t.replica.set('/ui/theme', 'client');
      if (send) t.scheduler.advance(100);
      return t;
    }

    it('SERVER_WINS: an unsent change is dropped (never sent); a sent one is hidden until its verdict', () => {
      const a = pendingTheme({ '/ui': 'SERVER_WINS' }, false);
      a.replica.applyBatch({ from: 0, to: 1, ops: [sadd('/ui/theme', 'server', T0 + 500)] });
      expect(ui(a.replica).theme).toBe('server');
      expect(a.replica.pendingCount).toBe(0);
      expect(a.rejected[0]!.reason).toMatch(/^CONFLICT/);
      a.scheduler.advance(100);
      expect(a.updates).toEqual([]);
      expect(a.conflicts[0]).toMatchObject({ side: 'client', path: '/ui/theme', winner: 'remote', result: null, version: 0 });

      const b = pendingTheme({ '/ui': 'SERVER_WINS' }, true);
      b.replica.applyBatch({ from: 0, to: 1, ops: [sadd('/ui/theme', 'server', T0 + 500)] });
      expect(ui(b.replica).theme).toBe('server');
      expect(b.replica.pendingOps()).toEqual([expect.objectContaining({ phase: 'sent', lost: true })]);
    });

    it('CLIENT_WINS: the change stays on top of the server op', () => {
      const t = pendingTheme({ '/ui': 'CLIENT_WINS' }, true);
      t.replica.applyBatch({ from: 0, to: 1, ops: [sadd('/ui/theme', 'server', T0 + 500)] });
      expect(ui(t.replica).theme).toBe('client');
      expect((t.replica.confirmed.ui as JsonObject).theme).toBe('server');
      expect(t.conflicts[0]!.winner).toBe('local');
    });

    it('LAST_WRITE_WINS: the later stamp wins', () => {
      const t = pendingTheme({ '/ui': 'LAST_WRITE_WINS' }, false);
      t.replica.applyBatch({ from: 0, to: 1, ops: [sadd('/ui/theme', 'server', T0 - 500)] });
      expect(ui(t.replica).theme).toBe('client');
      t.replica.set('/ui/theme', 'client-2');
      t.replica.applyBatch({ from: 1, to: 2, ops: [sop('/ui/theme', 'server-2', T0 + 500)] });
      expect(ui(t.replica).theme).toBe('server-2');
    });

    it('MERGE: the pending change carries the merged value', () => {
      const t = setup({ strategies: { '/ui': 'MERGE' } });
      t.replica.set('/ui/windows', { bag: { open: true } });
      t.replica.applyBatch({ from: 0, to: 1, ops: [sop('/ui/windows', { map: { open: true } }, T0 + 500)] });
      expect(ui(t.replica).windows).toEqual({ bag: { open: true }, map: { open: true } });
      t.scheduler.advance(100);
      expect(t.updates[0]!.body.ops[0]!).toMatchObject({ op: 'add', value: { bag: { open: true }, map: { open: true } } });
    });

    it('a change to a parent or a child conflicts; a change beside it does not', () => {
      const t = setup({ strategies: { '/ui': 'SERVER_WINS' } });
      t.replica.set('/ui/windows/bag', { open: true });
      t.replica.set('/ui/widgets/x', 1);
      t.replica.applyBatch({ from: 0, to: 1, ops: [sop('/ui/windows', {}, T0 + 500)] });
      expect(t.conflicts.map((c) => [c.local.path, c.remote.path])).toEqual([['/ui/windows/bag', '/ui/windows']]);
      expect(ui(t.replica).widgets).toEqual({ x: 1 });
    });
  });

  it('a queued change that no longer applies after a batch is dropped with a reason', () => {
    const { replica, rejected } = setup({ strategies: { '/ui': 'CLIENT_WINS' } });
    replica.set('/ui/windows/bag', { open: true });
    replica.set('/ui/windows/bag/open', false);
    replica.applyBatch({ from: 0, to: 1, ops: [{ op: 'remove', path: '/ui/windows', ts: sts(T0 + 500) }] });
    // CLIENT_WINS keeps the add (as an add of windows/bag, which now has no parent) — neither applies.
    expect(rejected.map((r) => r.reason)).toEqual([expect.stringMatching(/^INVALID: no longer applies/), expect.stringMatching(/^INVALID: no longer applies/)]);
    expect(replica.pendingCount).toBe(0);
  });
});

describe('ClientSyncReplica: snapshots, reconnects', () => {
  it('a snapshot replaces the tree and version; accepted changes are in it; stale ones are ignored', () => {
    const { replica, scheduler, updates } = setup();
    replica.set('/ui/theme', 'dark');
    scheduler.advance(100);
    replica.acknowledge(updates[0]!.id, { version: 0, applied: 1, rejected: [] });
    const state = { ...emptyGameState(), ui: { windows: {}, widgets: {}, notifications: [], theme: 'dark' } };
    expect(replica.applySnapshot({ version: 5, state })).toEqual({ status: 'applied', conflicts: 0 });
    expect(replica.version).toBe(5);
    expect(replica.pendingCount).toBe(0);
    expect(replica.state).toBe(state);
    expect(replica.applySnapshot({ version: 4, state: {} })).toEqual({ status: 'stale', conflicts: 0 });
  });

  it('pending changes whose part of the tree the snapshot changed are conflicts; the snapshot counts as newest', () => {
    const { replica, conflicts } = setup({ strategies: { '/ui': 'LAST_WRITE_WINS' } });
    replica.set('/ui/theme', 'dark');
    replica.set('/ui/widgets/w', 1);
    const state = { ...emptyGameState(), ui: { windows: {}, widgets: {}, notifications: [], theme: 'light' } };
    replica.applySnapshot({ version: 3, state });
    expect(conflicts.map((c) => [c.path, c.winner])).toEqual([['/ui/theme', 'remote']]);
    expect(ui(replica)).toEqual({ windows: {}, widgets: { w: 1 }, notifications: [], theme: 'light' });
  });

  it('refuses snapshots that are not snapshots', () => {
    const { replica } = setup();
    for (const bad of [null, { version: -1, state: {} }, { version: 1, state: [] }, { version: 1, state: JSON.parse('{"__proto__":{}}') }]) {
      expect(replica.applySnapshot(bad as never).status).toBe('invalid');
    }
    expect(replica.version).toBe(0);
  });

  it('after a lost connection, resends unacknowledged changes with their original stamps', () => {
    const { replica, scheduler, updates } = setup();
    replica.set('/ui/theme', 'dark');
    scheduler.advance(100);
    const first = updates[0]!.body.ops[0]!;
    replica.connectionLost();
    expect(replica.inFlightCount).toBe(0);
    expect(ui(replica).theme).toBe('dark');
    scheduler.advance(100);
    expect(updates[1]!.body.ops).toEqual([first]);
    // A request that timed out: the next gap may ask again.
    replica.applyBatch({ from: 3, to: 4, ops: [] });
    expect(replica.applyBatch({ from: 4, to: 5, ops: [] })).toMatchObject({ request: null });
    replica.cancelResync();
    expect(replica.applyBatch({ from: 4, to: 5, ops: [] })).toMatchObject({ request: { since: 0 } });
  });

  it('emits change for every new state, and asks to catch up on demand (once at a time)', () => {
    const { replica } = setup();
    const seen: [unknown, number][] = [];
    replica.on('change', ({ state, version }) => seen.push([(state.ui as JsonObject).theme ?? (state.player as JsonObject).health, version]));
    replica.set('/ui/theme', 'dark');
    replica.applyBatch({ from: 0, to: 1, ops: [sop('/player/health', 5)] });
    expect(seen).toEqual([
      ['dark', 0],
      ['dark', 1],
    ]);
    expect(replica.requestCatchUp()).toEqual({ since: 1 });
    expect(replica.requestCatchUp()).toBeNull();
    replica.cancelResync();
    expect(replica.requestSnapshot()).toEqual({});
  });

  it('updateLost() queues one update again', () => {
    const { replica, scheduler, updates } = setup();
    replica.set('/ui/a', 1);
    scheduler.advance(100);
    expect(replica.updateLost(updates[0]!.id)).toBe(true);
    expect(replica.updateLost(updates[0]!.id)).toBe(false);
    scheduler.advance(100);
    expect(updates[1]!.body.ops).toEqual(updates[0]!.body.ops);
  });
});
