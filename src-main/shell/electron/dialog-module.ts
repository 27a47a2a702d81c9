/**
 * The dialog.open / dialog.save channels as a service module of the Electron
 * shell: checks the request, picks the filters for its kind and shows the
 * native dialog on the window that asked. Electron itself comes in through
 * `show`, so the module is tested without it; with the module present,
 * app.info reports `capabilities.dialogs` (other shells answer UNAVAILABLE).
 */
import type { OpenDialogOptions, SaveDialogOptions } from 'electron';
import { ServiceError } from '../../../src-shared/ipc/contract';
import { dialogParamsProblem, type DialogParams } from '../../../src-shared/ipc/shell';
import type { ServiceModule } from '../../console/services';
import { chosenPath, openDialogOptions, saveDialogOptions } from './dialogs';

export interface DialogShow {
  /** Shows an open dialog on the window of this UI connection (rejects when the connection has no window). */
  open(clientId: number, options: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
  save(clientId: number, options: SaveDialogOptions): Promise<{ canceled: boolean; filePath?: string }>;
}

const checked = (p: unknown): DialogParams => {
  const problem = dialogParamsProblem(p);
  if (problem) throw new ServiceError('BAD_REQUEST', problem);
  return p as DialogParams;
};

export function dialogModule(show: DialogShow): ServiceModule {
  return {
    name: 'dialogs',
    handlers: {
      'dialog.open': async (p, client) => {
        const { kind, defaultPath } = checked(p);
        return { path: chosenPath(await show.open(client.id, openDialogOptions(kind, defaultPath))) };
      },
      'dialog.save': async (p, client) => {
        const { kind, defaultPath } = checked(p);
        return { path: chosenPath(await show.save(client.id, saveDialogOptions(kind, defaultPath))) };
      },
    },
  };
}
