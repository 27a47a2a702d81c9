/**
 * Server and client together, message by message: what each strategy makes
 * of a concurrent edit, gap recovery, resumes, and resent updates.
 */
import { describe, expect, it } from 'vitest';
import { Priority } from '../protocol/constants';
import { type JsonObject } from './json';
import { type Strategy } from './strategy';
import { Link } from './testing/link';

const INITIAL: JsonObject = { player: { health: 100 }, world: {}, ui: { theme: 'plain', windows: { bag: { open: false, x: 0 } } } };

function link(strategy: Strategy, extra: { batchSize?: number; historyBatches?: number } = {}) {
  const strategies = { '/ui': strategy };
  return new Link({ initialState: INITIAL, strategies, ...extra }, { initialState: INITIAL, strategies, ...extra });
}

/** Client and server change the same thing before either hears of the other. */
function concurrent(l: Link, clientFirst: boolean, path = '/ui/theme', clientValue: unknown = 'dark', serverValue: unknown = 'light') {
  const edits = [() => l.client.set(path, clientValue as never), () => l.server.set(path, serverValue as never)];
  if (!clientFirst) edits.reverse();
  edits[0]!();
  l.scheduler.advance(7); // the later write is later in time
  edits[1]!();
  l.scheduler.advance(100); // both ticks send: the update and the batch cross on the wire
  expect(l.toServer).toHaveLength(1);
  expect(l.toClient).toHaveLength(1);
  l.settle();
  expect(l.client.state).toEqual(l.server.state);
  return (l.server.state.ui as JsonObject)[path.split('/')[2]!];
}

describe('a concurrent edit of one path, per strategy', () => {
  it('SERVER_WINS: the server value, whichever came first', () => {
    expect(concurrent(link('SERVER_WINS'), true)).toBe('light');
    expect(concurrent(link('SERVER_WINS'), false)).toBe('light');
  });

  it('CLIENT_WINS: the client value, whichever came first', () => {
    expect(concurrent(link('CLIENT_WINS'), true)).toBe('dark');
    expect(concurrent(link('CLIENT_WINS'), false)).toBe('dark');
  });

  it('LAST_WRITE_WINS: the later write', () => {
    expect(concurrent(link('LAST_WRITE_WINS'), true)).toBe('light');
    expect(concurrent(link('LAST_WRITE_WINS'), false)).toBe('dark');
  });

  it('MERGE: objects merged key by key', () => {
    const l = link('MERGE');
    expect(concurrent(l, true, '/ui/windows', { bag: { open: true } }, { map: { open: true }, bag: { x: 5 } })).toEqual({
      bag: { open: true, x: 5 },
      map: { open: true },
    });
    // Both sides recorded the same conflict, with the same outcome.
    const [c] = l.client.conflicts.list();
    const [s] = l.server.conflicts.list();
    expect(c).toMatchObject({ side: 'client', winner: 'merged' });
    expect(s).toMatchObject({ side: 'server', winner: 'merged', result: c!.result });
  });

  it('the defaults: the client wins on /ui; it cannot write /player at all', () => {
    const l = new Link({ initialState: INITIAL }, { initialState: INITIAL });
    expect(concurrent(l, true)).toBe('dark');
    expect(l.client.set('/player/health', 1_000_000)).toMatchObject({ ok: false, reason: expect.stringMatching(/^FORBIDDEN/) });
  });
});

describe('gaps, catch-ups and resumes', () => {
  it('a lost batch is noticed at the next one and recovered with one catch-up batch', () => {
    const l = link('SERVER_WINS');
    l.server.set('/player/health', 90);
    l.scheduler.advance(100);
    l.dropToClient();
    l.server.set('/player/health', 80);
    l.scheduler.advance(100);
    l.deliverToClient(); // batch 1→2: gap
    expect(l.toServer).toEqual([{ kind: 'request', request: { since: 0 } }]);
    l.deliverToServer();
    expect(l.toClient[0]).toMatchObject({ kind: 'catchup', answer: { kind: 'updates', batch: { from: 0, to: 2 } } });
    l.deliverToClient();
    expect(l.client.version).toBe(2);
    expect(l.client.state).toEqual(l.server.state);
  });

  it('a gap longer than one batch can carry is recovered with a snapshot', () => {
    const l = link('SERVER_WINS', { batchSize: 3 });
    l.server.set('/player/health', 1);
    l.scheduler.advance(100);
    l.dropToClient();
    for (let i = 0; i < 5; i++) l.server.set(`/world/w${i}`, i);
    l.scheduler.advance(100);
    l.settle();
    expect(l.snapshots).toBe(1);
    expect(l.client.state).toEqual(l.server.state);
  });

  it('after a reconnect the client resumes at its version and resends unacknowledged changes; nothing is applied twice', () => {
    const l = link('CLIENT_WINS');
    l.client.add('/ui/windows/log', []);
    l.client.add('/ui/windows/log/-', 'first');
    l.scheduler.advance(100);
    l.deliverToServer(); // the server applies both...
    l.reconnect(); // ...but the ack is lost with the connection
    l.server.set('/player/health', 5, Priority.HIGH);
    l.settle();
    expect((((l.server.state.ui as JsonObject).windows as JsonObject).log as string[])).toEqual(['first']);
    expect(l.client.state).toEqual(l.server.state);
    expect(l.handled.at(-1)!.ack.rejected.map((r) => r.reason.split(':')[0])).toEqual(['DUPLICATE', 'DUPLICATE']);
  });

  it('redelivered batches after a resume are ignored', () => {
    const l = link('CLIENT_WINS');
    l.server.set('/player/health', 1);
    l.scheduler.advance(100);
    const copy = l.toClient[0]!;
    l.deliverToClient();
    l.toClient.push(copy);
    l.deliverToClient();
    expect(l.client.version).toBe(1);
    expect(l.client.awaitingResync).toBeNull();
  });
});
