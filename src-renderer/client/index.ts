/**
 * Everything the views ask of the services, over one Bridge and one store.
 * `connect()` runs on every (re)connection: listeners first, then the
 * snapshots, so nothing pushed in between is lost (docs/architecture.md).
 */
import type { Bridge, SourceRef } from '../../src-shared/ipc/contract';
import type { ConsoleStore } from '../store';
import { perFrame, type Schedule } from './frame';
import { LiveUpdates } from './live';
import { TrafficController } from './traffic';
import { StateController } from './state';
import { FaultsController } from './faults';
import { ConflictsController } from './conflicts';
import { ReplayController } from './replay';
import { CapturesController } from './captures';
import { MigrationsController } from './migrations';
import { ConfigController } from './config';
import { AuditController } from './audit';
import { DialogsController } from './dialogs';
import { MenuCommands } from './menu';
import { sameSource } from '../sources';

export interface ClientOptions {
  readonly schedule?: Schedule;
  /** Rows waiting for the next frame beyond this are dropped oldest first. */
  readonly maxPendingRows?: number;
}

export class ConsoleClient {
  readonly live: LiveUpdates;
  readonly traffic: TrafficController;
  readonly state: StateController;
  readonly faults: FaultsController;
  readonly conflicts: ConflictsController;
  readonly replay: ReplayController;
  readonly captures: CapturesController;
  readonly migrations: MigrationsController;
  readonly config: ConfigController;
  readonly audit: AuditController;
  readonly dialogs: DialogsController;
  readonly menu: MenuCommands;
  private detach: (() => void) | null = null;
  private detachMenu: (() => void) | null = null;
  /** Migration runs whose status is being fetched (events of an unknown run come ten a second). */
  private readonly fetchingRuns = new Set<string>();

  constructor(
    readonly bridge: Bridge,
    readonly store: ConsoleStore,
    options: ClientOptions = {},
  ) {
    this.live = new LiveUpdates(store, options.schedule ?? perFrame, options.maxPendingRows ?? 200_000);
    this.traffic = new TrafficController(bridge, store, this.live);
    this.state = new StateController(bridge, store);
    this.faults = new FaultsController(bridge, store);
    this.conflicts = new ConflictsController(bridge, store);
    this.replay = new ReplayController(bridge, store);
    this.captures = new CapturesController(bridge, store);
    this.migrations = new MigrationsController(bridge, store);
    this.config = new ConfigController(bridge, store);
    this.audit = new AuditController(bridge, store);
    this.dialogs = new DialogsController(bridge);
    this.menu = new MenuCommands(this);
    // The events of a replay run arrive from the services; its report is fetched when it ends.
    this.live.onReplayDone = (runId) => void this.replay.loadReport(runId);
    this.live.onCapturesChanged = (list) => void this.capturesChanged(list.map((c) => c.id));
    this.live.onUnknownMigration = (runId) => this.fetchRun(runId);
    this.live.onAuditAppended = (lines) => this.audit.onAppended(lines);
  }

  /** Listens to pushed events (once) and loads every snapshot; call again after a reconnect. */
  async connect(): Promise<void> {
    this.detach ??= this.live.attach(this.bridge);
    // The native menu's commands (Electron): one listener, one handler.
    this.detachMenu ??= this.bridge.on('menu.command', (c) => void this.menu.run(c));
    const s = this.store.getState();
    const fail = (what: string) => (e: unknown) => {
      this.store.getState().addNotice({ level: 'error', text: `could not load ${what}: ${(e as Error).message}`, at: Date.now() });
    };
    const info = this.bridge.invoke('app.info', undefined).then(
      (i) => this.store.getState().setInfo(i),
      (e: Error) => this.store.getState().setError(`could not reach the console's services: ${e.message}`),
    );
    await Promise.all([
      info,
      this.bridge.invoke('proxy.status', undefined).then((p) => this.store.getState().setProxy(p), fail('the proxy status')),
      this.bridge.invoke('sessions.list', undefined).then((l) => {
        this.live.dropQueued('sessions');
        this.store.getState().setSessions(l);
      }, fail('sessions')),
      this.bridge.invoke('faults.list', undefined).then((l) => {
        this.live.dropQueued('faults');
        this.store.getState().setFaults(l);
      }, fail('faults')),
      this.bridge.invoke('metrics.snapshot', undefined).then((m) => this.store.getState().addMetrics([m]), fail('metrics')),
      this.captures.list().then(() => this.capturesChanged([...this.store.getState().captures.keys()], false), fail('the open captures')),
      // A console built without the migrations module answers UNAVAILABLE: its view says so when opened.
      this.migrations.loadRuns().catch((e: { code?: string }) => e.code === 'UNAVAILABLE' || fail('migration runs')(e)),
      this.conflicts.load(),
      this.traffic.subscribe(s.filterApplied),
      s.stateSession !== null ? this.state.loadVersions(s.stateSession) : Promise.resolve(),
    ]);
  }

  /**
   * Captures opened or closed: their sessions join or leave the Sessions list
   * (main pushes sessions.changed for the live proxy only), and a source that
   * was closed gives way to the live proxy.
   */
  private async capturesChanged(open: readonly number[], reloadSessions = true): Promise<void> {
    const src = this.store.getState().source;
    if (src !== 'live' && !open.includes(src.capture)) await this.setSource('live');
    if (!reloadSessions) return;
    try {
      const list = await this.bridge.invoke('sessions.list', undefined);
      this.live.dropQueued('sessions');
      this.store.getState().setSessions(list);
    } catch (e) {
      this.store.getState().addNotice({ level: 'error', text: `could not load sessions: ${(e as Error).message}`, at: Date.now() });
    }
  }

  private fetchRun(runId: string): void {
    if (this.fetchingRuns.has(runId)) return;
    this.fetchingRuns.add(runId);
    void this.migrations
      .refresh(runId)
      .catch(() => undefined)
      .finally(() => this.fetchingRuns.delete(runId));
  }

  /**
   * Switches Traffic, State and Conflicts to another source (the live proxy
   * or an opened capture), optionally narrowed to one of its sessions.
   */
  async setSource(ref: SourceRef, session: number | null = null): Promise<void> {
    const s = this.store.getState();
    if (sameSource(s.source, ref)) {
      if (session !== s.scopeSession) await this.setScope(session);
      return;
    }
    this.state.forget();
    s.setSource(ref);
    if (session !== null) s.setScope(session);
    const now = this.store.getState();
    await Promise.all([
      this.traffic.subscribe(now.filterApplied),
      this.conflicts.load(),
      session !== null ? this.state.chooseSession(session) : Promise.resolve(),
    ]);
  }

  /** The session picked in Sessions: Traffic restarts narrowed to it; State follows. */
  async setScope(session: number | null): Promise<void> {
    const s = this.store.getState();
    s.setScope(session);
    await Promise.all([this.traffic.subscribe(s.filterApplied), session !== null ? this.state.chooseSession(session) : Promise.resolve()]);
  }

  dispose(): void {
    this.detach?.();
    this.detach = null;
    this.detachMenu?.();
    this.detachMenu = null;
    this.traffic.dispose();
  }
}
