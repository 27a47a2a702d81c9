import { describe, expect, it } from 'vitest';
import { describeEntry } from './describe-entry';
import type { AuditEntryRow } from '../../../src-shared/ipc/migrate';

const entry = (kind: string, params: unknown, outcome: unknown): AuditEntryRow => ({ seq: 1, at: '2026-01-01T00:00:00Z', kind, params, outcome, prev: '', hash: 'h' });

describe('describeEntry', () => {
  it('says what each known kind did, and how it ended', () => {
    expect(describeEntry(entry('migrate.data.start', { profile: 'tfs-canary', type: 'full', dryRun: true, source: 'sqlite:/a.db', target: 'sqlite:/b.db' }, { status: 'running', resumed: false }))).toBe(
      'dry run of tfs-canary started: sqlite:/a.db → sqlite:/b.db',
    );
    expect(describeEntry(entry('migrate.data.end', { profile: 'tfs-canary', type: 'full', dryRun: false }, { status: 'completed', read: 3000, written: 2990, rejected: 10 }))).toBe(
      'full run of tfs-canary completed: 2,990 written, 10 rejected of 3,000 read',
    );
    expect(describeEntry(entry('migrate.data.end', { profile: 'p', dryRun: false }, { status: 'failed', stage: 'plan', errors: ['no table players', 'no table accounts'] }))).toBe(
      'run of p refused by its pre-flight: no table players; no table accounts',
    );
    expect(describeEntry(entry('migrate.config.write', { file: '/srv/config.lua', profile: 'tfs-canary', forced: false }, { backup: '/srv/config.lua.bak', changes: 7, errors: 0 }))).toBe(
      '/srv/config.lua migrated with tfs-canary: 7 changes, original kept as /srv/config.lua.bak',
    );
    expect(describeEntry(entry('script.execute', { session: 4, player: 'p-1', source: '\n-- heal everyone\nfor _, p in ipairs(players()) do end' }, { ok: true, durationMs: 12 }))).toBe(
      'Lua script in session 4 (player p-1) ran in 12 ms — -- heal everyone',
    );
    expect(describeEntry(entry('script.execute', { session: 4, player: 'p-1', source: `return ${'x'.repeat(100)}` }, { ok: false, kind: 'TIMEOUT', message: 'ran past 250 ms' }))).toBe(
      `Lua script in session 4 (player p-1) failed (TIMEOUT): ran past 250 ms — return ${'x'.repeat(53)}…`,
    );
    expect(describeEntry(entry('replay.run', { capture: '/c.pcapng', target: '127.0.0.1:7172' }, { verdict: 'matched' }))).toBe('replay of /c.pcapng against 127.0.0.1:7172: matched');
  });

  it('never throws on what a hand-edited or foreign entry holds', () => {
    for (const [p, o] of [
      [null, null],
      ['text', 42],
      [[1, 2], { status: { nested: true } }],
      [{ profile: { a: 1 } }, { errors: 'one' }],
    ] as const) {
      for (const kind of ['migrate.data.start', 'migrate.data.end', 'migrate.config.write', 'replay.run', 'replay.serve', 'script.execute', '']) {
        expect(typeof describeEntry(entry(kind, p, o))).toBe('string');
      }
    }
    expect(describeEntry(entry('script.execute', { script: 'heal.lua', session: 3 }, {}))).toBe('Lua script in session 3 (player ?) outcome unknown');
  });
});
