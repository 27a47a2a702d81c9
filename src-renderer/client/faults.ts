/** The Faults view's requests. Errors come back to the form that asked. */
import type { Bridge, FaultPatch } from '../../src-shared/ipc/contract';
import type { Fault, FaultSpec } from '../../src-shared/faults';
import type { ConsoleStore } from '../store';

export class FaultsController {
  constructor(
    private readonly bridge: Bridge,
    private readonly store: ConsoleStore,
  ) {}

  async add(spec: FaultSpec): Promise<Fault> {
    const f = await this.bridge.invoke('faults.add', spec);
    this.store.getState().putFault(f);
    return f;
  }

  /** Switching a fault on or off shows at once (the checkbox follows the click); a refusal puts it back. */
  async update(id: string, patch: FaultPatch): Promise<Fault> {
    const before = this.store.getState().faults.get(id);
    if (before && patch.enabled !== undefined) this.store.getState().putFault({ ...before, enabled: patch.enabled });
    try {
      const f = await this.bridge.invoke('faults.update', { id, patch });
      this.store.getState().putFault(f);
      return f;
    } catch (e) {
      if (before) this.store.getState().putFault(before);
      throw e;
    }
  }

  async remove(id: string): Promise<void> {
    const res = await this.bridge.invoke('faults.remove', { id });
    if (res.removed) this.store.getState().dropFault(id);
  }
}
