import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConsoleClient } from './index';
import { effectiveFilter, FILTER_DEBOUNCE_MS } from './traffic';
import { createConsoleStore, type ConsoleStore } from '../store';
import { deferred, FakeBridge } from '../test-support/fake-bridge';
import { conflict, fault, metrics, rows, sessionRow, subscription, version } from '../test-support/fixtures';
import type { TrafficSubscription } from '../../src-shared/ipc/contract';

let store: ConsoleStore;
let bridge: FakeBridge;
let frames: (() => void)[];
let client: ConsoleClient;

/** Runs the queued animation frames, as the browser would. */
const frame = (): void => {
  for (const f of frames.splice(0)) f();
};

function services(b: FakeBridge): FakeBridge {
  return b
    .handle('app.info', () => ({ name: 'otbridge', version: '0.1.0', shell: 'web', platform: 'linux-x64', node: '20', startedAt: 0, protocol: 'UP/2.0' }))
    .handle('proxy.status', () => ({ running: true, listen: '127.0.0.1:7171', target: '127.0.0.1:7172', mode: 'decrypt', dialect: 'up2', identityFingerprint: null, capture: null, demo: { server: '127.0.0.1:7172', bots: 3 }, metricsUrl: null }))
    .handle('sessions.list', () => [sessionRow(1)])
    .handle('faults.list', () => [fault('f1')])
    .handle('metrics.snapshot', () => metrics(1000))
    .handle('conflicts.list', () => [conflict(1, '/a')])
    .handle('traffic.subscribe', () => subscription(1, rows(1, 3)))
    .handle('capture.list', () => [])
    .handle('migrate.runs', () => []);
}

beforeEach(() => {
  store = createConsoleStore({ rowCapacity: 1000 });
  bridge = services(new FakeBridge());
  frames = [];
  client = new ConsoleClient(bridge, store, { schedule: (f) => frames.push(f) });
});
afterEach(() => client.dispose());

