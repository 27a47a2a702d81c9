import { describe, expect, it } from 'vitest';
import { type PatchOp } from '../protocol/catalogue';
import { Priority } from '../protocol/constants';
import { type ConflictRecord } from './conflicts';
import { type JsonObject } from './json';
import { type StateBatch } from './messages';
import { ManualScheduler } from './scheduler';
import { ServerSyncSession, type ServerSyncOptions } from './server-session';

const T0 = 1_700_000_000_000;

function setup(opts: Partial<ServerSyncOptions> = {}) {
  const scheduler = new ManualScheduler(T0);
  const session = new ServerSyncSession({ now: scheduler.now, scheduler, ...opts });
  const batches: { batch: StateBatch; priority: Priority }[] = [];
  const conflicts: ConflictRecord[] = [];
  session.on('batch', (b) => batches.push(b));
  session.on('conflict', (c) => conflicts.push(c));
  return { session, scheduler, batches, conflicts };
}

const ts = (wall: number, counter = 0, node = 'client-1') => ({ wall, counter, node });
const clientOp = (path: string, value: unknown, wall = T0, counter = 0): PatchOp => ({ op: 'replace', path, value, ts: ts(wall, counter) });

describe('ServerSyncSession: server changes', () => {
  it('applies pushed ops at once and sends them, stamped, at the next tick as version 1', () => {
    const { session, scheduler, batches } = setup();
    expect(session.set('/player/health', 150)).toEqual({ ok: true });
    expect((session.state.player as JsonObject).health).toBe(150);
    expect(batches).toEqual([]);
    scheduler.advance(100);
    expect(session.version).toBe(1);
    expect(batches).toEqual([
      { batch: { from: 0, to: 1, ops: [{ op: 'replace', path: '/player/health', value: 150, ts: { wall: T0, counter: 0, node: 'server' } }] }, priority: Priority.NORMAL },
    ]);
  });

  it('rejects a bad op with its reason, and neither applies nor sends it', () => {
    const { session, batches, scheduler } = setup();
    const before = session.state;
    const r = session.push([
      { op: 'remove', path: '/player/nothing' },
      { op: 'add', path: '/player/mana', value: 40 },
    ]);
    expect(r[0]).toEqual({ ok: false, reason: expect.stringMatching(/no member "nothing"/) });
    expect(r[1]).toEqual({ ok: true });
    scheduler.advance(100);
    expect(batches[0]!.batch.ops.map((o) => o.path)).toEqual(['/player/mana']);
    expect((before.player as JsonObject).mana).toBe(0);
  });

  it('sends CRITICAL at once; version counts batches', () => {
    const { session, batches } = setup();
    session.set('/player/health', 0, Priority.CRITICAL);
    expect(batches.map((b) => [b.batch.from, b.batch.to, b.priority])).toEqual([[0, 1, Priority.CRITICAL]]);
    session.set('/player/health', 1, Priority.CRITICAL);
    expect(session.version).toBe(2);
  });

  it('splits a large change into batches of at most batchSize, versions in order', () => {
    const { session, scheduler, batches } = setup({ batchSize: 50 });
    session.push(Array.from({ length: 120 }, (_, i) => ({ op: 'add' as const, path: `/world/creatures/c${i}`, value: { hp: i } })));
    scheduler.advance(100);
    expect(batches.map((b) => [b.batch.from, b.batch.to, b.batch.ops.length])).toEqual([
      [0, 1, 50],
      [1, 2, 50],
      [2, 3, 20],
    ]);
  });

  it('replaceState pushes the diff', () => {
    const { session, scheduler, batches } = setup();
    const next = { ...session.state, player: { ...(session.state.player as JsonObject), health: 9, mana: 3 } };
    session.replaceState(next);
    scheduler.advance(100);
    expect(batches[0]!.batch.ops.map((o) => [o.op, o.path])).toEqual([
      ['replace', '/player/health'],
      ['replace', '/player/mana'],
    ]);
    expect(session.state).toEqual(next);
  });

  it('checks the initial state like any value (trees are plain JSON from then on)', () => {
    expect(() => new ServerSyncSession({ initialState: { when: new Date(0) } as never })).toThrow(/initialState: .*Date/);
    expect(() => new ServerSyncSession({ initialState: [] as never })).toThrow(/must be an object/);
    expect(() => new ServerSyncSession({ initialState: JSON.parse('{"__proto__":{"x":1}}') })).toThrow(/__proto__/);
    expect(new ServerSyncSession({ initialState: { a: 1 } }).state).toEqual({ a: 1 });
  });

  it('without a scheduler, nothing is sent until tick(); dispose() stops scheduled ticks', () => {
    const manual = new ServerSyncSession({ now: () => T0 });
    const got: StateBatch[] = [];
    manual.on('batch', (b) => got.push(b.batch));
    manual.set('/player/health', 1);
    expect(got).toEqual([]);
    expect(manual.tick()).toBe(1);
    expect(got).toHaveLength(1);
    const { session, scheduler, batches } = setup();
    session.dispose();
    session.set('/player/health', 1);
    scheduler.advance(1000);
    expect(batches).toEqual([]);
    expect(session.queued).toBe(1);
  });
});

