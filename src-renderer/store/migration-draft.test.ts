import { describe, expect, it } from 'vitest';
import { blockedAt, chosenOptions, emptyDraft, requestOf, reviseDraft, selectionProblem, selectTerms, type MigrationDraft } from './migration-draft';
import { connectionOk, plan, profileInfo } from '../test-support/admin-fixtures';

/** A draft that has reached the plan, with a dry run and a run made from it. */
const advanced = (): MigrationDraft => ({
  ...emptyDraft(),
  profileInfo: profileInfo(),
  source: { kind: 'sqlite', location: '/s.db' },
  target: { kind: 'sqlite', location: '/t.db' },
  sourceTest: connectionOk('sqlite:/s.db'),
  targetTest: connectionOk('sqlite:/t.db'),
  plan: plan(),
  dryRunId: 'm1',
  runId: 'm2',
});

describe('reviseDraft', () => {
  it('a new endpoint forgets its own test and everything planned, not the other endpoint', () => {
    const d = reviseDraft(advanced(), { target: { kind: 'sqlite', location: '/other.db' } });
    expect(d).toMatchObject({ targetTest: null, plan: null, dryRunId: null, runId: null });
    expect(d.sourceTest?.ok).toBe(true);
  });

  it('the same endpoint typed again (spaces aside) forgets nothing', () => {
    const d0 = advanced();
    const d = reviseDraft(d0, { source: { kind: 'sqlite', location: ' /s.db ' } });
    expect(d.sourceTest).toBe(d0.sourceTest);
    expect(d.plan).toBe(d0.plan);
  });

  it('a new profile forgets its options, selection and description unless given with it', () => {
    const d0 = { ...advanced(), options: { emptyEmail: 'placeholder' }, tables: ['players'], selectors: { guild: '1' }, conditions: 'players: level > 1' };
    const d = reviseDraft(d0, { profile: '/my/profile.json' });
    expect(d).toMatchObject({ options: {}, tables: [], selectors: {}, conditions: '', profileInfo: null, plan: null, dryRunId: null });
    expect(d.sourceTest).toBe(d0.sourceTest);
    const info = profileInfo({ name: 'mine' });
    expect(reviseDraft(d0, { profile: 'mine', profileInfo: info }).profileInfo).toBe(info);
  });

  it('anything that changes what the run reads or writes forgets the plan; batch size and recording a run do not', () => {
    for (const patch of [{ type: 'incremental' as const }, { tables: ['accounts'] }, { selectors: { guild: '2' } }, { conditions: 'x: 1' }, { options: { emptyEmail: 'placeholder' } }]) {
      expect(reviseDraft(advanced(), patch)).toMatchObject({ plan: null, dryRunId: null, runId: null });
    }
    // Batches only chunk the writes.
    expect(reviseDraft(advanced(), { batchSize: 10 })).toMatchObject({ batchSize: 10, plan: { rowsTotal: 10 }, dryRunId: 'm1' });
    const d0 = { ...advanced(), runId: null };
    expect(reviseDraft(d0, { runId: 'm9' })).toMatchObject({ plan: d0.plan, dryRunId: 'm1', runId: 'm9' });
    expect(reviseDraft(d0, { plan: plan({ rowsTotal: 5 }) }).plan!.rowsTotal).toBe(5);
  });
});

describe('the request the wizard sends', () => {
  it('spells selective terms as the services (and the CLI) read them', () => {
    expect(selectTerms({ tables: ['accounts', 'players'], selectors: { guild: ' 1, 2 3 ', account: '' }, conditions: 'players: level > 100\n\n  accounts: id < 5  ' })).toEqual([
      'tables=accounts,players',
      'guild=1,2,3',
      'players: level > 100',
      'accounts: id < 5',
    ]);
    expect(selectTerms({ tables: [], selectors: {}, conditions: '' })).toEqual([]);
  });

  it('sends options only where they differ from the profile defaults, and selections only for selective runs', () => {
    const d = { ...advanced(), options: { emptyEmail: 'reject', extra: 'x' }, tables: ['players'] };
    expect(chosenOptions(d)).toEqual({ extra: 'x' });
    expect(requestOf(d)).toEqual({ profile: 'tfs-canary', source: { kind: 'sqlite', path: '/s.db' }, target: { kind: 'sqlite', path: '/t.db' }, type: 'full', options: { extra: 'x' } });
    expect(requestOf({ ...d, type: 'selective', options: {} })).toMatchObject({ type: 'selective', select: ['tables=players'] });
    expect(requestOf({ ...d, options: {}, target: { kind: 'mysql', location: ' mysql://u:p@127.0.0.1/canary ' } }).target).toEqual({ kind: 'mysql', url: 'mysql://u:p@127.0.0.1/canary' });
  });

  it('catches an empty selection and a malformed condition before asking', () => {
    const d = { ...advanced(), type: 'selective' as const };
    expect(selectionProblem(d)).toMatch(/needs something selected/);
    expect(selectionProblem({ ...d, conditions: 'level > 100' })).toMatch(/table: SQL condition/);
    expect(selectionProblem({ ...d, conditions: 'players: level > 100' })).toBeNull();
    expect(selectionProblem({ ...d, type: 'full' })).toBeNull();
  });
});

describe('blockedAt', () => {
  it('opens each step only once the one before it is done', () => {
    const d = emptyDraft();
    expect(blockedAt(d, 'profile')).toBeNull();
    expect(blockedAt(d, 'source')).toMatch(/profile/);
    const withProfile = { ...d, profileInfo: profileInfo() };
    expect(blockedAt(withProfile, 'source')).toBeNull();
    expect(blockedAt(withProfile, 'target')).toMatch(/source connection/);
    expect(blockedAt({ ...withProfile, sourceTest: { ok: false, label: null, problem: 'NOT_FOUND', reason: 'no such file' } }, 'target')).toMatch(/source connection/);
    const tested = { ...withProfile, sourceTest: connectionOk('a'), targetTest: connectionOk('b') };
    expect(blockedAt(tested, 'type')).toBeNull();
    expect(blockedAt(tested, 'dry-run')).toMatch(/check the plan/);
    expect(blockedAt({ ...tested, plan: plan({ errors: ['no table players in the target'] }) }, 'dry-run')).toMatch(/errors/);
    const planned = { ...tested, plan: plan() };
    expect(blockedAt(planned, 'dry-run')).toBeNull();
    expect(blockedAt(planned, 'run')).toMatch(/dry run/);
    expect(blockedAt({ ...planned, dryRunId: 'm1' }, 'run')).toBeNull();
    // An unfinished run in the checkpoint can be resumed without a dry run.
    expect(blockedAt({ ...planned, plan: plan({ checkpoint: { ...plan().checkpoint, unfinished: true } }) }, 'run')).toBeNull();
  });
});
