/** Saves the live traffic (what the proxy still holds) or an opened capture to a file, as pcapng or NDJSON. */
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStore } from '../../store';
import { useClient } from '../../client/context';
import { LIVE, parseSourceKey, sourceKey } from '../../sources';
import { formatOfPath, type CaptureFormat } from '../../../src-shared/capture-format';
import { PathForm } from '../../components/PathForm';

export { formatOfPath };

export function SaveCapture() {
  const client = useClient();
  const captures = useStore(useShallow((s) => [...s.captures.values()]));
  const running = useStore((s) => s.proxy?.running ?? false);
  const [from, setFrom] = useState(sourceKey(LIVE));
  const [format, setFormat] = useState<CaptureFormat>('pcapng');
  const [path, setPath] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const save = async (to: string): Promise<void> => {
    setResult(null);
    const r = await client.captures.save(to, parseSourceKey(from) ?? LIVE, format);
    setResult(`saved ${r.records.toLocaleString()} messages of ${r.sessions} sessions to ${r.path}`);
  };
  return (
    <PathForm
      value={path}
      onChange={(p) => {
        setPath(p);
        // Typing an extension (or choosing one in the dialog) picks the format, as save dialogs do.
        const f = formatOfPath(p);
        if (f) setFormat(f);
      }}
      onSubmit={save}
      browse={{ kind: 'capture', mode: 'save' }}
      label="save to path"
      placeholder={`/path/on/the/console/machine/saved.${format}`}
      submitLabel="Save"
      busyLabel="Saving…"
      testIds={{ input: 'capture-save-path', submit: 'capture-save', error: 'capture-save-error' }}
      leading={
        <>
          <strong>Save</strong>
          <select data-testid="capture-save-source" value={from} onChange={(e) => setFrom(e.target.value)} aria-label="what to save">
            <option value={sourceKey(LIVE)} disabled={!running}>
              the live traffic{running ? '' : ' (no proxy running)'}
            </option>
            {captures.map((c) => (
              <option key={c.id} value={sourceKey({ capture: c.id })}>
                capture {c.name}
              </option>
            ))}
          </select>
          <select data-testid="capture-save-format" value={format} onChange={(e) => setFormat(e.target.value as CaptureFormat)} aria-label="format">
            <option value="pcapng">pcapng (Wireshark)</option>
            <option value="ndjson">NDJSON (one message a line)</option>
          </select>
        </>
      }
      trailing={
        <>
          {result && <span data-testid="capture-save-result">{result}</span>}
          <span className="muted wide-note">The live traffic saved is what the proxy still holds in memory; paths are on the machine running the console.</span>
        </>
      }
    />
  );
}