describe('ServerSyncSession: answering GAME_STATE_REQUEST and resumes', () => {
  function withHistory(opts: Partial<ServerSyncOptions> = {}) {
    const t = setup(opts);
    for (let i = 1; i <= 5; i++) {
      t.session.set('/player/health', i);
      t.scheduler.advance(100);
    }
    return t;
  }

  it('answers since n with one batch from n to now when it fits', () => {
    const { session } = withHistory();
    const a = session.answerRequest({ since: 2 });
    expect(a.kind).toBe('updates');
    if (a.kind === 'updates') {
      expect([a.batch.from, a.batch.to]).toEqual([2, 5]);
      expect(a.batch.ops.map((o) => (o as { value: unknown }).value)).toEqual([3, 4, 5]);
    }
    expect(session.answerRequest({ since: 5 })).toEqual({ kind: 'updates', batch: { from: 5, to: 5, ops: [] } });
  });

  it('sends what is queued first, so the answer and the stream agree', () => {
    const { session, batches } = withHistory();
    session.set('/player/mana', 7);
    const a = session.answerRequest({ since: 5 });
    expect(batches.at(-1)!.batch).toMatchObject({ from: 5, to: 6 });
    expect(a).toMatchObject({ kind: 'updates', batch: { from: 5, to: 6 } });
    expect(session.queued).toBe(0);
  });

  it('answers with a snapshot when the ops would not fit, history is too short, or since is missing or bad', () => {
    const { session } = withHistory({ batchSize: 2, historyBatches: 3 });
    expect(session.answerRequest({ since: 3 })).toMatchObject({ kind: 'updates' });
    expect(session.answerRequest({ since: 2 })).toMatchObject({ kind: 'snapshot', snapshot: { version: 5 } }); // 3 ops > 2
    expect(session.answerRequest({ since: 1 })).toMatchObject({ kind: 'snapshot' }); // older than history
    expect(session.answerRequest({})).toEqual({ kind: 'snapshot', snapshot: { version: 5, state: session.state } });
    expect(session.answerRequest({ since: 99 })).toMatchObject({ kind: 'snapshot' });
    expect(session.answerRequest({ since: -1 })).toMatchObject({ kind: 'snapshot' });
    expect(session.answerRequest({ since: 1.5 })).toMatchObject({ kind: 'snapshot' });
    expect(session.oldestVersion).toBe(2);
  });

  it('answers paths with a snapshot of those subtrees only', () => {
    const { session } = withHistory();
    const a = session.answerRequest({ paths: ['/player/health', '/ui', '/nope', 'bad'] });
    expect(a).toEqual({ kind: 'snapshot', snapshot: { version: 5, state: { player: { health: 5 }, ui: session.state.ui } } });
  });
});

