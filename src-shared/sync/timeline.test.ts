import { describe, expect, it } from 'vitest';
import { type JsonObject } from './json';
import { decideAll } from './strategy';
import { Link } from './testing/link';
import { StateTimeline } from './timeline';

const INITIAL: JsonObject = { player: { health: 100 }, world: { creatures: {} }, ui: {} };

describe('StateTimeline (rebuilding a session from the server → client stream)', () => {
  it('keeps every version, sharing what did not change, and diffs any two', () => {
    const l = new Link({ initialState: INITIAL }, { initialState: INITIAL });
    const t = new StateTimeline({ initialState: INITIAL, initialVersion: 0 });
    l.server.on('batch', ({ batch }) => expect(t.applyBatch(JSON.parse(JSON.stringify(batch))).status).toBe('applied'));
    l.server.set('/world/creatures/c1', { name: 'Rat', hp: 20 });
    l.scheduler.advance(100);
    l.server.set('/player/health', 90);
    l.client.set('/ui/theme', 'dark');
    l.settle();
    expect(t.latest).toBe(l.server.version);
    expect(t.at(t.latest!)).toEqual(l.server.state);
    expect(t.versions()).toEqual([0, 1, 2, 3]);
    // Version 2 changed only the player: the world subtree is the same object as in version 1.
    expect(t.at(2)!.world).toBe(t.at(1)!.world);
    expect(t.diff(1, 2)).toEqual([{ op: 'replace', path: '/player/health', value: 90 }]);
    expect(t.diff(0, 99)).toBeNull();
  });

  it('starts at the first snapshot, notices gaps, ignores redeliveries, refuses garbage', () => {
    const t = new StateTimeline({ capacity: 2 });
    expect(t.applyBatch({ from: 4, to: 5, ops: [] })).toEqual({ status: 'gap', missing: [0, 4] });
    expect(t.applySnapshot({ version: 5, state: INITIAL })).toEqual({ status: 'applied', version: 5 });
    const op = { op: 'replace' as const, path: '/player/health', value: 1, ts: { wall: 1, counter: 0, node: 'server' } };
    expect(t.applyBatch({ from: 5, to: 6, ops: [op] })).toEqual({ status: 'applied', version: 6 });
    expect(t.applyBatch({ from: 5, to: 6, ops: [op] })).toEqual({ status: 'stale' });
    expect(t.applyBatch({ from: 7, to: 8, ops: [] })).toEqual({ status: 'gap', missing: [6, 7] });
    expect(t.applyBatch({ from: 6, to: 7, ops: [{ ...op, path: '/nope/x' }] })).toMatchObject({ status: 'invalid' });
    expect(t.applyBatch({ from: 6, to: 7, ops: [{ op: 'move', path: '/a' }] } as never)).toMatchObject({ status: 'invalid' });
    expect(t.applySnapshot({ version: -1, state: {} })).toMatchObject({ status: 'invalid' });
    expect(t.applyBatch(null as never)).toMatchObject({ status: 'invalid' });
    expect(t.versions()).toEqual([5, 6]);
    t.applyBatch({ from: 6, to: 7, ops: [] });
    expect(t.versions()).toEqual([6, 7]);
  });

  it('decideAll says what every strategy would make of a conflict seen on the wire', () => {
    const client = { op: 'replace' as const, path: '/ui/w', value: { a: 1 }, ts: { wall: 5, counter: 0, node: 'c' } };
    const server = { op: 'replace' as const, path: '/ui/w', value: { b: 2 }, ts: { wall: 9, counter: 0, node: 'server' } };
    const all = decideAll(client, server);
    expect(Object.fromEntries(Object.entries(all).map(([k, d]) => [k, d.winner]))).toEqual({
      LAST_WRITE_WINS: 'server',
      CLIENT_WINS: 'client',
      SERVER_WINS: 'server',
      MERGE: 'merged',
    });
  });
});
