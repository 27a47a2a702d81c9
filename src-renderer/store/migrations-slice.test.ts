import { beforeEach, describe, expect, it } from 'vitest';
import { createConsoleStore, type ConsoleStore } from './index';
import { progress, runInfo } from '../test-support/admin-fixtures';

let store: ConsoleStore;
beforeEach(() => {
  store = createConsoleStore();
});
const s = () => store.getState();

describe('migrations slice', () => {
  it('follows a known run through progress, tables, warnings and its end', () => {
    s().putMigrationRun(runInfo('m1'));
    s().migrationProgress(progress('m1', 'running', 40));
    s().migrationProgress(progress('m1', 'paused', 50));
    expect(s().migrationRuns.get('m1')).toMatchObject({ state: 'paused', progress: { rowsDone: 50 } });
    const t = { source: 'players', target: 'players', status: 'running' as const, estimate: 100, read: 10, written: 10, rejected: 0, seconds: 1 };
    s().migrationTable('m1', t);
    s().migrationTable('m1', { ...t, status: 'done', read: 100 });
    expect(s().migrationRuns.get('m1')!.tables).toEqual([{ ...t, status: 'done', read: 100 }]);
    s().migrationWarning('m1', 'column secret dropped');
    s().migrationDone({ runId: 'm1', state: 'completed', summary: null, verification: { ok: true, scope: 'all', tables: [] }, verificationError: null, error: null });
    const r = s().migrationRuns.get('m1')!;
    expect(r).toMatchObject({ state: 'completed', warnings: ['column secret dropped'], verification: { ok: true }, progress: { state: 'completed', etaSeconds: 0 } });
    expect(r.finishedAt).toBeGreaterThan(0);
  });

  it('an end is never undone by a late progress event or an older status', () => {
    s().putMigrationRun(runInfo('m1'));
    s().migrationDone({ runId: 'm1', state: 'cancelled', summary: null, verification: null, verificationError: null, error: null });
    s().migrationProgress(progress('m1', 'running', 70));
    expect(s().migrationRuns.get('m1')!.state).toBe('cancelled');
    s().putMigrationRun(runInfo('m1', { state: 'running' }));
    expect(s().migrationRuns.get('m1')!.state).toBe('cancelled');
    // A newer end (a verification fetched later) still lands.
    s().putMigrationRun(runInfo('m1', { state: 'cancelled', error: 'stopped' }));
    expect(s().migrationRuns.get('m1')!.error).toBe('stopped');
  });

  it('ignores events of runs it does not hold (the client fetches those), and keeps warnings bounded', () => {
    s().migrationProgress(progress('elsewhere', 'running', 1));
    s().migrationWarning('elsewhere', 'x');
    expect(s().migrationRuns.size).toBe(0);
    s().putMigrationRun(runInfo('m1'));
    for (let i = 0; i < 250; i++) s().migrationWarning('m1', `w${i}`);
    const w = s().migrationRuns.get('m1')!.warnings;
    expect(w).toHaveLength(200);
    expect(w.at(-1)).toBe('w249');
  });

  it('keeps the wizard draft across steps, and starts anew on reset', () => {
    s().reviseMigrationDraft({ source: { kind: 'sqlite', location: '/s.db' } });
    s().setWizardStep('source');
    expect(s().migrationDraft).toMatchObject({ step: 'source', source: { location: '/s.db' } });
    s().resetMigrationDraft();
    expect(s().migrationDraft).toMatchObject({ step: 'profile', source: { location: '' } });
  });
});
