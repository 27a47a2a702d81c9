/**
 * Replay: the capture opened, and each run started from this console with
 * its progress, the sessions reported so far, the end and the full report.
 */
import type { StateCreator } from 'zustand';
import type { ReplayDone, ReplayOpenResult, ReplayProgress, ReplayReport, ReplayStartParams, SessionReport } from '../../src-shared/ipc/replay';
import type { Store } from './index';

export interface ReplayRun {
  readonly runId: string;
  readonly params: ReplayStartParams;
  readonly progress: ReplayProgress | null;
  readonly sessions: readonly SessionReport[];
  readonly done: ReplayDone | null;
  readonly report: ReplayReport | null;
}

export interface ReplaySlice {
  replayCapture: ReplayOpenResult | null;
  replayRuns: ReadonlyMap<string, ReplayRun>;
  /** The run the view shows. */
  replayCurrent: string | null;
  setReplayCapture(c: ReplayOpenResult | null): void;
  replayStarted(runId: string, params: ReplayStartParams): void;
  replayProgress(p: ReplayProgress): void;
  replaySession(runId: string, s: SessionReport): void;
  replayDone(d: ReplayDone): void;
  setReplayReport(runId: string, r: ReplayReport): void;
}

/** Apply `change` to a run we know; events of runs started elsewhere (another window, the CLI) are not ours to show. */
const update = (s: ReplaySlice, runId: string, change: (r: ReplayRun) => ReplayRun): Partial<ReplaySlice> => {
  const run = s.replayRuns.get(runId);
  if (!run) return {};
  return { replayRuns: new Map(s.replayRuns).set(runId, change(run)) };
};

export const createReplaySlice: StateCreator<Store, [], [], ReplaySlice> = (set) => ({
  replayCapture: null,
  replayRuns: new Map(),
  replayCurrent: null,
  setReplayCapture: (replayCapture) => set({ replayCapture }),
  replayStarted: (runId, params) =>
    set((s) => ({ replayRuns: new Map(s.replayRuns).set(runId, { runId, params, progress: null, sessions: [], done: null, report: null }), replayCurrent: runId })),
  replayProgress: (p) => set((s) => update(s, p.runId, (r) => ({ ...r, progress: p }))),
  replaySession: (runId, session) =>
    set((s) =>
      update(s, runId, (r) => ({
        ...r,
        sessions: [...r.sessions.filter((x) => !(x.session === session.session && x.iteration === session.iteration)), session],
      })),
    ),
  replayDone: (d) => set((s) => update(s, d.runId, (r) => ({ ...r, done: d }))),
  setReplayReport: (runId, report) => set((s) => update(s, runId, (r) => ({ ...r, report }))),
});
