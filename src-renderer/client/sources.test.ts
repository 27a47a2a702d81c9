import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConsoleClient } from './index';
import { createConsoleStore, type ConsoleStore } from '../store';
import { deferred, FakeBridge } from '../test-support/fake-bridge';
import { conflict, metrics, rows, sessionRow, subscription, version } from '../test-support/fixtures';
import { captureInfo } from '../test-support/admin-fixtures';
import type { MessageDetail } from '../../src-shared/ipc/contract';

let store: ConsoleStore;
let bridge: FakeBridge;
let frames: (() => void)[];
let client: ConsoleClient;
const frame = (): void => {
  for (const f of frames.splice(0)) f();
};

const detail = (id: number): MessageDetail => ({ summary: rows(id, id)[0]!, body: {}, wireHex: '', header: {}, tokens: [], request: null, response: null });

beforeEach(() => {
  store = createConsoleStore({ rowCapacity: 1000 });
  bridge = new FakeBridge()
    .handle('app.info', () => ({ name: 'otbridge', version: '0', shell: 'web', platform: 'x', node: '20', startedAt: 0, protocol: 'UP/2.0' }))
    .handle('proxy.status', () => ({ running: true, listen: 'a', target: 'b', mode: 'decrypt', dialect: 'up2', identityFingerprint: null, capture: null, demo: null, metricsUrl: null }))
    .handle('sessions.list', () => [sessionRow(1)])
    .handle('faults.list', () => [])
    .handle('metrics.snapshot', () => metrics(1000))
    .handle('conflicts.list', (p) => (p.source ? [conflict(9, '/captured')] : [conflict(1, '/live')]))
    .handle('traffic.subscribe', (p) => (p.source ? subscription(2, rows(1, 2)) : subscription(1, rows(100, 103))))
    .handle('capture.list', () => [])
    .handle('migrate.runs', () => [])
    .handle('state.versions', (p) => (p.source ? [version(1)] : [version(1), version(2)]))
    .handle('traffic.detail', ({ id }) => detail(id));
  frames = [];
  client = new ConsoleClient(bridge, store, { schedule: (f) => frames.push(f) });
});
afterEach(() => client.dispose());

describe('switching the source', () => {
  it('reloads Traffic, Conflicts and State from the capture, narrowed to a session when one is picked', async () => {
    await client.connect();
    bridge.calls.length = 0;
    await client.setSource({ capture: 4 }, 3);
    const s = store.getState();
    expect(s).toMatchObject({ source: { capture: 4 }, scopeSession: 3, stateSession: 3, trafficCount: 2, subscription: 2 });
    expect(bridge.callsTo('traffic.subscribe')).toEqual([{ filter: 'session:3', backlog: 5000, paused: false, source: { capture: 4 } }]);
    expect(bridge.callsTo('conflicts.list')).toEqual([{ source: { capture: 4 } }]);
    expect(bridge.callsTo('state.versions')).toEqual([{ session: 3, source: { capture: 4 } }]);
    expect([...s.conflicts.keys()]).toEqual([9]);
    await client.traffic.select(2);
    expect(bridge.callsTo('traffic.detail')).toEqual([{ id: 2, source: { capture: 4 } }]);
    // Back to live: requests without a source, as before captures existed.
    await client.setSource('live');
    expect(bridge.callsTo('traffic.subscribe').at(-1)).toEqual({ filter: '', backlog: 5000, paused: false });
  });

  it('a capture has no live stream: pause is not sent, and live versions and conflicts do not mix in', async () => {
    await client.connect();
    await client.setSource({ capture: 4 }, 1);
    await client.traffic.setPaused(true);
    expect(bridge.callsTo('traffic.pause')).toEqual([]);
    bridge.emit('state.version', { session: 1, row: version(7) });
    bridge.emit('conflicts.added', [conflict(50, '/live/x')]);
    frame();
    expect(store.getState().versions.get(1)!.map((v) => v.version)).toEqual([1]);
    expect(store.getState().conflicts.has(50)).toBe(false);
  });

  it('an answer for the source left behind does not land in the new one', async () => {
    await client.connect();
    const slow = deferred<MessageDetail>();
    bridge.handle('traffic.detail', () => slow.promise);
    const pending = client.traffic.select(101);
    await client.setSource({ capture: 4 });
    slow.resolve(detail(101));
    await pending;
    expect(store.getState().details.has(101)).toBe(false);
  });

  it('captures opened or closed elsewhere: sessions reload, and a closed source gives way to live', async () => {
    await client.connect();
    await client.setSource({ capture: 4 });
    bridge.handle('sessions.list', () => [sessionRow(1), sessionRow(1, { source: 'capture', capture: 5 })]);
    bridge.emit('captures.changed', [captureInfo(5)]);
    await vi.waitFor(() => expect(store.getState().source === 'live' && store.getState().sessions.has('capture:5/1')).toBe(true));
    expect([...store.getState().captures.keys()]).toEqual([5]);
    expect(store.getState().trafficWindow.oldestId).toBe(100);
  });

  it('a file sent from the browser is tracked while it uploads and opened as a capture', async () => {
    const seen: number[] = [];
    bridge.handle('capture.upload', (p) => {
      seen.push(store.getState().uploads.length);
      return { uploadId: 'u', received: p.offset + Buffer.from(p.dataBase64, 'base64').length, capture: p.done ? captureInfo(6, { name: p.name }) : null };
    });
    const c = await client.captures.upload(new Blob([new Uint8Array(10)]), 'dropped.pcapng');
    expect(c.name).toBe('dropped.pcapng');
    expect(seen).toEqual([1]);
    expect(store.getState().uploads).toEqual([]);
    expect(store.getState().captures.get(6)!.name).toBe('dropped.pcapng');
    bridge.handle('capture.upload', () => {
      throw new Error('BAD_CAPTURE: not a capture');
    });
    await expect(client.captures.upload(new Blob([new Uint8Array(1)]), 'junk.bin')).rejects.toThrow(/not a capture/);
    expect(store.getState().uploads).toEqual([]);
  });

  it('saves a source by path and format, live without a source field', async () => {
    bridge.handle('capture.save', (p) => ({ path: p.path, records: 3, sessions: 1 }));
    await client.captures.save(' /tmp/a.pcapng ', 'live', 'pcapng');
    await client.captures.save('/tmp/b.ndjson', { capture: 2 }, 'ndjson');
    expect(bridge.callsTo('capture.save')).toEqual([
      { path: '/tmp/a.pcapng', format: 'pcapng' },
      { path: '/tmp/b.ndjson', format: 'ndjson', source: { capture: 2 } },
    ]);
  });
});
