/** The State view's requests: the timeline, the tree at a version, the diff between any two. */
import type { Bridge } from '../../src-shared/ipc/contract';
import type { ConsoleStore } from '../store';
import { sameSource, sourceParam } from '../sources';

export class StateController {
  private treeGen = 0;
  private diffGen = 0;

  constructor(
    private readonly bridge: Bridge,
    private readonly store: ConsoleStore,
  ) {}

  async chooseSession(session: number | null): Promise<void> {
    this.store.getState().setStateSession(session);
    if (session !== null) await this.loadVersions(session);
  }

  async loadVersions(session: number): Promise<void> {
    const source = this.store.getState().source;
    try {
      const rows = await this.bridge.invoke('state.versions', { session, ...sourceParam(source) });
      if (sameSource(source, this.store.getState().source)) this.store.getState().setVersions(session, rows);
    } catch (e) {
      this.store.getState().addNotice({ level: 'error', text: `could not load the versions of session ${session}: ${(e as Error).message}`, at: Date.now() });
    }
  }

  /** A source switch (which empties the view) makes every answer in flight stale. */
  forget(): void {
    this.treeGen++;
    this.diffGen++;
  }

  /** Shows the tree at one version. */
  async view(version: number): Promise<void> {
    const { stateSession: session, source } = this.store.getState();
    if (session === null) return;
    const gen = ++this.treeGen;
    this.store.getState().setTree({ status: 'loading' });
    try {
      const res = await this.bridge.invoke('state.at', { session, version, ...sourceParam(source) });
      if (gen !== this.treeGen) return;
      this.store.getState().setTree(res ? { status: 'ok', value: res } : { status: 'error', message: `version ${version} is no longer held` });
    } catch (e) {
      if (gen === this.treeGen) this.store.getState().setTree({ status: 'error', message: (e as Error).message });
    }
  }

  /** Picks A or B; once both are picked, main computes the diff (it holds the states). */
  async pick(which: 'from' | 'to', version: number): Promise<void> {
    const s = this.store.getState();
    if (which === 'from') s.pickFrom(version);
    else s.pickTo(version);
    await this.diff();
  }

  async diff(): Promise<void> {
    const { stateSession: session, diffFrom: from, diffTo: to, source } = this.store.getState();
    if (session === null || from === null || to === null) return;
    const gen = ++this.diffGen;
    this.store.getState().setDiff({ status: 'loading' });
    try {
      const res = await this.bridge.invoke('state.diff', { session, from, to, ...sourceParam(source) });
      if (gen !== this.diffGen) return;
      this.store.getState().setDiff(res ? { status: 'ok', value: { from, to, ops: res.ops } } : { status: 'error', message: `versions ${from} and ${to} are not both held any more` });
    } catch (e) {
      if (gen === this.diffGen) this.store.getState().setDiff({ status: 'error', message: (e as Error).message });
    }
  }
}
