/**
 * Native file dialogs, where the shell has them (app.info's
 * capabilities.dialogs: the Electron shell). The web shell has none — a
 * browser cannot hand the services a path — and its forms take typed paths
 * and dropped files instead. Whether there are dialogs is app.info's
 * capabilities.dialogs (components/PathForm's useHasDialogs), never a guess.
 */
import type { Bridge } from '../../src-shared/ipc/contract';
import type { DialogKind } from '../../src-shared/ipc/shell';

export type DialogMode = 'open' | 'save';

export class DialogsController {
  constructor(private readonly bridge: Bridge) {}

  /** The path chosen, or null when the user cancelled. Starts where `current` points, when it names a path. */
  async pick(kind: DialogKind, mode: DialogMode, current = ''): Promise<string | null> {
    const start = current.trim();
    const { path } = await this.bridge.invoke(mode === 'open' ? 'dialog.open' : 'dialog.save', { kind, ...(start ? { defaultPath: start } : {}) });
    return path;
  }
}
