/** The Conflicts view's requests: the list narrowed by path prefix. */
import type { Bridge } from '../../src-shared/ipc/contract';
import type { ConsoleStore } from '../store';
import { sourceParam } from '../sources';

export class ConflictsController {
  private gen = 0;

  constructor(
    private readonly bridge: Bridge,
    private readonly store: ConsoleStore,
  ) {}

  async setPrefix(prefix: string): Promise<void> {
    this.store.getState().setConflictPrefix(prefix);
    await this.load();
  }

  async load(): Promise<void> {
    const gen = ++this.gen;
    const { conflictPrefix: prefix, source } = this.store.getState();
    try {
      const list = await this.bridge.invoke('conflicts.list', { ...(prefix ? { pathPrefix: prefix } : {}), ...sourceParam(source) });
      if (gen === this.gen) this.store.getState().setConflicts(list);
    } catch (e) {
      this.store.getState().addNotice({ level: 'error', text: `could not load conflicts: ${(e as Error).message}`, at: Date.now() });
    }
  }
}
