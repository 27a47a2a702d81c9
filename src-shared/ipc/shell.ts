/**
 * What a shell offers beyond the services: the console's views (so the
 * Electron menu lists them in the renderer's order), the commands a native
 * menu sends to the renderer, and file dialogs. Pure: the Electron main
 * process, the services and the renderer all import it.
 */

/** The console's views, in the order of the navigation (Alt+1 … Alt+0) and of the View menu (Ctrl/Cmd+1 … 9). */
export const CONSOLE_VIEWS = ['sessions', 'traffic', 'state', 'conflicts', 'metrics', 'faults', 'replay', 'migrations', 'config', 'audit'] as const;
export type ConsoleView = (typeof CONSOLE_VIEWS)[number];

export const VIEW_TITLES: Readonly<Record<ConsoleView, string>> = {
  sessions: 'Sessions',
  traffic: 'Traffic',
  state: 'State',
  conflicts: 'Conflicts',
  metrics: 'Metrics',
  faults: 'Faults',
  replay: 'Replay',
  migrations: 'Migrations',
  config: 'Config',
  audit: 'Audit log',
};

export const isConsoleView = (v: unknown): v is ConsoleView => typeof v === 'string' && (CONSOLE_VIEWS as readonly string[]).includes(v);

/** What a file dialog is for: it picks the filters and the title (report: a replay report, JUnit XML or JSON). */
export const DIALOG_KINDS = ['capture', 'database', 'config', 'report'] as const;
export type DialogKind = (typeof DIALOG_KINDS)[number];
export const isDialogKind = (k: unknown): k is DialogKind => typeof k === 'string' && (DIALOG_KINDS as readonly string[]).includes(k);

export interface DialogParams {
  readonly kind: DialogKind;
  /** Where the dialog starts (a folder, or a file name for a save dialog). */
  readonly defaultPath?: string;
}

/** The path chosen, or null when the user cancelled. */
export interface DialogResult {
  readonly path: string | null;
}

/** What this shell can do besides the services (app.info). Absent: nothing extra. */
export interface ShellCapabilities {
  /** Native open/save dialogs (dialog.open, dialog.save): the Electron shell. A browser cannot hand the services a path. */
  readonly dialogs: boolean;
}

/**
 * A native menu's command for the renderer (event `menu.command`), sent
 * only to the app's own window. File commands carry the path the dialog
 * returned: the dialog itself runs in main.
 */
export type MenuCommand =
  | { readonly kind: 'view'; readonly view: ConsoleView }
  | { readonly kind: 'toggle-theme' }
  | { readonly kind: 'open-capture'; readonly path: string }
  | { readonly kind: 'save-capture'; readonly path: string }
  | { readonly kind: 'open-config'; readonly path: string }
  | { readonly kind: 'open-database'; readonly path: string };

export type MenuCommandKind = MenuCommand['kind'];

/** Longest path a command or a dialog request may carry (PATH_MAX on Linux is 4096; Windows' long paths 32767). */
export const MAX_PATH_LENGTH = 32_767;

const isPath = (p: unknown): p is string => typeof p === 'string' && p.length > 0 && p.length <= MAX_PATH_LENGTH && !p.includes('\0');

/** Checks a command from the wire: the renderer acts only on well-formed ones. */
export function isMenuCommand(x: unknown): x is MenuCommand {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const c = x as Record<string, unknown>;
  switch (c.kind) {
    case 'view':
      return isConsoleView(c.view);
    case 'toggle-theme':
      return true;
    case 'open-capture':
    case 'save-capture':
    case 'open-config':
    case 'open-database':
      return isPath(c.path);
    default:
      return false;
  }
}

/** Checks dialog.open / dialog.save parameters; returns why not, or null when they are fine. */
export function dialogParamsProblem(p: unknown): string | null {
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return 'dialog parameters must be an object {kind, defaultPath?}';
  const { kind, defaultPath } = p as Record<string, unknown>;
  if (!isDialogKind(kind)) return `dialog kind must be one of ${DIALOG_KINDS.join(', ')}`;
  if (defaultPath !== undefined && !isPath(defaultPath)) return `defaultPath must be a path of at most ${MAX_PATH_LENGTH} characters`;
  return null;
}