describe('ConsoleClient.connect', () => {
  it('loads every snapshot', async () => {
    await client.connect();
    const s = store.getState();
    expect(s.info?.name).toBe('otbridge');
    expect(s.proxy?.demo?.bots).toBe(3);
    expect([...s.sessions.keys()]).toEqual(['live/1']);
    expect([...s.faults.keys()]).toEqual(['f1']);
    expect(s.metrics?.at).toBe(1000);
    expect([...s.conflicts.keys()]).toEqual([1]);
    expect(s.trafficCount).toBe(3);
    expect(s.subscription).toBe(1);
  });

  it('listens before asking, and drops full lists that the snapshot supersedes', async () => {
    const sessions = deferred<ReturnType<typeof sessionRow>[]>();
    bridge.handle('sessions.list', () => sessions.promise);
    const done = client.connect();
    expect(bridge.listenerCount('sessions.changed')).toBe(1);
    // Pushed before the snapshot answered: older than it on an ordered transport.
    bridge.emit('sessions.changed', [sessionRow(9)]);
    sessions.resolve([sessionRow(1), sessionRow(2)]);
    await done;
    frame();
    expect([...store.getState().sessions.keys()]).toEqual(['live/1', 'live/2']);
    // After the snapshot: applied on the next frame.
    bridge.emit('sessions.changed', [sessionRow(3)]);
    expect([...store.getState().sessions.keys()]).toEqual(['live/1', 'live/2']);
    frame();
    expect([...store.getState().sessions.keys()]).toEqual(['live/3']);
  });

  it('keeps rows that overtake the subscribe answer, without duplicates', async () => {
    const sub = deferred<TrafficSubscription>();
    bridge.handle('traffic.subscribe', () => sub.promise);
    const done = client.connect();
    bridge.emit('traffic.rows', { subscription: 5, rows: rows(3, 6) }); // ours, early
    bridge.emit('traffic.rows', { subscription: 4, rows: rows(100, 101) }); // someone else's
    sub.resolve(subscription(5, rows(1, 4)));
    await done;
    frame();
    const w = store.getState().trafficWindow;
    expect(Array.from({ length: w.length }, (_, i) => w.at(i)!.id)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('applies a burst of events in one frame, in one go', async () => {
    await client.connect();
    const seen: number[] = [];
    const unsub = store.subscribe((s) => seen.push(s.trafficCount));
    for (let i = 0; i < 50; i++) bridge.emit('traffic.rows', { subscription: 1, rows: rows(10 + i * 10, 19 + i * 10) });
    expect(seen).toEqual([]);
    expect(frames).toHaveLength(1);
    frame();
    unsub();
    expect(seen).toEqual([503]);
  });

  it('ignores rows of an older subscription after a new filter', async () => {
    await client.connect();
    bridge.handle('traffic.subscribe', ({ filter }) => {
      expect(filter).toBe('dir:c2s');
      return subscription(2, rows(50, 51));
    });
    await client.traffic.apply('dir:c2s');
    bridge.emit('traffic.rows', { subscription: 1, rows: rows(60, 61) });
    bridge.emit('traffic.rows', { subscription: 2, rows: rows(70, 70) });
    frame();
    const w = store.getState().trafficWindow;
    expect(Array.from({ length: w.length }, (_, i) => w.at(i)!.id)).toEqual([50, 51, 70]);
    expect(store.getState().filterApplied).toBe('dir:c2s');
  });

  it('passes notices straight to the store', async () => {
    await client.connect();
    bridge.emit('app.notice', { level: 'warn', text: 'capture disk almost full', at: 1 });
    expect(store.getState().notices.map((n) => n.text)).toEqual(['capture disk almost full']);
  });

  it('reports services it cannot reach', async () => {
    bridge.handle('app.info', () => {
      throw new Error('closed');
    });
    await client.connect();
    expect(store.getState().error).toMatch(/could not reach the console's services: closed/);
  });
});

describe('TrafficController', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends a filter once typing pauses, and never a filter that does not compile', async () => {
    await client.connect();
    const before = bridge.callsTo('traffic.subscribe').length;
    client.traffic.type('type:PLAY');
    client.traffic.type('type:PLAYER_MOVE');
    client.traffic.type('type:PLAYER_MOVE size>1q');
    await vi.advanceTimersByTimeAsync(FILTER_DEBOUNCE_MS + 10);
    expect(bridge.callsTo('traffic.subscribe').length).toBe(before);
    expect(store.getState().filterError?.message).toMatch(/unknown unit/);
    client.traffic.type('type:PLAYER_MOVE size>1k');
    await vi.advanceTimersByTimeAsync(FILTER_DEBOUNCE_MS + 10);
    expect(bridge.callsTo('traffic.subscribe').slice(before)).toEqual([{ filter: 'type:PLAYER_MOVE size>1k', backlog: 5000, paused: false }]);
  });

  it('narrows to the session picked in Sessions', async () => {
    expect(effectiveFilter('', null)).toBe('');
    expect(effectiveFilter('  ', 3)).toBe('session:3');
    expect(effectiveFilter('dir:c2s or error', 3)).toBe('session:3 (dir:c2s or error)');
    bridge.handle('state.versions', () => []);
    await client.connect();
    await client.setScope(3);
    expect(bridge.callsTo('traffic.subscribe').at(-1)).toMatchObject({ filter: 'session:3' });
    expect(store.getState().stateSession).toBe(3);
  });

  it('pauses and resumes through main, following again on resume', async () => {
    bridge.handle('traffic.pause', ({ paused }) => ({ paused }));
    await client.connect();
    store.getState().setFollow(false);
    await client.traffic.setPaused(true);
    expect(store.getState().paused).toBe(true);
    await client.traffic.setPaused(false);
    expect(store.getState()).toMatchObject({ paused: false, follow: true });
  });

  it('pages back from the oldest row it holds', async () => {
    bridge.handle('traffic.page', ({ beforeId, limit }) => ({ rows: rows(Math.max(1, beforeId - 2), beforeId - 1).slice(0, limit), hasMore: false, filterError: null }));
    bridge.handle('traffic.subscribe', () => subscription(1, rows(10, 12)));
    await client.connect();
    await client.traffic.loadOlder();
    expect(bridge.callsTo('traffic.page')).toEqual([{ filter: '', beforeId: 10, limit: 5000 }]);
    expect(store.getState().trafficWindow.oldestId).toBe(8);
    expect(store.getState().hasOlder).toBe(false);
  });

  it('fetches a detail once per selection and remembers a missing one', async () => {
    let n = 0;
    bridge.handle('traffic.detail', ({ id }) => {
      n++;
      if (id === 404) return null;
      return { summary: rows(id, id)[0]!, body: { a: 1 }, wireHex: '00', header: {}, tokens: [], request: null, response: null };
    });
    await client.connect();
    await client.traffic.select(2);
    await client.traffic.select(2);
    expect(n).toBe(1);
    expect(store.getState().details.get(2)).toMatchObject({ status: 'ok' });
    await client.traffic.select(404);
    expect(store.getState().details.get(404)).toEqual({ status: 'missing' });
  });

  it('jumps to messages from another view with an id filter', async () => {
    bridge.handle('traffic.detail', () => null);
    await client.connect();
    store.getState().setView('conflicts');
    await client.traffic.show([31, 30, 31]);
    expect(store.getState()).toMatchObject({ view: 'traffic', filterApplied: 'id:30,31', selectedId: 31, follow: false });
  });
});

describe('StateController and FaultsController', () => {
  it('diffs any two picked versions through main', async () => {
    bridge.handle('state.versions', () => [version(1), version(2), version(3)]);
    bridge.handle('state.diff', ({ from, to }) => ({ ops: [{ op: 'replace', path: `/v${from}-${to}`, value: to }] }));
    bridge.handle('state.at', ({ version: v }) => ({ version: v, state: { v } }));
    await client.state.chooseSession(1);
    expect(store.getState().versions.get(1)).toHaveLength(3);
    await client.state.pick('from', 1);
    expect(store.getState().diff).toEqual({ status: 'idle' });
    await client.state.pick('to', 3);
    expect(store.getState().diff).toEqual({ status: 'ok', value: { from: 1, to: 3, ops: [{ op: 'replace', path: '/v1-3', value: 3 }] } });
    await client.state.view(2);
    expect(store.getState().tree).toEqual({ status: 'ok', value: { version: 2, state: { v: 2 } } });
  });

  it('only the latest diff request lands', async () => {
    const slow = deferred<{ ops: never[] }>();
    bridge.handle('state.diff', ({ to }) => (to === 2 ? slow.promise : { ops: [] }));
    store.getState().setStateSession(1);
    store.getState().pickFrom(1);
    const first = client.state.pick('to', 2);
    await client.state.pick('to', 3);
    slow.resolve({ ops: [] });
    await first;
    expect(store.getState().diff).toMatchObject({ status: 'ok', value: { to: 3 } });
  });

  it('adds, updates and removes faults, and surfaces refusals to the caller', async () => {
    bridge.handle('faults.add', (spec) => fault('f2', spec));
    bridge.handle('faults.update', ({ id, patch }) => fault(id, { enabled: patch.enabled ?? true }));
    bridge.handle('faults.remove', () => ({ removed: true }));
    await client.faults.add({ kind: 'drop', dir: 'c2s', probability: 0.5 });
    expect(store.getState().faults.get('f2')).toMatchObject({ kind: 'drop', probability: 0.5 });
    await client.faults.update('f2', { enabled: false });
    expect(store.getState().faults.get('f2')!.enabled).toBe(false);
    const slow = deferred<ReturnType<typeof fault>>();
    bridge.handle('faults.update', () => slow.promise);
    const pending = client.faults.update('f2', { enabled: true });
    expect(store.getState().faults.get('f2')!.enabled).toBe(true); // shown before main answers
    slow.reject(new Error('no proxy'));
    await expect(pending).rejects.toThrow('no proxy');
    expect(store.getState().faults.get('f2')!.enabled).toBe(false); // put back
    await client.faults.remove('f2');
    expect(store.getState().faults.has('f2')).toBe(false);
    bridge.handle('faults.add', () => {
      throw new Error('latencyMs: required for latency');
    });
    await expect(client.faults.add({ kind: 'latency', dir: 'both' })).rejects.toThrow(/latencyMs/);
  });

  it('narrows conflicts by path prefix through main', async () => {
    bridge.handle('conflicts.list', (p) => (p.pathPrefix ? [conflict(2, '/players/p-1/hp')] : [conflict(1, '/a'), conflict(2, '/players/p-1/hp')]));
    await client.conflicts.setPrefix('/players');
    expect(bridge.callsTo('conflicts.list')).toEqual([{ pathPrefix: '/players' }]);
    expect([...store.getState().conflicts.keys()]).toEqual([2]);
  });
});

describe('ReplayController', () => {
  it('opens a capture, starts a run, follows its events and fetches the report when it ends', async () => {
    const counts = { sessions: 1, matched: 1, differed: 0, missing: 0, unexpected: 0, error: 0 };
    bridge
      .handle('replay.open', ({ path }) => ({ path, kind: 'pcapng', messages: 10, sessions: [{ session: 1, account: 'bot1', mode: 'decrypt', messages: 10, c2s: 5, s2c: 5, start: 1, end: 2, replayable: true }], warnings: [] }))
      .handle('replay.start', () => ({ runId: 'r1' }))
      .handle('replay.report', ({ runId }) => ({ format: 'otbridge-replay', version: 1, capture: '/c', target: 't', startedAt: 0, finishedAt: 1, durationMs: 1, options: { speed: 'max', loop: 1, sessions: [1], ignore: [], epsilon: 0, tolerances: [], unordered: [] }, verdict: 'matched', exitCode: 0, counts, sessions: [], warnings: [runId] }));
    await client.connect();
    await client.replay.open('/c.pcapng');
    expect(store.getState().replayCapture?.sessions).toHaveLength(1);
    await client.replay.start({ capture: '/c.pcapng', target: '127.0.0.1:1', identity: null, sessions: [1] });
    bridge.emit('replay.progress', { runId: 'r1', sessionsTotal: 1, sessionsDone: 1, stepsTotal: 5, stepsDone: 5, elapsedMs: 10, etaMs: 0, counts });
    bridge.emit('replay.done', { runId: 'r1', verdict: 'matched', exitCode: 0, counts, durationMs: 10 });
    await vi.waitFor(() => expect(store.getState().replayRuns.get('r1')?.report?.warnings).toEqual(['r1']));
    expect(store.getState().replayRuns.get('r1')!.done!.verdict).toBe('matched');
    bridge.handle('replay.open', () => {
      throw new Error('no such file');
    });
    await expect(client.replay.open('/nope')).rejects.toThrow('no such file');
  });
});
