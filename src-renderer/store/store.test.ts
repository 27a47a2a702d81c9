import { beforeEach, describe, expect, it } from 'vitest';
import { createConsoleStore, type ConsoleStore } from './index';
import { HISTORY_POINTS } from './metrics-slice';
import { MAX_CONFLICTS } from './conflicts-slice';
import { conflict, fault, metrics, rows, sessionRow, stats, subscription, version } from '../test-support/fixtures';
import type { SessionReport } from '../../src-shared/ipc/replay';

let store: ConsoleStore;
beforeEach(() => {
  // A fresh store per test: no state leaks between them.
  store = createConsoleStore({ rowCapacity: 10 });
});
const s = () => store.getState();

describe('app slice', () => {
  it('starts connecting on Traffic, dark, with every session in scope', () => {
    expect(s()).toMatchObject({ connection: 'connecting', view: 'traffic', theme: 'dark', scopeSession: null, notices: [] });
  });

  it('keeps the last five notices and dismisses by id', () => {
    for (let i = 0; i < 7; i++) s().addNotice({ level: 'info', text: `n${i}`, at: i });
    expect(s().notices.map((n) => n.text)).toEqual(['n2', 'n3', 'n4', 'n5', 'n6']);
    s().dismissNotice(s().notices[0]!.id);
    expect(s().notices.map((n) => n.text)).toEqual(['n3', 'n4', 'n5', 'n6']);
  });
});

describe('traffic slice', () => {
  it('checks the filter as it is typed, without touching what is applied', () => {
    s().setFilterText('size>1q');
    expect(s().filterError).toMatchObject({ at: 5, length: 2 });
    expect(s().filterApplied).toBe('');
    s().setFilterText('type:PLAYER_*');
    expect(s().filterError).toBeNull();
    expect(s().filterDescribe).toBe('type = PLAYER_*');
  });

  it('a snapshot replaces the window; appends bump the version only when rows are new', () => {
    s().trafficSnapshot(subscription(7, rows(1, 4), true));
    expect(s()).toMatchObject({ subscription: 7, trafficCount: 4, hasOlder: true, subscribing: false });
    const v = s().trafficVersion;
    s().trafficAppend(rows(3, 4));
    expect(s().trafficVersion).toBe(v);
    s().trafficAppend(rows(5, 6));
    expect(s().trafficVersion).toBe(v + 1);
    expect(s().trafficCount).toBe(6);
  });

  it('keeps the window bounded, and says older rows can be paged back once it trims', () => {
    s().trafficSnapshot(subscription(1, rows(1, 3)));
    expect(s().hasOlder).toBe(false);
    s().trafficAppend(rows(4, 25));
    expect(s().trafficCount).toBe(10);
    expect(s().trafficWindow.oldestId).toBe(16);
    expect(s().hasOlder).toBe(true);
  });

  it('prepends pages and records whether more remain', () => {
    s().trafficSnapshot(subscription(1, rows(6, 8), true));
    s().setLoadingOlder(true);
    s().trafficPrepend(rows(3, 5), false);
    expect(s()).toMatchObject({ trafficCount: 6, hasOlder: false, loadingOlder: false });
    expect(s().trafficWindow.oldestId).toBe(3);
  });

  it('keeps a bounded set of details, never evicting the selected one', () => {
    s().select(1);
    s().setDetail(1, { status: 'loading' });
    for (let id = 2; id < 100; id++) s().setDetail(id, { status: 'missing' });
    expect(s().details.size).toBeLessThanOrEqual(65);
    expect(s().details.get(1)).toEqual({ status: 'loading' });
    expect(s().details.has(99)).toBe(true);
    expect(s().details.has(2)).toBe(false);
  });
});

describe('sessions, faults and conflicts slices', () => {
  it('replace their Maps on change (selectors see a new value)', () => {
    s().setSessions([sessionRow(1), sessionRow(2)]);
    const before = s().sessions;
    s().setSessions([sessionRow(1), sessionRow(2), sessionRow(3)]);
    expect(s().sessions).not.toBe(before);
    expect([...s().sessions.keys()]).toEqual(['live/1', 'live/2', 'live/3']);

    s().setFaults([fault('a'), fault('b')]);
    const f = s().faults;
    s().putFault(fault('a', { applied: 5 }));
    expect(s().faults).not.toBe(f);
    expect(s().faults.get('a')!.applied).toBe(5);
    s().dropFault('b');
    expect([...s().faults.keys()]).toEqual(['a']);
    const same = s().faults;
    s().dropFault('nope');
    expect(s().faults).toBe(same);
  });

  it('conflicts: live additions honour the prefix the list is narrowed to', () => {
    s().setConflictPrefix('/players/p-1');
    s().setConflicts([conflict(1, '/players/p-1/hp')]);
    s().addConflicts([conflict(2, '/players/p-2/hp'), conflict(3, '/players/p-1/pos')]);
    expect([...s().conflicts.keys()].sort()).toEqual([1, 3]);
  });

  it('conflicts: a flood keeps only the newest', () => {
    s().setConflicts(Array.from({ length: MAX_CONFLICTS + 5 }, (_, i) => conflict(i + 1, '/x')));
    expect(s().conflicts.size).toBe(MAX_CONFLICTS);
    expect(s().conflicts.has(1)).toBe(false);
    expect(s().conflicts.has(MAX_CONFLICTS + 5)).toBe(true);
  });
});

