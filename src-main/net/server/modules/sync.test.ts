import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventEmitter } from 'node:events';
import { MessageType } from '../../../../src-shared/protocol';
import { ServerSession } from '../session';
import type { UpServer } from '../server';
import { SyncModule } from './sync';

/** Just what SyncModule uses of an UpServer: its sessions, their start, and handlers. */
function fakeServer(): { server: UpServer; start: (n: number) => { session: ServerSession; sent: number[] }[] } {
  const emitter = new EventEmitter();
  const sessions = new Map<string, ServerSession>();
  const server = Object.assign(emitter, { sessions, handle: () => {}, opts: { batchSize: 50 } }) as unknown as UpServer;
  const start = (n: number): { session: ServerSession; sent: number[] }[] =>
    Array.from({ length: n }, (_, i) => {
      const session = new ServerSession(`s${sessions.size}`, { id: `a${i}`, name: `n${i}`, passwordHash: '', scope: ['player'], playerId: `p${sessions.size}` }, ['player']);
      const sent: number[] = [];
      session.conn = { isOpen: true, send: (type: number) => sent.push(type) } as unknown as ServerSession['conn'];
      sessions.set(session.id, session);
      emitter.emit('sessionStart', session);
      return { session, sent };
    });
  return { server, start };
}

const updates = (sent: number[]): number => sent.filter((t) => t === MessageType.GAME_STATE_UPDATE).length;

