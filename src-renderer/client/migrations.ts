/**
 * The Migrations wizard's requests. Each step asks the services and records
 * the answer in the draft; a refusal goes back to the step that asked (a
 * wrong path or URL is the user's to fix, not a notice).
 */
import type { Bridge } from '../../src-shared/ipc/contract';
import type { ConnectionTest, MigrationRunInfo, RejectKind, RejectsPage, MigrationVerification } from '../../src-shared/ipc/migrate';
import type { ConsoleStore } from '../store';
import { endpointOf, requestOf, type MigrationDraft } from '../store/migration-draft';

export class MigrationsController {
  constructor(
    private readonly bridge: Bridge,
    private readonly store: ConsoleStore,
  ) {}

  private get draft(): MigrationDraft {
    return this.store.getState().migrationDraft;
  }

  async loadProfiles(): Promise<void> {
    const list = await this.bridge.invoke('migrate.profiles', undefined);
    const s = this.store.getState();
    s.setMigrationProfiles(list);
    // The draft's profile, when built in, is described without another request.
    const mine = list.find((p) => p.name === s.migrationDraft.profile);
    if (mine && !s.migrationDraft.profileInfo) s.reviseMigrationDraft({ profileInfo: mine });
  }

  /** A built-in profile by name, or a profile JSON file by path (checked by the services). */
  async chooseProfile(nameOrPath: string): Promise<void> {
    const builtin = this.store.getState().migrationProfiles.find((p) => p.name === nameOrPath);
    if (builtin) return this.store.getState().reviseMigrationDraft({ profile: builtin.name, profileInfo: builtin });
    this.store.getState().reviseMigrationDraft({ profile: nameOrPath, profileInfo: null });
    const info = await this.bridge.invoke('migrate.profile', { path: nameOrPath.trim() });
    // The path goes with the request: the services load the file again for each run.
    if (this.draft.profile === nameOrPath) this.store.getState().reviseMigrationDraft({ profileInfo: info });
  }

  async testConnection(role: 'source' | 'target'): Promise<ConnectionTest> {
    const asked = this.draft[role];
    const res = await this.bridge.invoke('migrate.testConnection', { endpoint: endpointOf(asked), role });
    // Only for the endpoint still in the field.
    if (this.draft[role] === asked) this.store.getState().reviseMigrationDraft(role === 'source' ? { sourceTest: res } : { targetTest: res });
    return res;
  }

  async plan(): Promise<void> {
    const asked = this.draft;
    const plan = await this.bridge.invoke('migrate.plan', requestOf(asked));
    if (this.draft === asked) this.store.getState().reviseMigrationDraft({ plan });
  }

  /**
   * Starts the dry run or the real one. `resume` continues the unfinished run
   * the plan found; `restart` discards it.
   */
  async start(kind: 'dry' | 'real', how: { resume?: boolean; restart?: boolean } = {}): Promise<string> {
    const d = this.draft;
    const started = await this.bridge.invoke('migrate.start', {
      ...requestOf(d),
      dryRun: kind === 'dry',
      batchSize: d.batchSize,
      ...(how.resume ? { resume: true } : {}),
      ...(how.restart ? { restart: true } : {}),
    });
    // Its events may already be arriving: the run's full status makes it known, and later events update it.
    await this.refresh(started.runId);
    this.store.getState().reviseMigrationDraft(kind === 'dry' ? { dryRunId: started.runId } : { runId: started.runId });
    this.store.getState().setWizardStep(kind === 'dry' ? 'dry-run' : 'run');
    return started.runId;
  }

  async refresh(runId: string): Promise<MigrationRunInfo> {
    const info = await this.bridge.invoke('migrate.status', { runId });
    this.store.getState().putMigrationRun(info);
    return info;
  }

  async control(runId: string, action: 'pause' | 'resume' | 'cancel'): Promise<void> {
    const channel = action === 'pause' ? 'migrate.pause' : action === 'resume' ? 'migrate.resume' : 'migrate.cancel';
    this.store.getState().putMigrationRun(await this.bridge.invoke(channel, { runId }));
  }

  /** Every run of this console: what a UI that connects late (or reloads) starts from. */
  async loadRuns(): Promise<void> {
    this.store.getState().setMigrationRuns(await this.bridge.invoke('migrate.runs', undefined));
  }

  rejects(runId: string, q: { offset: number; limit: number; table?: string; kind?: RejectKind; full?: boolean }): Promise<RejectsPage> {
    return this.bridge.invoke('migrate.rejects', { runId, ...q });
  }

  verify(runId: string): Promise<MigrationVerification> {
    return this.bridge.invoke('migrate.verify', { runId });
  }
}
