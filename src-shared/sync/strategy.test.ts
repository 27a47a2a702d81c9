import { describe, expect, it } from 'vitest';
import { type PatchOp } from '../protocol/catalogue';
import { resolveConflict, ConflictLog } from './conflicts';
import { decide, mergeOp, STRATEGIES, strategyTable, type Strategy } from './strategy';
import { Ownership, PrefixTable } from './prefix';

const at = (wall: number, node: string) => ({ wall, counter: 0, node });
const c = (op: 'add' | 'replace', path: string, value: unknown, wall = 10): PatchOp => ({ op, path, value, ts: at(wall, 'client') });
const s = (op: 'add' | 'replace', path: string, value: unknown, wall = 20): PatchOp => ({ op, path, value, ts: at(wall, 'server') });
const cRemove = (path: string, wall = 10): PatchOp => ({ op: 'remove', path, ts: at(wall, 'client') });
const sRemove = (path: string, wall = 20): PatchOp => ({ op: 'remove', path, ts: at(wall, 'server') });
const valueOf = (op: PatchOp | null): unknown => (op && op.op !== 'remove' ? op.value : undefined);

describe('decide', () => {
  it('SERVER_WINS drops the client op; CLIENT_WINS keeps it, to apply after the server op', () => {
    const client = c('replace', '/ui/theme', 'dark');
    const server = s('replace', '/ui/theme', 'light');
    expect(decide('SERVER_WINS', client, server)).toEqual({ winner: 'server', client: null });
    expect(decide('CLIENT_WINS', client, server)).toEqual({ winner: 'client', client });
  });

  it('LAST_WRITE_WINS compares stamps: wall, counter, then node', () => {
    const server = s('replace', '/ui/t', 1, 20);
    expect(decide('LAST_WRITE_WINS', c('replace', '/ui/t', 2, 21), server).winner).toBe('client');
    expect(decide('LAST_WRITE_WINS', c('replace', '/ui/t', 2, 19), server).winner).toBe('server');
    // Same wall and counter: "server" > "client" in code-unit order.
    expect(decide('LAST_WRITE_WINS', c('replace', '/ui/t', 2, 20), server).winner).toBe('server');
    expect(decide('LAST_WRITE_WINS', { ...c('replace', '/ui/t', 2, 20), ts: { wall: 20, counter: 1, node: 'client' } }, server).winner).toBe('client');
  });

  it('a winning replace becomes an add when the server replaced or removed what it replaces', () => {
    const client = c('replace', '/ui/w/a', 1);
    expect(decide('CLIENT_WINS', client, s('replace', '/ui/w', {})).client).toEqual({ ...client, op: 'add' });
    expect(decide('CLIENT_WINS', client, sRemove('/ui/w/a')).client).toEqual({ ...client, op: 'add' });
    // At an array position an add would insert: it stays a replace.
    const pos = c('replace', '/ui/list/0', 1);
    expect(decide('CLIENT_WINS', pos, s('replace', '/ui/list', [])).client).toBe(pos);
    // Server changed something below: the client's replace still finds its member.
    expect(decide('CLIENT_WINS', client, s('replace', '/ui/w/a/b', 1)).client).toBe(client);
  });

  describe('MERGE', () => {
    it('same path, two objects: key by key, recursively; other pairs of values go to the later stamp', () => {
      const client = c('replace', '/ui/w', { a: 1, b: { x: 1, y: 1 }, only: 'c' }, 30);
      const server = s('replace', '/ui/w', { a: 2, b: { y: 2, z: 2 }, also: 's' }, 20);
      expect(decide('MERGE', client, server)).toEqual({
        winner: 'merged',
        client: { op: 'add', path: '/ui/w', value: { a: 1, b: { x: 1, y: 1, z: 2 }, only: 'c', also: 's' }, ts: client.ts },
      });
      const older = { ...client, ts: at(5, 'client') };
      expect(valueOf(decide('MERGE', older, server).client)).toEqual({ a: 2, b: { x: 1, y: 2, z: 2 }, only: 'c', also: 's' });
    });

    it('falls back to LAST_WRITE_WINS for anything but two objects', () => {
      expect(decide('MERGE', c('replace', '/ui/n', 1, 30), s('replace', '/ui/n', 2, 20))).toEqual({ winner: 'client', client: c('replace', '/ui/n', 1, 30) });
      expect(decide('MERGE', c('replace', '/ui/n', { a: 1 }, 10), s('replace', '/ui/n', [1], 20))).toEqual({ winner: 'server', client: null });
      expect(decide('MERGE', cRemove('/ui/n', 30), s('replace', '/ui/n', { a: 1 }, 20)).winner).toBe('client');
      expect(decide('MERGE', c('replace', '/ui/n', { a: 1 }, 10), sRemove('/ui/n', 20)).winner).toBe('server');
      // Array inserts are positional, not mergeable.
      expect(decide('MERGE', c('add', '/ui/l/0', { a: 1 }, 10), s('replace', '/ui/l', [], 20)).winner).toBe('server');
      expect(decide('MERGE', c('replace', '/ui/l', { a: 1 }, 30), s('add', '/ui/l/-', 1, 20)).winner).toBe('client');
    });

    it('server op above the client op: merge with the part of the server value at the client path', () => {
      const client = c('replace', '/ui/w/bag', { open: true }, 10);
      const server = s('replace', '/ui/w', { bag: { x: 5, open: false } }, 20);
      expect(valueOf(decide('MERGE', client, server).client)).toEqual({ open: false, x: 5 });
      // Nothing there in the server's value: not two objects → LWW (server newer).
      expect(decide('MERGE', client, s('replace', '/ui/w', {}, 20))).toEqual({ winner: 'server', client: null });
    });

    it('server op below the client op: the client object with the server change inside', () => {
      const client = c('replace', '/ui/w', { a: 1, b: { c: 1 } }, 10);
      expect(valueOf(decide('MERGE', client, s('add', '/ui/w/b/d', 5, 20)).client)).toEqual({ a: 1, b: { c: 1, d: 5 } });
      // Both set b/c: server newer → server's value; client newer → client's.
      expect(valueOf(decide('MERGE', client, s('replace', '/ui/w/b/c', 9, 20)).client)).toEqual({ a: 1, b: { c: 9 } });
      expect(valueOf(decide('MERGE', { ...client, ts: at(30, 'client') }, s('replace', '/ui/w/b/c', 9, 20)).client)).toEqual({ a: 1, b: { c: 1 } });
      // Removal below: newer server removes it from the merged value.
      expect(valueOf(decide('MERGE', client, sRemove('/ui/w/a', 20)).client)).toEqual({ b: { c: 1 } });
      // Below an array: not key by key → LWW.
      expect(mergeOp(c('replace', '/ui/w', { l: [1] }), s('replace', '/ui/w/l/0', 2))).toBeNull();
    });

    it('never changes the ops it is given', () => {
      const value = { a: 1, b: { c: 1 } };
      const client = c('replace', '/ui/w', value, 10);
      decide('MERGE', client, s('add', '/ui/w/b/d', 5, 20));
      expect(value).toEqual({ a: 1, b: { c: 1 } });
    });
  });

  it('is total: every strategy answers every pair', () => {
    const pairs: [PatchOp, PatchOp][] = [
      [c('replace', '/ui/a', 1), s('replace', '/ui/a', 2)],
      [cRemove('/ui/a'), sRemove('/ui/a')],
      [c('add', '/ui/l/-', 1), s('add', '/ui/l/0', 2)],
      [c('replace', '/ui', {}), s('replace', '/ui/x/y', 1)],
    ];
    for (const st of STRATEGIES) for (const [x, y] of pairs) expect(['client', 'server', 'merged']).toContain(decide(st, x, y).winner);
  });
});