describe('sync module ticks', () => {
  let sync: SyncModule | null = null;
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    sync?.dispose();
    sync = null;
    vi.useRealTimers();
  });

  it('ticks every session at once by default', () => {
    const { server, start } = fakeServer();
    let refreshes = 0;
    sync = new SyncModule(server, { initialState: () => ({ n: 0 }), beforeTick: () => refreshes++ });
    const all = start(8);
    for (const [i, s] of all.entries()) sync.of(s.session)!.set('/n', i + 1);
    vi.advanceTimersByTime(99);
    expect(all.map((s) => updates(s.sent))).toEqual(Array(8).fill(0));
    vi.advanceTimersByTime(1);
    expect(all.map((s) => updates(s.sent))).toEqual(Array(8).fill(1));
    expect(refreshes).toBe(1);
  });

  it('with slices, ticks one group per slice: every session still gets its batch within the interval, and the game refreshes before each group', () => {
    const { server, start } = fakeServer();
    let refreshes = 0;
    sync = new SyncModule(server, { initialState: () => ({ n: 0 }), beforeTick: () => refreshes++, slices: 4 });
    const all = start(10);
    for (const [i, s] of all.entries()) sync.of(s.session)!.set('/n', i + 1);
    const got = (): number => all.filter((s) => updates(s.sent) === 1).length;
    vi.advanceTimersByTime(25);
    // Groups are given in turn: 10 sessions make groups of 3, 3, 2, 2.
    expect(got()).toBe(3);
    vi.advanceTimersByTime(25);
    expect(got()).toBe(6);
    vi.advanceTimersByTime(50);
    expect(got()).toBe(10);
    expect(refreshes).toBe(4);
    // Changes made now reach each session at its group's next turn: the first group's in 25 ms, the second's in 50.
    sync.of(all[0]!.session)!.set('/n', 100);
    sync.of(all[1]!.session)!.set('/n', 100);
    vi.advanceTimersByTime(24);
    expect([updates(all[0]!.sent), updates(all[1]!.sent)]).toEqual([1, 1]);
    vi.advanceTimersByTime(1);
    expect([updates(all[0]!.sent), updates(all[1]!.sent)]).toEqual([2, 1]);
    vi.advanceTimersByTime(25);
    expect([updates(all[0]!.sent), updates(all[1]!.sent)]).toEqual([2, 2]);
  });

  it('with slices, a late timer ticks every group that came due meanwhile, once each and each in a task of its own', () => {
    const { server, start } = fakeServer();
    let refreshes = 0;
    sync = new SyncModule(server, { initialState: () => ({ n: 0 }), beforeTick: () => refreshes++, slices: 4 });
    const all = start(8);
    vi.advanceTimersByTime(100);
    expect(refreshes).toBe(4);
    for (const [i, s] of all.entries()) sync.of(s.session)!.set('/n', i + 1);
    // The loop is busy for 75 ms (the clock moves, no timer runs); the next timer finds all four groups due.
    vi.setSystemTime(Date.now() + 75);
    // The timer itself ticks one group; each of the other three follows in a task of its own (setImmediate).
    vi.advanceTimersToNextTimer();
    expect(all.filter((s) => updates(s.sent) === 1)).toHaveLength(2);
    for (const n of [4, 6, 8]) {
      vi.advanceTimersToNextTimer();
      expect(all.filter((s) => updates(s.sent) === 1)).toHaveLength(n);
    }
    expect(all.map((s) => updates(s.sent))).toEqual(Array(8).fill(1));
    expect(refreshes).toBe(8);
    // And the schedule goes on from there, one group per slice.
    for (const s of all) sync.of(s.session)!.set('/n', 0);
    vi.advanceTimersByTime(25);
    expect(all.filter((s) => updates(s.sent) === 2)).toHaveLength(2);
  });

  it('hands beforeTick the sessions about to be ticked: the group with slices, every session without', () => {
    const { server, start } = fakeServer();
    const seen: string[][] = [];
    sync = new SyncModule(server, { initialState: () => ({ n: 0 }), beforeTick: (group) => seen.push([...group].map((s) => s.id)), slices: 2 });
    start(4);
    vi.advanceTimersByTime(100);
    // Groups are given in turn: s0 and s2 in the first, s1 and s3 in the second.
    expect(seen).toEqual([
      ['s0', 's2'],
      ['s1', 's3'],
    ]);
    sync.dispose();
    const whole: string[][] = [];
    sync = new SyncModule(server, { initialState: () => ({ n: 0 }), beforeTick: (group) => whole.push([...group].map((s) => s.id)) });
    vi.advanceTimersByTime(100);
    expect(whole).toEqual([['s0', 's1', 's2', 's3']]);
  });

  it('a disposed module ticks none of the groups still waiting for their task', () => {
    const { server, start } = fakeServer();
    let refreshes = 0;
    sync = new SyncModule(server, { initialState: () => ({ n: 0 }), beforeTick: () => refreshes++, slices: 4 });
    start(4);
    vi.advanceTimersByTime(100);
    vi.setSystemTime(Date.now() + 75);
    vi.advanceTimersToNextTimer();
    expect(refreshes).toBe(5);
    sync.dispose();
    vi.advanceTimersByTime(500);
    expect(refreshes).toBe(5);
  });

  it('with slices, an ended session leaves its group, and a session started again is in one group only', () => {
    const { server, start } = fakeServer();
    sync = new SyncModule(server, { initialState: () => ({ n: 0 }), slices: 4 });
    // Groups tick at 25, 50, 75 and 100 ms, then every 100 ms each.
    const all = start(4);
    const [gone, again] = [all[0]!, all[1]!];
    server.sessions.delete(gone.session.id);
    server.emit('sessionEnd', gone.session, 'logout');
    // Started again: it moves from the second group (ticks at 50) to the first (ticks at 25, 125, …).
    server.emit('sessionStart', again.session);
    vi.advanceTimersByTime(125);
    const before = updates(again.sent);
    sync.of(again.session)!.set('/n', 1);
    // Were it still in the second group too, its change would leave at 150.
    vi.advanceTimersByTime(50);
    expect(updates(again.sent)).toBe(before);
    vi.advanceTimersByTime(50);
    expect(updates(again.sent)).toBe(before + 1);
    // The ended session is not ticked any more: a change made on it stays unsent.
    const sent = updates(gone.sent);
    sync.of(gone.session)?.set('/n', 9);
    vi.advanceTimersByTime(200);
    expect(updates(gone.sent)).toBe(sent);
  });

  it('treats slices below one, or fractional, as whole numbers of at least one', () => {
    const { server, start } = fakeServer();
    sync = new SyncModule(server, { initialState: () => ({ n: 0 }), slices: 0.5 });
    const all = start(3);
    for (const s of all) sync.of(s.session)!.set('/n', 1);
    vi.advanceTimersByTime(100);
    expect(all.map((s) => updates(s.sent))).toEqual([1, 1, 1]);
  });
});
