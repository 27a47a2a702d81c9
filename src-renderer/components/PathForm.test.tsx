/**
 * PathForm rendered to HTML in Node (no DOM here): the field, the button and
 * the error keep the test ids the e2e specs use, and Browse… is drawn only
 * when the shell has dialogs. Server rendering reads the store's initial
 * state (no app.info yet: no dialogs); the layout is rendered with each
 * answer. What submit and Browse… do is in client/menu.test.ts (dialogs) and
 * the e2e specs.
 */
import { describe, expect, it } from 'vitest';
import { renderToString } from 'react-dom/server';
import { PathForm, PathFormLayout, type PathFormProps } from './PathForm';
import { ClientContext } from '../client/context';
import { ConsoleClient } from '../client';
import { store } from '../store';
import { FakeBridge } from '../test-support/fake-bridge';

const client = new ConsoleClient(new FakeBridge(), store, { schedule: () => undefined });

function render(over: Partial<PathFormProps> = {}, hasDialogs?: boolean): string {
  const props: PathFormProps = {
    value: '/tmp/run.pcapng',
    onChange: () => undefined,
    onSubmit: async () => undefined,
    browse: { kind: 'capture', mode: 'open' },
    label: 'capture path',
    submitLabel: 'Open',
    busyLabel: 'Opening…',
    testIds: { input: 'capture-path', submit: 'capture-open', error: 'capture-open-error' },
    ...over,
  };
  if (hasDialogs !== undefined) return renderToString(<PathFormLayout {...props} hasDialogs={hasDialogs} busy={false} problem={props.problem ?? null} onBrowse={() => undefined} onSubmitPath={() => undefined} />);
  return renderToString(
    <ClientContext.Provider value={client}>
      <PathForm {...props} />
    </ClientContext.Provider>,
  );
}

describe('PathForm', () => {
  it('draws the path field and the submit button with their test ids and labels', () => {
    const html = render({ placeholder: '/path/run.pcapng', primary: true });
    expect(html).toMatch(/<input[^>]*data-testid="capture-path"[^>]*aria-label="capture path"[^>]*placeholder="\/path\/run.pcapng"[^>]*value="\/tmp\/run.pcapng"/);
    expect(html).toMatch(/<button type="submit" class="btn primary" data-testid="capture-open">Open<\/button>/);
    expect(html).toMatch(/^<form class="toolbar"/);
  });

  it('has no Browse… until the services say the shell has dialogs', () => {
    expect(store.getState().info).toBeNull();
    expect(render()).not.toContain('Browse…');
    expect(render({}, false)).not.toContain('Browse…');
  });

  it('has Browse… when the shell has dialogs, and only where a dialog kind is given', () => {
    expect(render({}, true)).toMatch(/<button type="button" class="btn" data-testid="capture-path-browse" title="choose a file">Browse…<\/button>/);
    expect(render({ browse: { kind: 'capture', mode: 'save' }, testIds: { input: 'p', submit: 's', browse: 'b' } }, true)).toMatch(/data-testid="b" title="choose where to save"/);
    // e.g. a MySQL URL typed in the same field: nothing to browse.
    expect(render({ browse: null }, true)).not.toContain('Browse…');
  });

  it('shows busy while submitting, with the button disabled', () => {
    const html = renderToString(<PathFormLayout value="/x" onChange={() => undefined} onSubmit={async () => undefined} label="l" submitLabel="Open" busyLabel="Opening…" testIds={{ input: 'i', submit: 's' }} hasDialogs busy problem={null} onBrowse={() => undefined} onSubmitPath={() => undefined} />);
    expect(html).toMatch(/data-testid="s" disabled="">Opening…</);
  });

  it('cannot submit an empty path, nor while told not to', () => {
    expect(render({ value: '   ' })).toMatch(/data-testid="capture-open" disabled=""/);
    expect(render({ disabled: true })).toMatch(/data-testid="capture-open" disabled=""/);
    expect(render()).not.toMatch(/data-testid="capture-open" disabled/);
  });

  it('shows a problem from outside inline, as an alert with the error test id', () => {
    const html = render({ problem: 'the config services cannot be reached: closed' });
    expect(html).toMatch(/<span class="error" role="alert" data-testid="capture-open-error">the config services cannot be reached: closed<\/span>/);
    expect(render({ testIds: { input: 'x', submit: 'y' }, problem: 'p' })).toContain('data-testid="x-error"');
  });

  it('puts leading controls before the field, trailing after the button, and fields below the row in the same form', () => {
    const html = render({ leading: <select data-testid="lead" />, trailing: <span data-testid="trail" />, children: <label data-testid="below" />, className: 'config-form' });
    expect(html).toMatch(/^<form class="config-form"><div class="toolbar"><select data-testid="lead"><\/select><input.*data-testid="capture-open".*<span data-testid="trail"><\/span><\/div><label data-testid="below"><\/label><\/form>$/);
  });
});