describe('strategy table and ownership', () => {
  it('defaults: server wins on player and world, client on ui, LWW elsewhere; longest prefix wins', () => {
    const t = strategyTable();
    expect(t.lookup('/player/health')).toBe('SERVER_WINS');
    expect(t.lookup('/world')).toBe('SERVER_WINS');
    expect(t.lookup('/ui/windows/bag')).toBe('CLIENT_WINS');
    expect(t.lookup('/uix')).toBe('LAST_WRITE_WINS');
    const custom = strategyTable({ '/ui/chat': 'MERGE', '/player': 'LAST_WRITE_WINS' }, 'SERVER_WINS');
    expect(custom.lookup('/ui/chat/tabs')).toBe('MERGE');
    expect(custom.lookup('/ui/other')).toBe('CLIENT_WINS');
    expect(custom.lookup('/player/x')).toBe('LAST_WRITE_WINS');
    expect(custom.lookup('/elsewhere')).toBe('SERVER_WINS');
    expect(custom.matchOf('/ui/chat/x')).toBe('/ui/chat');
    expect(() => strategyTable({ '/ui': 'NEWEST' as Strategy })).toThrow(/unknown strategy/);
    expect(() => new PrefixTable({ 'ui': 1 }, 0)).toThrow(/bad path prefix/);
  });

  it('ownership: the prefix and everything under it, nothing beside it', () => {
    const o = new Ownership(['/ui']);
    expect(o.owns('/ui')).toBe(true);
    expect(o.owns('/ui/a/b')).toBe(true);
    expect(o.owns('/uix')).toBe(false);
    expect(o.owns('')).toBe(false);
    expect(o.check('/player/health')).toMatch(/^FORBIDDEN: \/player\/health is not client-owned/);
  });
});

describe('conflict records', () => {
  it('say who won in the recorder\'s terms, and keep both ops', () => {
    const client = c('replace', '/ui/t', 'dark', 10);
    const server = s('replace', '/ui/t', 'light', 20);
    const onServer = resolveConflict('server', 'SERVER_WINS', server, client, 99, 4);
    expect(onServer).toMatchObject({ side: 'server', path: '/ui/t', local: server, remote: client, winner: 'local', result: null, at: 99, version: 4 });
    const onClient = resolveConflict('client', 'SERVER_WINS', client, server, 98, 3);
    expect(onClient).toMatchObject({ side: 'client', local: client, remote: server, winner: 'remote', result: null });
    expect(resolveConflict('client', 'MERGE', c('replace', '/ui/o', { a: 1 }), s('replace', '/ui/o', { b: 1 }), 0, 0).winner).toBe('merged');
  });

  it('the log is bounded and counts what it let go', () => {
    const log = new ConflictLog(2);
    const r = resolveConflict('client', 'CLIENT_WINS', c('replace', '/ui/a', 1), s('replace', '/ui/a', 2), 0, 0);
    log.add(r);
    log.add({ ...r, at: 1 });
    log.add({ ...r, at: 2 });
    expect(log.list().map((x) => x.at)).toEqual([1, 2]);
    expect(log.total).toBe(3);
  });
});
