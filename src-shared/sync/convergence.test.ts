/**
 * THE sync property: random concurrent edits on client and server — on the
 * same paths, parents and children — under each strategy, with batches,
 * updates, acknowledgements and catch-ups delivered in random interleavings
 * (FIFO per direction, as over TCP), some dropped by faults or lost in
 * reconnects, end with the same tree on both sides once everything is
 * delivered and acknowledged; and every conflict is recorded by the side
 * that detected it, with the decision the strategy gives.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type PatchOp } from '../protocol/catalogue';
import { Priority } from '../protocol/constants';
import { type ConflictRecord } from './conflicts';
import { compareStamps, stampKey } from './hlc';
import { deepEqual, type JsonObject } from './json';
import { applyOps, type Op } from './ops';
import { opsOverlap } from './overlap';
import { decide, STRATEGIES, strategyTable, type Strategy } from './strategy';
import { Link } from './testing/link';

const INITIAL: JsonObject = { player: { health: 0 }, world: {}, ui: { a: { x: 0 }, b: [], c: 0 } };
const PATHS = ['/ui', '/ui/a', '/ui/a/x', '/ui/a/y', '/ui/b', '/ui/b/0', '/ui/b/-', '/ui/c', '/ui/d', '/player/health'];
const VALUES = [0, 1, 2, { x: 1 }, { x: 2, y: 1 }, { y: 3 }, [], [1], 'v'];

const edit = fc.record({
  op: fc.constantFrom('add', 'replace', 'remove'),
  path: fc.constantFrom(...PATHS),
  value: fc.constantFrom(...VALUES),
  priority: fc.constantFrom(Priority.CRITICAL, Priority.HIGH, Priority.NORMAL, Priority.LOW),
});
type Edit = typeof edit extends fc.Arbitrary<infer T> ? T : never;

const action = fc.oneof(
  { weight: 5, arbitrary: edit.map((e) => ({ kind: 'client' as const, e })) },
  { weight: 5, arbitrary: edit.map((e) => ({ kind: 'server' as const, e })) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 120 }).map((ms) => ({ kind: 'time' as const, ms })) },
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 3 }).map((n) => ({ kind: 'toClient' as const, n })) },
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 3 }).map((n) => ({ kind: 'toServer' as const, n })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'take' as const }) },
  { weight: 2, arbitrary: fc.constantFrom({ kind: 'dropToClient' as const }, { kind: 'dropToServer' as const }, { kind: 'reconnect' as const }) },
);
type Action = typeof action extends fc.Arbitrary<infer T> ? T : never;

const toOp = (e: Edit): Op => (e.op === 'remove' ? { op: 'remove', path: e.path } : { op: e.op as 'add' | 'replace', path: e.path, value: e.value });

function run(strategy: Strategy, actions: readonly Action[], faults: boolean): { link: Link; clientRecords: ConflictRecord[]; serverRecords: ConflictRecord[] } {
  const strategies = { '/ui': strategy };
  const link = new Link({ initialState: INITIAL, strategies, batchSize: 5 }, { initialState: INITIAL, strategies, batchSize: 5 });
  const clientRecords: ConflictRecord[] = [];
  const serverRecords: ConflictRecord[] = [];
  link.client.on('conflict', (r) => clientRecords.push(r));
  link.server.on('conflict', (r) => serverRecords.push(r));
  for (const a of actions) {
    switch (a.kind) {
      case 'client':
        link.client.change(toOp(a.e), a.e.priority);
        break;
      case 'server':
        link.server.push([toOp(a.e)], a.e.priority);
        break;
      case 'time':
        link.scheduler.advance(a.ms);
        break;
      case 'toClient':
        for (let i = 0; i < a.n; i++) link.deliverToClient();
        break;
      case 'toServer':
        for (let i = 0; i < a.n; i++) link.deliverToServer();
        break;
      case 'take': {
        const u = link.client.takeUpdate();
        if (u) link.toServer.push({ kind: 'update', update: JSON.parse(JSON.stringify(u)) });
        break;
      }
      case 'dropToClient':
        if (faults) link.dropToClient();
        break;
      case 'dropToServer':
        if (faults) link.dropToServer();
        break;
      case 'reconnect':
        if (faults) link.reconnect();
        break;
    }
  }
  link.settle();
  return { link, clientRecords, serverRecords };
}

function checkConverged(link: Link): void {
  const { client, server } = link;
  expect(client.pendingCount).toBe(0);
  expect(client.version).toBe(server.version);
  expect(deepEqual(client.confirmed, server.state)).toBe(true);
  expect(deepEqual(client.state, server.state)).toBe(true);
  // The batch stream alone rebuilds the server's tree (what the proxy relies on).
  const replay = applyOps(INITIAL, link.serverLog.flatMap((b) => b.ops));
  expect(replay.results.every((r) => r.ok)).toBe(true);
  expect(deepEqual(replay.state, server.state)).toBe(true);
}

/** Each record carries the decision the pure strategy function gives for its two ops. */
function checkDecisions(records: readonly ConflictRecord[], strategy: Strategy): void {
  const table = strategyTable({ '/ui': strategy });
  for (const r of records) {
    const [client, server] = r.side === 'client' ? [r.local, r.remote] : [r.remote, r.local];
    expect(r.path).toBe(client.path);
    expect(r.strategy).toBe(table.lookup(client.path));
    expect(opsOverlap(r.local, r.remote)).toBe(true);
    expect(r.result).toEqual(decide(r.strategy, client, server).client);
  }
}

