import { beforeEach, describe, expect, it } from 'vitest';
import { createConsoleStore, type ConsoleStore } from './index';
import { conflict, rows, sessionRow, subscription, version } from '../test-support/fixtures';
import { captureInfo } from '../test-support/admin-fixtures';
import { parseSourceKey, sameSource, sessionKey, sessionsIn, sourceKey, sourceParam } from '../sources';

let store: ConsoleStore;
beforeEach(() => {
  store = createConsoleStore({ rowCapacity: 10 });
});
const s = () => store.getState();

describe('sources', () => {
  it('names sources and sessions so numbers from different captures never collide', () => {
    expect(sourceKey('live')).toBe('live');
    expect(sourceKey({ capture: 4 })).toBe('capture:4');
    expect(parseSourceKey('capture:4')).toEqual({ capture: 4 });
    expect(parseSourceKey('live')).toBe('live');
    for (const bad of ['', 'capture:', 'capture:x', 'capture:1:2', 'LIVE', '__proto__']) expect(parseSourceKey(bad)).toBeNull();
    expect(sameSource({ capture: 1 }, { capture: 1 })).toBe(true);
    expect(sameSource({ capture: 1 }, 'live')).toBe(false);
    expect(sourceParam('live')).toEqual({});
    expect(sourceParam({ capture: 2 })).toEqual({ source: { capture: 2 } });

    s().setSessions([sessionRow(1), sessionRow(1, { source: 'capture', capture: 2 }), sessionRow(1, { source: 'capture', capture: 3 }), sessionRow(2)]);
    expect([...s().sessions.keys()]).toEqual(['live/1', 'capture:2/1', 'capture:3/1', 'live/2']);
    expect(sessionsIn(s().sessions, 'live').map(sessionKey)).toEqual(['live/1', 'live/2']);
    expect(sessionsIn(s().sessions, { capture: 3 }).map(sessionKey)).toEqual(['capture:3/1']);
  });

  it('switching the source empties every view bound to it, once', () => {
    s().trafficSnapshot(subscription(7, rows(1, 4)));
    s().select(2);
    s().setDetail(2, { status: 'missing' });
    s().setScope(1);
    s().setStateSession(1);
    s().setVersions(1, [version(1), version(2)]);
    s().pickFrom(1);
    s().setConflicts([conflict(1, '/a')]);
    s().setPaused(true);
    s().setFollow(false);
    const v = s().trafficVersion;

    s().setSource({ capture: 3 });
    expect(s()).toMatchObject({
      source: { capture: 3 },
      scopeSession: null,
      trafficCount: 0,
      subscription: null,
      selectedId: null,
      stateSession: null,
      diffFrom: null,
      paused: false,
      follow: false,
      hasOlder: false,
    });
    expect(s().trafficVersion).toBe(v + 1);
    expect(s().trafficWindow.length).toBe(0);
    expect(s().details.size).toBe(0);
    expect(s().versions.size).toBe(0);
    expect(s().conflicts.size).toBe(0);

    // The same source again changes nothing.
    s().trafficSnapshot(subscription(8, rows(1, 2)));
    s().setSource({ capture: 3 });
    expect(s().trafficCount).toBe(2);
    // Back to live: following again.
    s().setSource('live');
    expect(s()).toMatchObject({ source: 'live', follow: true, trafficCount: 0 });
  });

  it('keeps captures by id and uploads by their own id', () => {
    s().setCaptures([captureInfo(1), captureInfo(2)]);
    s().putCapture(captureInfo(2, { records: 99 }));
    expect(s().captures.get(2)!.records).toBe(99);
    s().setCaptures([captureInfo(2)]);
    expect([...s().captures.keys()]).toEqual([2]);
    s().putUpload({ id: 1, name: 'a', total: 10, sent: 0 });
    s().putUpload({ id: 2, name: 'b', total: 10, sent: 0 });
    s().putUpload({ id: 1, name: 'a', total: 10, sent: 5 });
    expect(s().uploads.map((u) => [u.id, u.sent])).toEqual([
      [2, 0],
      [1, 5],
    ]);
    s().dropUpload(1);
    expect(s().uploads.map((u) => u.id)).toEqual([2]);
  });
});
