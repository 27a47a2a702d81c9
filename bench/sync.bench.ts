/**
 * `npm run bench:sync`: the sync hot paths the server runs for every
 * session (1000 sessions × 10 batches/s), each beside a baseline in the
 * same rounds (bench/lib.ts).
 *
 * - Applying a 50-op batch to a game state (player, 60 creatures, ui):
 *   ours (copy-on-write, containers copied once per batch) against the same
 *   ops applied one by one (path copied per op), against structuredClone +
 *   mutate (the naive way to keep the old version), and against mutating in
 *   place (keeps no history and checks nothing: what the checks and the
 *   history cost).
 * - Diffing two adjacent versions of a 1000-creature world (what the proxy
 *   does between two states of a session): of one copy-on-write history
 *   (shared subtrees are skipped), against the same trees after a JSON round
 *   trip (nothing shared, everything walked).
 * - A server session's tick: push 5 ops + send the batch, for 1000 sessions,
 *   against applying the same ops with applyOps alone.
 */
import { loadavg } from 'node:os';
import { compare, fmt, median, table, type Benchmark, type RoundResult } from './lib';
import { applyOp, applyOps, diff, ServerSyncSession, type JsonObject, type Op } from '../src-shared/sync';

function gameState(creatures = 60): JsonObject {
  const c: Record<string, JsonObject> = {};
  for (let i = 0; i < creatures; i++) c[`c${i}`] = { name: 'Rat', health: 20, position: { x: 100 + i, y: 200, z: 7 }, effects: [] };
  return {
    player: { position: { x: 100, y: 100, z: 7 }, health: 150, mana: 40, inventory: ['sword', 'shield', 'rope'], skills: { sword: 30, shield: 25 }, effects: [] },
    world: { creatures: c, items: [], effects: [], weather: 'rain', time: 720 },
    ui: { windows: { bag: { open: true } }, widgets: {}, notifications: [] },
  };
}

/** 50 ops as a busy game tick makes them: creatures moving and fighting, the player moving. */
function batch(round: number): Op[] {
  const ops: Op[] = [];
  for (let i = 0; ops.length < 50; i++) {
    const c = (i * 7 + round) % 60;
    ops.push({ op: 'replace', path: `/world/creatures/c${c}/position/x`, value: 100 + ((i + round) % 50) });
    if (i % 3 === 0) ops.push({ op: 'replace', path: `/world/creatures/c${c}/health`, value: (i + round) % 20 });
    if (i % 10 === 0) ops.push({ op: 'replace', path: '/player/position/y', value: 100 + (round % 9) });
  }
  return ops.slice(0, 50);
}

/** RFC 6902 replace done by hand on a mutable tree (what the floor and the clone baseline do). */
function mutate(state: Record<string, unknown>, op: Op): void {
  const segs = op.path.slice(1).split('/');
  let cur = state as Record<string, unknown>;
  for (let i = 0; i < segs.length - 1; i++) cur = cur[segs[i]!] as Record<string, unknown>;
  cur[segs[segs.length - 1]!] = (op as { value: unknown }).value;
}

function ratio(a: RoundResult, b: RoundResult): number {
  return median(a.rounds.map((r, i) => r / b.rounds[i]!));
}

function applyRow(): { md: string; data: unknown } {
  const batches = Array.from({ length: 16 }, (_, i) => batch(i));
  // Each candidate carries its own evolving state, as a session does (every batch applies to the last result).
  const states = { cow: gameState(), perOp: gameState(), clone: gameState() as unknown, floor: structuredClone(gameState()) as Record<string, unknown> };
  const results = compare(
    [
      {
        name: 'applyOps (copy-on-write, one copy per container per batch)',
        run: (n) => {
          for (let i = 0; i < n; i++) states.cow = applyOps(states.cow, batches[i & 15]!).state as JsonObject;
          return states.cow;
        },
      },
      {
        name: 'applyOp one op at a time (path copied per op)',
        run: (n) => {
          for (let i = 0; i < n; i++) for (const op of batches[i & 15]!) states.perOp = applyOp(states.perOp, op).state as JsonObject;
          return states.perOp;
        },
      },
      {
        name: 'structuredClone + mutate (keeps every version, copies everything)',
        run: (n) => {
          for (let i = 0; i < n; i++) {
            const t = structuredClone(states.clone) as Record<string, unknown>;
            for (const op of batches[i & 15]!) mutate(t, op);
            states.clone = t;
          }
          return states.clone;
        },
      },
      {
        name: 'mutate in place (keeps no history, checks nothing)',
        run: (n) => {
          for (let i = 0; i < n; i++) for (const op of batches[i & 15]!) mutate(states.floor, op);
          return states.floor;
        },
      },
    ],
    { rounds: 9 },
  );
  const ours = results[0]!;
  const rows = results.map((r) => [r.name, `${fmt.rate(r.opsPerSec)}/s`, `${fmt.rate(r.opsPerSec * 50)}/s`, r === ours ? '—' : `${ratio(ours, r).toFixed(2)}×`]);
  return { md: table(['50-op batch applied by', 'batches', 'ops', 'ours ÷ this (median of paired rounds)'], rows), data: results };
}