const key = (op: PatchOp) => stampKey(op.ts);

/**
 * Server side: for each client op it decided, the server ops the client had
 * not seen (sent in batches after its `from`, or queued — stamped before the
 * update was handled) that overlap it were each recorded as a conflict,
 * until one of them beat it (the last record, with no result). Queued ops
 * are judged in their send order at that moment, which a later, more urgent
 * op may still change, so the order of the records is not checked here.
 */
function checkServerDetection(link: Link, records: readonly ConflictRecord[]): void {
  const logged = new Set(link.serverLog.flatMap((b) => b.ops).map(key));
  // The server decides an op once; a resend is answered from memory.
  const decided = new Set<string>();
  for (const h of link.handled) {
    const rejected = new Map(h.ack.rejected.map((r) => [r.index, r.reason]));
    const unseen = link.serverLog
      .filter((b) => b.to > h.body.from)
      .flatMap((b) => b.ops)
      .filter((s) => s.ts.node === 'server' && compareStamps(s.ts, h.before) <= 0);
    for (const [i, c] of h.body.ops.entries()) {
      const reason = rejected.get(i);
      if (decided.has(key(c)) || (reason && !/^(CONFLICT|INVALID)/.test(reason))) continue;
      decided.add(key(c));
      const mine = records.filter((r) => key(r.remote) === key(c));
      // Each record is about an unseen server op (or one that was queued, then superseded before it was sent).
      for (const r of mine) expect(unseen.some((s) => key(s) === key(r.local)) || !logged.has(key(r.local))).toBe(true);
      const beaten = mine.findIndex((r) => r.result === null);
      expect(beaten === -1 || beaten === mine.length - 1).toBe(true);
      if (reason?.startsWith('CONFLICT')) expect(beaten).toBe(mine.length - 1);
      if (beaten >= 0) continue;
      for (const s of unseen) {
        if (opsOverlap(s, c)) expect(mine.some((r) => key(r.local) === key(s)), `server missed conflict ${c.path} vs ${s.path}`).toBe(true);
      }
    }
  }
}

/**
 * Client side: for each batch it applied, every pending (not yet beaten)
 * change overlapping an incoming server op was recorded, in order, and
 * nothing else was.
 */
function checkClientDetection(link: Link, records: readonly ConflictRecord[]): void {
  for (const a of link.applied) {
    const got = records.slice(a.conflictsBefore, a.conflictsBefore + a.conflicts);
    const alive = a.pending.filter((p) => !p.lost).map((p) => ({ op: p.op }));
    let i = 0;
    for (const s of a.batch.ops) {
      if (s.ts.node === link.client.node) {
        const j = alive.findIndex((p) => key(p.op) === key(s));
        if (j >= 0) alive.splice(j, 1);
        continue;
      }
      for (const p of [...alive]) {
        if (!opsOverlap(p.op, s)) continue;
        const r = got[i++];
        expect(r, `client missed conflict ${p.op.path} vs ${s.path}`).toBeDefined();
        expect(key(r!.local)).toBe(key(p.op));
        expect(key(r!.remote)).toBe(key(s));
        if (r!.result) p.op = r!.result;
        else alive.splice(alive.indexOf(p), 1);
      }
    }
    expect(i).toBe(got.length);
  }
}

describe('convergence under concurrent edits', () => {
  let conflictsSeen = 0;

  for (const strategy of STRATEGIES) {
    it(`${strategy}: both sides end equal, every conflict recorded and decided by the strategy (property)`, () => {
      fc.assert(
        fc.property(fc.array(action, { minLength: 10, maxLength: 80 }), fc.boolean(), (actions, faults) => {
          const { link, clientRecords, serverRecords } = run(strategy, actions, faults);
          checkConverged(link);
          checkDecisions(clientRecords, strategy);
          checkDecisions(serverRecords, strategy);
          checkServerDetection(link, serverRecords);
          checkClientDetection(link, clientRecords);
          conflictsSeen += clientRecords.length + serverRecords.length;
        }),
        // SYNC_FUZZ_RUNS=5000 for a long hunt; the default keeps the suite quick.
        { numRuns: Number(process.env.SYNC_FUZZ_RUNS ?? 100) },
      );
    });
  }

  it('the runs above did exercise conflicts', () => {
    expect(conflictsSeen).toBeGreaterThan(100);
  });
});