describe('ServerSyncSession: client updates', () => {
  it('applies owned ops, acknowledges, and sends them back with the client stamp', () => {
    const { session, scheduler, batches } = setup();
    const op: PatchOp = { op: 'add', path: '/ui/windows/bag', value: { open: true }, ts: ts(T0) };
    expect(session.handleUpdate({ from: 0, to: 0, ops: [op] })).toEqual({ version: 0, applied: 1, rejected: [] });
    expect((session.state.ui as JsonObject).windows).toEqual({ bag: { open: true } });
    scheduler.advance(100);
    expect(batches[0]!.batch).toEqual({ from: 0, to: 1, ops: [op] });
  });

  it('rejects writes outside client-owned paths with a reason, changing nothing', () => {
    const { session } = setup();
    const before = session.state;
    const ack = session.handleUpdate({ from: 0, to: 0, ops: [clientOp('/player/health', 9999), clientOp('/ui', {}, T0, 1)] });
    expect(ack.applied).toBe(1);
    expect(ack.rejected).toEqual([{ path: '/player/health', index: 0, reason: expect.stringMatching(/^FORBIDDEN: \/player\/health is not client-owned/) }]);
    expect(session.state.player).toBe(before.player);
  });

  it('rejects each kind of bad op with a coded reason', () => {
    const { session } = setup({ batchSize: 3, clientNode: 'client-1' });
    session.set('/player/health', 1);
    session.tick();
    const ops: unknown[] = [
      { op: 'replace', path: '/ui/nope', value: 1, ts: ts(T0) }, // no such member
      { op: 'move', path: '/ui', from: '/x', ts: ts(T0, 1) },
      { op: 'add', path: '/ui/x', value: 1 }, // no stamp
    ];
    const a = session.handleUpdate({ from: 1, to: 1, ops: [...ops, clientOp('/ui/y', 1)] });
    expect(a.rejected.map((r) => r.reason.split(':')[0])).toEqual(['INVALID', 'INVALID', 'INVALID', 'LIMIT']);
    expect(session.handleUpdate({ from: 1, to: 1, ops: [{ ...clientOp('/ui/x', 1), ts: ts(T0, 5, 'server') }] }).rejected[0]!.reason).toMatch(/^FORBIDDEN: stamp node/);
    expect(session.handleUpdate({ from: 1, to: 1, ops: [{ ...clientOp('/ui/x', 1), ts: ts(T0, 6, 'someone-else') }] }).rejected[0]!.reason).toMatch(/^FORBIDDEN/);
    expect(session.handleUpdate({ from: 1, to: 1, ops: [clientOp('/ui/x', 1, T0 + 3_600_000)] }).rejected[0]!.reason).toMatch(/^CLOCK/);
    expect(session.handleUpdate({ from: 7, to: 7, ops: [clientOp('/ui/x', 1, T0, 7)] }).rejected[0]!.reason).toMatch(/^BAD_VERSION/);
    expect(session.handleUpdate({ from: -1, to: 0, ops: [clientOp('/ui/x', 1, T0, 8)] }).rejected[0]!.reason).toMatch(/^INVALID/);
  });

  it('STALE when from is older than the history (retryable: not remembered)', () => {
    const { session, scheduler } = setup({ historyBatches: 2 });
    for (let i = 0; i < 4; i++) {
      session.set('/player/health', i);
      scheduler.advance(100);
    }
    const op: PatchOp = { op: 'add', path: '/ui/x', value: 1, ts: ts(T0) };
    expect(session.handleUpdate({ from: 1, to: 1, ops: [op] }).rejected[0]!.reason).toMatch(/^STALE/);
    expect(session.handleUpdate({ from: 4, to: 4, ops: [op] })).toMatchObject({ applied: 1, rejected: [] });
  });

  it('answers a resent op (same stamp) as DUPLICATE without applying it twice', () => {
    const { session, scheduler, batches } = setup();
    const op: PatchOp = { op: 'add', path: '/ui/windows/-', value: 1, ts: ts(T0) };
    session.handleUpdate({ from: 0, to: 0, ops: [{ op: 'add', path: '/ui/windows', value: [], ts: ts(T0 - 1) }] });
    session.handleUpdate({ from: 0, to: 0, ops: [op] });
    const again = session.handleUpdate({ from: 0, to: 0, ops: [op] });
    expect(again).toEqual({ version: 0, applied: 0, rejected: [{ path: '/ui/windows/-', index: 0, reason: expect.stringMatching(/^DUPLICATE/) }] });
    expect((session.state.ui as JsonObject).windows).toEqual([1]);
    scheduler.advance(100);
    expect(batches[0]!.batch.ops).toHaveLength(2);
    // A rejected op resent gets the same rejection.
    const bad = clientOp('/player/x', 1, T0, 9);
    const first = session.handleUpdate({ from: 1, to: 1, ops: [bad] }).rejected[0]!.reason;
    expect(session.handleUpdate({ from: 1, to: 1, ops: [bad] }).rejected[0]!.reason).toBe(first);
  });

  it('tells resent ops apart by their whole stamp, whatever node or counter they carry', () => {
    const { session } = setup({ maxClockAheadMs: Infinity });
    const add = (wall: number, counter: number, node: string, value: unknown): PatchOp => ({ op: 'add', path: `/ui/${node}-${counter}`, value, ts: ts(wall, counter, node) });
    const stamps: [number, number, string][] = [
      [T0, 0, 'client-1'], // the session's client node: numeric key
      [T0, 0, 'client-2'], // same wall and counter, another node: its own entry
      [T0, 1023, 'client-1'],
      [T0, 1024, 'client-1'], // beyond the numeric key's counter range
      [T0, 2 ** 40, 'client-1'],
      [T0 - 1, 1024, 'client-1'], // as wall·1024 + counter it would equal (T0, 0): must not be taken for it
      [2 ** 43 + 5, 0, 'client-1'], // a wall too large for the number
    ];
    for (const [wall, counter, node] of stamps) {
      expect(session.handleUpdate({ from: 0, to: 0, ops: [add(wall, counter, node, 1)] }), `${wall}.${counter}.${node}`).toMatchObject({ applied: 1, rejected: [] });
    }
    for (const [wall, counter, node] of stamps) {
      expect(session.handleUpdate({ from: 0, to: 0, ops: [add(wall, counter, node, 2)] }).rejected[0]!.reason, `${wall}.${counter}.${node}`).toMatch(/^DUPLICATE/);
    }
    // the answer names the stamp as it came
    expect(session.handleUpdate({ from: 0, to: 0, ops: [add(T0, 0, 'client-2', 3)] }).rejected[0]!.reason).toContain(`${T0}.0.client-2`);
  });

  it('sessions with their own ownership or strategies do not change those of sessions on the defaults (shared tables)', () => {
    const custom = setup({ owned: ['/ui', '/notes'], fallbackStrategy: 'SERVER_WINS' }).session;
    const plain = setup().session;
    const note: PatchOp = { op: 'add', path: '/notes', value: 'x', ts: ts(T0) };
    expect(custom.handleUpdate({ from: 0, to: 0, ops: [note] })).toMatchObject({ applied: 1, rejected: [] });
    expect(plain.handleUpdate({ from: 0, to: 0, ops: [note] }).rejected[0]!.reason).toMatch(/^FORBIDDEN: \/notes is not client-owned \(owned: \/ui\)/);
    const ui: PatchOp = { op: 'add', path: '/ui/a', value: 1, ts: ts(T0, 1) };
    expect(plain.handleUpdate({ from: 0, to: 0, ops: [ui] })).toMatchObject({ applied: 1, rejected: [] });
  });

  it('survives hostile bodies: wrong shapes, prototype pollution, huge and deep values', () => {
    const { session } = setup();
    expect(session.handleUpdate(null).rejected[0]!.reason).toMatch(/^INVALID/);
    expect(session.handleUpdate({ from: 0, ops: 'x' }).rejected[0]!.reason).toMatch(/^INVALID/);
    expect(session.handleUpdate([]).rejected[0]!.reason).toMatch(/^INVALID/);
    const hostile = [
      { op: 'add', path: '/ui/__proto__/polluted', value: true, ts: ts(T0, 1) },
      { op: 'add', path: '/ui/x', value: JSON.parse('{"__proto__":{"polluted":true}}'), ts: ts(T0, 2) },
      { op: 'add', path: '/ui/constructor', value: 1, ts: ts(T0, 3) },
      { op: 'add', path: '/ui/deep', value: JSON.parse('['.repeat(100) + ']'.repeat(100)), ts: ts(T0, 4) },
      { op: 'add', path: '/ui/big', value: 'x'.repeat(2_000_000), ts: ts(T0, 5) },
      { op: 'add', path: '/ui/x', value: 1, ts: { wall: 'now', counter: 0, node: 'c' } },
      { op: 'add', path: 42, value: 1, ts: ts(T0, 6) },
      { op: 'add', path: '/ui/x', value: 1, ts: ts(T0, 7), extra: { __proto__: { polluted: true } } },
    ];
    const ack = session.handleUpdate({ from: 0, to: 0, ops: hostile });
    expect(ack.applied).toBe(1); // only the last, with its extra member dropped
    expect(ack.rejected.map((r) => r.reason.split(':')[0])).toEqual(Array(7).fill('INVALID'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((session.state.ui as JsonObject).x).toBe(1);
  });

  describe('conflicts with server ops the client had not seen', () => {
    function race(strategy: ServerSyncOptions['strategies'], sent: boolean) {
      const t = setup({ strategies: strategy });
      t.session.set('/ui/theme', 'light'); // version 1 baseline
      t.scheduler.advance(100);
      t.scheduler.advance(5);
      t.session.set('/ui/theme', 'server'); // concurrent server op, stamped T0+105
      if (sent) t.scheduler.advance(95); // version 2 sent: unseen by a client at 1
      const op = clientOp('/ui/theme', 'client', T0 + 102); // written before the server's op
      const ack = t.session.handleUpdate({ from: 1, to: 1, ops: [op] });
      return { ...t, ack };
    }

    it.each([true, false])('SERVER_WINS rejects the client op (server op %s)', (sent) => {
      const { session, ack, conflicts } = race({ '/ui': 'SERVER_WINS' }, sent);
      expect(ack.rejected[0]!.reason).toMatch(/^CONFLICT: server op at \/ui\/theme won \(SERVER_WINS\)/);
      expect((session.state.ui as JsonObject).theme).toBe('server');
      expect(conflicts).toHaveLength(1);
      expect(conflicts[0]).toMatchObject({ side: 'server', path: '/ui/theme', strategy: 'SERVER_WINS', winner: 'local', result: null });
      expect(session.conflicts.list()).toEqual(conflicts);
    });

    it.each([true, false])('CLIENT_WINS applies it after the server op and sends it (server op sent: %s)', (sent) => {
      const { session, ack, conflicts, scheduler, batches } = race({ '/ui': 'CLIENT_WINS' }, sent);
      expect(ack).toMatchObject({ applied: 1, rejected: [] });
      expect((session.state.ui as JsonObject).theme).toBe('client');
      expect(conflicts[0]).toMatchObject({ winner: 'remote', result: { value: 'client' } });
      scheduler.advance(100);
      const stream = batches.flatMap((b) => b.batch.ops).map((o) => (o as { value: unknown }).value);
      expect(stream.slice(-2)).toEqual(['server', 'client']);
    });

    it('LAST_WRITE_WINS compares the stamps', () => {
      const older = race({ '/ui': 'LAST_WRITE_WINS' }, true);
      expect(older.ack.rejected).toHaveLength(1);
      const t = setup({ strategies: { '/ui': 'LAST_WRITE_WINS' } });
      t.session.set('/ui/theme', 'server');
      t.scheduler.advance(100);
      const ack = t.session.handleUpdate({ from: 0, to: 0, ops: [clientOp('/ui/theme', 'client', T0 + 50)] });
      expect(ack.applied).toBe(1);
      expect((t.session.state.ui as JsonObject).theme).toBe('client');
    });

    it('MERGE merges objects written to the same place', () => {
      const t = setup({ strategies: { '/ui': 'MERGE' } });
      t.session.set('/ui/windows/bag', { x: 1, open: false });
      t.scheduler.advance(100);
      const op: PatchOp = { op: 'replace', path: '/ui/windows/bag', value: { open: true, y: 2 }, ts: ts(T0 + 50) };
      expect(t.session.handleUpdate({ from: 0, to: 0, ops: [op] }).applied).toBe(1);
      expect(((t.session.state.ui as JsonObject).windows as JsonObject).bag).toEqual({ open: true, y: 2, x: 1 });
      expect(t.conflicts[0]!.winner).toBe('merged');
    });

    it('a parent or a child conflicts too; paths beside each other do not', () => {
      const t = setup({ strategies: { '/ui': 'SERVER_WINS' } });
      t.session.set('/ui/windows/bag', { open: false });
      t.session.set('/ui/windows/map', { open: false });
      t.scheduler.advance(100);
      const ack = t.session.handleUpdate({
        from: 0,
        to: 0,
        ops: [clientOp('/ui/windows/bag/open', true, T0, 1), clientOp('/ui/windows', {}, T0, 2), clientOp('/ui/widgets', { a: 1 }, T0, 3)],
      });
      expect(ack.rejected.map((r) => r.path)).toEqual(['/ui/windows/bag/open', '/ui/windows']);
      // /ui/windows overlaps both server ops, but once it has lost to the first there is nothing left to decide.
      expect(t.conflicts.map((c) => [c.path, c.local.path])).toEqual([
        ['/ui/windows/bag/open', '/ui/windows/bag'],
        ['/ui/windows', '/ui/windows/bag'],
      ]);
      expect(ack.applied).toBe(1);
    });

    it('ops the client had already seen are not conflicts, nor are the client\'s own earlier ops', () => {
      const t = setup({ strategies: { '/ui': 'SERVER_WINS' } });
      t.session.set('/ui/theme', 'server');
      t.scheduler.advance(100);
      expect(t.session.handleUpdate({ from: 1, to: 1, ops: [clientOp('/ui/theme', 'a', T0 + 200)] }).applied).toBe(1);
      expect(t.session.handleUpdate({ from: 1, to: 1, ops: [clientOp('/ui/theme', 'b', T0 + 201)] }).applied).toBe(1);
      expect(t.conflicts).toEqual([]);
    });
  });
});
