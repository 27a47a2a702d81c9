/**
 * The one form for "a path on the console's machine, then do something with
 * it": a typed path field, the submit button, the error inline, and —
 * only when the shell has native dialogs (app.info's capabilities.dialogs,
 * the Electron shell) — a Browse… button that fills the field from a dialog.
 * In the browser the path is typed (a browser cannot hand the services a
 * path); dropping a capture on the window is the other way in.
 */
import { useState, type ReactNode } from 'react';
import type { DialogKind } from '../../src-shared/ipc/shell';
import { useStore } from '../store';
import { useClient } from '../client/context';
import type { DialogMode } from '../client/dialogs';

export interface PathFormTestIds {
  /** The path field (kept as the e2e specs know it). */
  readonly input: string;
  readonly submit: string;
  /** The inline error (default `${input}-error`). */
  readonly error?: string;
  /** The Browse… button (default `${input}-browse`). */
  readonly browse?: string;
}

export interface PathFormProps {
  readonly value: string;
  onChange(path: string): void;
  /** What the form does with the path; a rejection's message is shown inline. */
  onSubmit(path: string): Promise<void>;
  /** The dialog Browse… opens; none: no Browse… (e.g. a MySQL URL in the same field). */
  readonly browse?: { readonly kind: DialogKind; readonly mode: DialogMode } | null;
  /** The field's accessible name. */
  readonly label: string;
  readonly placeholder?: string;
  readonly submitLabel: string;
  readonly busyLabel: string;
  readonly testIds: PathFormTestIds;
  /** Submit as the page's main action (highlighted). */
  readonly primary?: boolean;
  /** Submit not possible yet for another reason (e.g. profiles still loading). */
  readonly disabled?: boolean;
  /** A problem from outside the submit (e.g. the services could not be reached), shown in the same place. */
  readonly problem?: string | null;
  /** Controls before the field (a format or a kind to choose). */
  readonly leading?: ReactNode;
  /** Things after the button on the same row (another way in, a result). */
  readonly trailing?: ReactNode;
  /** Fields below the row that belong to the same form (Enter in them submits too). */
  readonly children?: ReactNode;
  /** The form's class: its row is a toolbar either way. */
  readonly className?: string;
}

/** Whether this shell offers native dialogs: what app.info said, never a guess. */
export const useHasDialogs = (): boolean => useStore((s) => s.info?.capabilities?.dialogs === true);

export function PathForm(p: PathFormProps) {
  const client = useClient();
  const hasDialogs = useHasDialogs();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const shown = error ?? p.problem ?? null;

  const submit = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await p.onSubmit(p.value.trim());
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const browse = async (): Promise<void> => {
    if (!p.browse) return;
    setError(null);
    try {
      const chosen = await client.dialogs.pick(p.browse.kind, p.browse.mode, p.value);
      if (chosen !== null) p.onChange(chosen);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return <PathFormLayout {...p} hasDialogs={hasDialogs} busy={busy} problem={shown} onBrowse={() => void browse()} onSubmitPath={() => void submit()} />;
}

export interface PathFormLayoutProps extends PathFormProps {
  readonly hasDialogs: boolean;
  readonly busy: boolean;
  onBrowse(): void;
  onSubmitPath(): void;
}

/** What PathForm draws, given its state (rendered on its own in the tests). */
export function PathFormLayout(p: PathFormLayoutProps) {
  const row = (
    <>
      {p.leading}
      <input className="input grow" data-testid={p.testIds.input} aria-label={p.label} placeholder={p.placeholder} value={p.value} onChange={(e) => p.onChange(e.target.value)} spellCheck={false} autoComplete="off" />
      {p.hasDialogs && p.browse && (
        <button type="button" className="btn" data-testid={p.testIds.browse ?? `${p.testIds.input}-browse`} onClick={p.onBrowse} title={p.browse.mode === 'save' ? 'choose where to save' : 'choose a file'}>
          Browse…
        </button>
      )}
      <button type="submit" className={p.primary ? 'btn primary' : 'btn'} data-testid={p.testIds.submit} disabled={p.busy || p.disabled === true || !p.value.trim()}>
        {p.busy ? p.busyLabel : p.submitLabel}
      </button>
      {p.trailing}
      {p.problem && (
        <span className="error" role="alert" data-testid={p.testIds.error ?? `${p.testIds.input}-error`}>
          {p.problem}
        </span>
      )}
    </>
  );

  return (
    <form
      className={p.children ? p.className : (p.className ?? 'toolbar')}
      onSubmit={(e) => {
        e.preventDefault();
        p.onSubmitPath();
      }}
    >
      {p.children ? (
        <>
          <div className="toolbar">{row}</div>
          {p.children}
        </>
      ) : (
        row
      )}
    </form>
  );
}
