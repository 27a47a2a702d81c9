/**
 * Captures in the console: open one (a path on the machine running the
 * services, or a file sent from this browser), see what is open, show one in
 * Traffic, close it; and save the live traffic or a capture to a file.
 */
import { useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { CaptureInfo } from '../../../src-shared/ipc/contract';
import { formatBytes, formatClock } from '../../format';
import { useStore } from '../../store';
import { useClient } from '../../client/context';
import { openFiles } from '../../components/DropZone';
import { SaveCapture } from './SaveCapture';
import { PathForm, useHasDialogs } from '../../components/PathForm';

export function CapturesPanel() {
  const captures = useStore(useShallow((s) => [...s.captures.values()]));
  return (
    <section className="captures" data-testid="captures-panel" aria-label="captures">
      <OpenCapture />
      <Uploads />
      {captures.length > 0 && (
        <table className="table" data-testid="capture-list">
          <thead>
            <tr>
              <th>Capture</th>
              <th className="right">Messages</th>
              <th className="right">Sessions</th>
              <th>From – to</th>
              <th>Notes</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {captures.map((c) => (
              <CaptureRow key={c.id} c={c} />
            ))}
          </tbody>
        </table>
      )}
      <SaveCapture />
    </section>
  );
}

function OpenCapture() {
  const client = useClient();
  const hasDialogs = useHasDialogs();
  const [path, setPath] = useState('');
  const file = useRef<HTMLInputElement>(null);
  const open = async (p: string): Promise<void> => {
    const opened = (await client.captures.open(p)).id;
    setPath('');
    // Its sessions are listed below; Traffic, State and Conflicts now read it.
    await client.setSource({ capture: opened });
  };
  return (
    <PathForm
      value={path}
      onChange={setPath}
      onSubmit={open}
      browse={{ kind: 'capture', mode: 'open' }}
      label="capture path"
      placeholder="/path/on/the/console/machine/run.pcapng (or .ndjson)"
      submitLabel="Open"
      busyLabel="Opening…"
      primary
      testIds={{ input: 'capture-path', submit: 'capture-open', error: 'capture-open-error' }}
      leading={<strong>Open a capture</strong>}
      trailing={
        // With native dialogs Browse… opens the file where it is; a browser has to send it.
        hasDialogs ? (
          <span className="muted">(or drop one anywhere on the window)</span>
        ) : (
          <>
            <span className="muted">or</span>
            <button type="button" className="btn" onClick={() => file.current?.click()} title="sends the file from this browser to the console's services">
              Choose a file…
            </button>
            <input
              ref={file}
              type="file"
              hidden
              multiple
              accept=".pcapng,.ndjson,.jsonl,.json"
              data-testid="capture-file"
              onChange={(e) => {
                const files = [...(e.target.files ?? [])];
                e.target.value = '';
                if (files.length) void openFiles(client, files);
              }}
            />
            <span className="muted">(or drop one anywhere on the window)</span>
          </>
        )
      }
    />
  );
}

function Uploads() {
  const uploads = useStore((s) => s.uploads);
  if (uploads.length === 0) return null;
  return (
    <ul className="uploads" data-testid="capture-uploads">
      {uploads.map((u) => (
        <li key={u.id}>
          Sending {u.name}: {formatBytes(u.sent)} of {formatBytes(u.total)}
          <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={u.total ? Math.round((u.sent / u.total) * 100) : 0}>
            <div className="progress-bar" style={{ width: `${u.total ? (u.sent / u.total) * 100 : 0}%` }} />
          </div>
        </li>
      ))}
    </ul>
  );
}

function CaptureRow({ c }: { c: CaptureInfo }) {
  const client = useClient();
  const showing = useStore((s) => s.source !== 'live' && s.source.capture === c.id);
  const [problem, setProblem] = useState<string | null>(null);
  const notes = [c.truncated ? 'cut off at the end (the writer stopped): everything before is there' : '', ...c.warnings].filter(Boolean);
  return (
    <tr data-testid="capture-row" data-capture={c.id}>
      <td title={c.path}>
        <strong>{c.name}</strong> <span className="muted">{c.path !== c.name && c.path}</span>
      </td>
      <td className="right">{c.records.toLocaleString()}</td>
      <td className="right">{c.sessions}</td>
      <td>{c.start !== null && c.end !== null ? `${formatClock(c.start)} – ${formatClock(c.end)}` : '–'}</td>
      <td className="muted">{notes.join('; ') || (c.dialects.length ? c.dialects.join(', ') : '')}</td>
      <td className="right">
        <button
          type="button"
          className={`btn small${showing ? ' active' : ''}`}
          data-testid="capture-show"
          onClick={() => {
            void client.setSource({ capture: c.id });
            client.store.getState().setView('traffic');
          }}
        >
          Show traffic
        </button>{' '}
        <button type="button" className="btn small danger" data-testid="capture-close" onClick={() => client.captures.close(c.id).catch((e: Error) => setProblem(e.message))}>
          Close
        </button>
        {problem && <div className="error">{problem}</div>}
      </td>
    </tr>
  );
}