function diffRow(): { md: string; data: unknown } {
  const a = gameState(1000);
  const b = applyOps(a, batch(1).slice(0, 5)).state as JsonObject;
  const ac = JSON.parse(JSON.stringify(a)) as JsonObject;
  const bc = JSON.parse(JSON.stringify(b)) as JsonObject;
  const n = diff(a, b).length;
  if (diff(ac, bc).length !== n) throw new Error('diffs disagree');
  const results = compare(
    [
      { name: 'diff of two versions of one history', run: (k) => { let r: unknown; for (let i = 0; i < k; i++) r = diff(a, b); return r; } },
      { name: 'diff of the same trees, nothing shared', run: (k) => { let r: unknown; for (let i = 0; i < k; i++) r = diff(ac, bc); return r; } },
    ],
    { rounds: 9 },
  );
  const [s, u] = results as [RoundResult, RoundResult];
  return {
    md: table(
      [`diff (${n} ops between versions)`, 'diffs/s', 'shared ÷ unshared'],
      [
        [s.name, `${fmt.rate(s.opsPerSec)}/s`, `${ratio(s, u).toFixed(1)}×`],
        [u.name, `${fmt.rate(u.opsPerSec)}/s`, '—'],
      ],
    ),
    data: results,
  };
}

function sessionRow(): { md: string; data: unknown } {
  const SESSIONS = 1000;
  const now = () => 1_700_000_000_000;
  const sessions = Array.from({ length: SESSIONS }, () => new ServerSyncSession({ now, initialState: gameState(10) }));
  let sent = 0;
  for (const s of sessions) s.on('batch', () => sent++);
  const states = sessions.map((s) => s.state);
  const ops = (i: number): Op[] => [
    { op: 'replace', path: '/player/position/x', value: 100 + (i % 7) },
    { op: 'replace', path: '/player/health', value: 150 - (i % 9) },
    { op: 'replace', path: `/world/creatures/c${i % 10}/position/x`, value: i % 50 },
    { op: 'replace', path: `/world/creatures/c${(i + 3) % 10}/health`, value: i % 20 },
    { op: 'replace', path: '/world/time', value: i % 1440 },
  ];
  const results = compare(
    [
      {
        name: 'ServerSyncSession: push 5 ops, tick (stamp, check, apply, batch, history)',
        run: (n) => {
          for (let i = 0; i < n; i++) {
            const s = sessions[i % SESSIONS]!;
            s.push(ops(i));
            s.tick();
          }
          return sent;
        },
      },
      {
        name: 'applyOps of the same 5 ops alone',
        run: (n) => {
          let r: unknown;
          for (let i = 0; i < n; i++) {
            const k = i % SESSIONS;
            r = states[k] = applyOps(states[k]!, ops(i)).state as JsonObject;
          }
          return r;
        },
      },
    ],
    { rounds: 9 },
  );
  const [s, a] = results as [RoundResult, RoundResult];
  const need = SESSIONS * 10;
  return {
    md: [
      table(
        ['per session tick, 1000 sessions round-robin', 'ticks/s (one core)', 'session ÷ applyOps alone'],
        [
          [s.name, `${fmt.rate(s.opsPerSec)}/s`, `${ratio(s, a).toFixed(2)}`],
          [a.name, `${fmt.rate(a.opsPerSec)}/s`, '—'],
        ],
      ),
      '',
      `1000 sessions at 10 batches/s need ${fmt.rate(need)} session ticks/s; this run measured ${fmt.rate(s.opsPerSec)}/s with 5-op batches, so that load would take ${fmt.pct(need / s.opsPerSec)} of one core at the rate measured here (the machine was shared: see the load average above).`,
    ].join('\n'),
    data: results,
  };
}

const bench: Benchmark = {
  name: 'sync',
  title: 'State sync: applying batches, diffing versions, a server session tick',
  command: 'npm run bench:sync',
  async run() {
    const apply = applyRow();
    const d = diffRow();
    const sess = sessionRow();
    return {
      markdown: [
        `Operations per second on one core, candidates run side by side in alternating rounds; ratios are medians of per-round ratios. Game state: a player, 60 creatures (1000 in the diff row, 10 in the session row), the ui. Load average when this ran: ${loadavg().map((x) => x.toFixed(1)).join(', ')} (a shared machine: absolute rates move with it, the ratios much less).`,
        '',
        apply.md,
        '',
        d.md,
        '',
        sess.md,
      ].join('\n'),
      data: { apply: apply.data, diff: d.data, session: sess.data },
    };
  },
};

export default bench;
