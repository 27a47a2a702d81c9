/**
 * Migrations: the built-in profiles, the wizard's draft (kept here so it
 * survives a trip to another view), and every run of this console with its
 * progress, tables, warnings, end and verification as the events tell them.
 */
import type { StateCreator } from 'zustand';
import type { MigrationDone, MigrationProfileInfo, MigrationProgress, MigrationRunInfo, MigrationRunState, MigrationTableStatus } from '../../src-shared/ipc/migrate';
import { emptyDraft, reviseDraft, type DraftPatch, type MigrationDraft, type WizardStep } from './migration-draft';
import type { Store } from './index';

export const FINISHED: ReadonlySet<MigrationRunState> = new Set(['completed', 'cancelled', 'failed']);

/** Warnings kept per run: a run over a bad source can warn on every batch. */
const MAX_WARNINGS = 200;

export interface MigrationsSlice {
  migrationProfiles: readonly MigrationProfileInfo[];
  migrationDraft: MigrationDraft;
  migrationRuns: ReadonlyMap<string, MigrationRunInfo>;
  setMigrationProfiles(list: readonly MigrationProfileInfo[]): void;
  reviseMigrationDraft(patch: DraftPatch): void;
  setWizardStep(step: WizardStep): void;
  resetMigrationDraft(): void;
  setMigrationRuns(list: readonly MigrationRunInfo[]): void;
  putMigrationRun(run: MigrationRunInfo): void;
  migrationProgress(p: MigrationProgress): void;
  migrationTable(runId: string, t: MigrationTableStatus): void;
  migrationWarning(runId: string, message: string): void;
  migrationDone(d: MigrationDone): void;
}

/** Changes a run we know; events of a run not loaded yet are covered by the status the client fetches for it. */
const update = (s: MigrationsSlice, runId: string, change: (r: MigrationRunInfo) => MigrationRunInfo): Partial<MigrationsSlice> => {
  const run = s.migrationRuns.get(runId);
  if (!run) return {};
  return { migrationRuns: new Map(s.migrationRuns).set(runId, change(run)) };
};

export const createMigrationsSlice: StateCreator<Store, [], [], MigrationsSlice> = (set) => ({
  migrationProfiles: [],
  migrationDraft: emptyDraft(),
  migrationRuns: new Map(),
  setMigrationProfiles: (migrationProfiles) => set({ migrationProfiles }),
  reviseMigrationDraft: (patch) => set((s) => ({ migrationDraft: reviseDraft(s.migrationDraft, patch) })),
  setWizardStep: (step) => set((s) => ({ migrationDraft: { ...s.migrationDraft, step } })),
  resetMigrationDraft: () => set({ migrationDraft: emptyDraft() }),
  setMigrationRuns: (list) => set({ migrationRuns: new Map(list.map((r) => [r.runId, r])) }),
  putMigrationRun: (run) =>
    set((s) => {
      const have = s.migrationRuns.get(run.runId);
      // A status fetched before the run's end must not undo the end that arrived meanwhile.
      if (have && FINISHED.has(have.state) && !FINISHED.has(run.state)) return {};
      return { migrationRuns: new Map(s.migrationRuns).set(run.runId, run) };
    }),
  migrationProgress: (p) =>
    set((s) =>
      update(s, p.runId, (r) => (FINISHED.has(r.state) ? r : { ...r, state: p.state, progress: p })),
    ),
  migrationTable: (runId, t) =>
    set((s) =>
      update(s, runId, (r) => {
        const i = r.tables.findIndex((x) => x.source === t.source);
        return { ...r, tables: i < 0 ? [...r.tables, t] : r.tables.map((x, j) => (j === i ? t : x)) };
      }),
    ),
  migrationWarning: (runId, message) => set((s) => update(s, runId, (r) => ({ ...r, warnings: [...r.warnings, message].slice(-MAX_WARNINGS) }))),
  migrationDone: (d) =>
    set((s) =>
      update(s, d.runId, (r) => ({
        ...r,
        state: d.state,
        progress: { ...r.progress, state: d.state, etaSeconds: d.state === 'completed' ? 0 : r.progress.etaSeconds },
        summary: d.summary,
        verification: d.verification,
        verificationError: d.verificationError,
        error: d.error,
        finishedAt: r.finishedAt ?? Date.now(),
      })),
    ),
});