describe('metrics slice', () => {
  it('builds per-session and total history, ignoring repeated snapshots', () => {
    s().addMetrics([metrics(1000, { 1: stats({ msgPerSec: 10 }) }), metrics(1000), metrics(2000, { 1: stats(), 2: stats({ msgPerSec: 7 }) })]);
    const h = s().metricsHistory;
    expect(h.total.map((p) => p.t)).toEqual([1000, 2000]);
    expect(h.sessions.get(1)!.map((p) => p.msgPerSec)).toEqual([10, 500]);
    expect(h.sessions.get(2)!.map((p) => p.msgPerSec)).toEqual([7]);
    expect(s().metrics!.at).toBe(2000);
  });

  it('keeps five minutes, and drops sessions that stopped reporting', () => {
    const snaps = Array.from({ length: HISTORY_POINTS + 20 }, (_, i) => metrics((i + 1) * 1000, i < 5 ? { 9: stats() } : { 1: stats() }));
    s().addMetrics(snaps);
    expect(s().metricsHistory.total).toHaveLength(HISTORY_POINTS);
    expect(s().metricsHistory.sessions.has(9)).toBe(false);
    expect(s().metricsHistory.sessions.get(1)!.length).toBe(HISTORY_POINTS);
  });
});

describe('state slice', () => {
  it('keeps versions sorted and unique, whatever order they arrive in', () => {
    s().setVersions(1, [version(3), version(1), version(2)]);
    s().addVersions([{ session: 1, row: version(5) }, { session: 1, row: version(4) }, { session: 1, row: version(5) }, { session: 2, row: version(1) }]);
    expect(s().versions.get(1)!.map((v) => v.version)).toEqual([1, 2, 3, 4, 5]);
    expect(s().versions.get(2)!.map((v) => v.version)).toEqual([1]);
  });

  it('changing session clears the picks, the diff and the tree', () => {
    s().setStateSession(1);
    s().pickFrom(1);
    s().pickTo(4);
    s().setDiff({ status: 'ok', value: { from: 1, to: 4, ops: [] } });
    s().setStateSession(2);
    expect(s()).toMatchObject({ diffFrom: null, diffTo: null, diff: { status: 'idle' }, tree: { status: 'idle' } });
  });
});

describe('replay slice', () => {
  const params = { capture: '/tmp/c.pcapng', target: '127.0.0.1:7180', identity: null };
  const counts = { sessions: 1, matched: 1, differed: 0, missing: 0, unexpected: 0, error: 0 };

  it('follows a run it started: progress, sessions, end; ignores runs it did not start', () => {
    s().replayStarted('r1', params);
    expect(s().replayCurrent).toBe('r1');
    s().replayProgress({ runId: 'r1', sessionsTotal: 1, sessionsDone: 0, stepsTotal: 10, stepsDone: 4, elapsedMs: 100, etaMs: 150, counts });
    s().replayProgress({ runId: 'other', sessionsTotal: 9, sessionsDone: 0, stepsTotal: 1, stepsDone: 0, elapsedMs: 0, etaMs: null, counts });
    expect(s().replayRuns.get('r1')!.progress!.stepsDone).toBe(4);
    expect(s().replayRuns.has('other')).toBe(false);
    const session = { session: 3, iteration: 1, verdict: 'matched' } as unknown as SessionReport;
    s().replaySession('r1', session);
    s().replaySession('r1', session); // repeated: replaced, not doubled
    expect(s().replayRuns.get('r1')!.sessions).toHaveLength(1);
    s().replayDone({ runId: 'r1', verdict: 'matched', exitCode: 0, counts, durationMs: 250 });
    expect(s().replayRuns.get('r1')!.done!.verdict).toBe('matched');
  });
});
