/** The Replay view's requests: open a capture, start / cancel a run, fetch and export its report. */
import type { Bridge } from '../../src-shared/ipc/contract';
import type { ReplayStartParams } from '../../src-shared/ipc/replay';
import type { ConsoleStore } from '../store';

export class ReplayController {
  constructor(
    private readonly bridge: Bridge,
    private readonly store: ConsoleStore,
  ) {}

  /** Errors go back to the form (a wrong path is the user's to fix, not a notice). */
  async open(path: string): Promise<void> {
    const res = await this.bridge.invoke('replay.open', { path });
    this.store.getState().setReplayCapture(res);
  }

  async start(params: ReplayStartParams): Promise<string> {
    const { runId } = await this.bridge.invoke('replay.start', params);
    // Events may already be on their way: the run is known from here on.
    this.store.getState().replayStarted(runId, params);
    return runId;
  }

  async cancel(runId: string): Promise<boolean> {
    return (await this.bridge.invoke('replay.cancel', { runId })).cancelled;
  }

  /** Called on 'replay.done': the full report (every session, diffs) is fetched once. */
  async loadReport(runId: string): Promise<void> {
    const s = this.store.getState();
    if (!s.replayRuns.has(runId)) return;
    try {
      const report = await this.bridge.invoke('replay.report', { runId });
      if (report) this.store.getState().setReplayReport(runId, report);
    } catch (e) {
      this.store.getState().addNotice({ level: 'error', text: `could not load the replay report: ${(e as Error).message}`, at: Date.now() });
    }
  }

  async export(runId: string, format: 'json' | 'junit', path: string): Promise<{ path: string; bytes: number }> {
    return this.bridge.invoke('replay.export', { runId, format, path });
  }
}
