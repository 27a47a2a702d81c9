/** The Faults view's requests. Errors come back to the form that asked. */
import type { Bridge } from '../../src-shared/ipc/contract';
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

  async update(id: string, patch: Partial<FaultSpec> & { enabled?: boolean }): Promise<Fault> {
    const f = await this.bridge.invoke('faults.update', { id, patch });
    this.store.getState().putFault(f);
    return f;
  }

  async remove(id: string): Promise<void> {
    const res = await this.bridge.invoke('faults.remove', { id });
    if (res.removed) this.store.getState().dropFault(id);
  }
}
