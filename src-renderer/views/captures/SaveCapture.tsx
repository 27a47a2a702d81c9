/** Saves the live traffic (what the proxy still holds) or an opened capture to a file, as pcapng or NDJSON. */
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStore } from '../../store';
import { useClient } from '../../client/context';
import { LIVE, parseSourceKey, sourceKey } from '../../sources';

type Format = 'pcapng' | 'ndjson';

/** The format a path's extension names, if any. */
export const formatOfPath = (path: string): Format | null => (/\.(ndjson|jsonl)$/i.test(path.trim()) ? 'ndjson' : /\.pcapng$/i.test(path.trim()) ? 'pcapng' : null);

export function SaveCapture() {
  const client = useClient();
  const captures = useStore(useShallow((s) => [...s.captures.values()]));
  const running = useStore((s) => s.proxy?.running ?? false);
  const [from, setFrom] = useState(sourceKey(LIVE));
  const [format, setFormat] = useState<Format>('pcapng');
  const [path, setPath] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const save = async (): Promise<void> => {
    const ref = parseSourceKey(from) ?? LIVE;
    setBusy(true);
    setProblem(null);
    setResult(null);
    try {
      const r = await client.captures.save(path, ref, format);
      setResult(`saved ${r.records.toLocaleString()} messages of ${r.sessions} sessions to ${r.path}`);
    } catch (e) {
      setProblem((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="toolbar"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
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
      <select data-testid="capture-save-format" value={format} onChange={(e) => setFormat(e.target.value as Format)} aria-label="format">
        <option value="pcapng">pcapng (Wireshark)</option>
        <option value="ndjson">NDJSON (one message a line)</option>
      </select>
      <input
        className="input grow"
        data-testid="capture-save-path"
        placeholder={`/path/on/the/console/machine/saved.${format}`}
        value={path}
        onChange={(e) => {
          setPath(e.target.value);
          // Typing an extension picks the format, as save dialogs do.
          const f = formatOfPath(e.target.value);
          if (f) setFormat(f);
        }}
        aria-label="save to path"
        spellCheck={false}
      />
      <button type="submit" className="btn" data-testid="capture-save" disabled={busy || !path.trim()}>
        {busy ? 'Saving…' : 'Save'}
      </button>
      {result && <span data-testid="capture-save-result">{result}</span>}
      {problem && (
        <span className="error" role="alert" data-testid="capture-save-error">
          {problem}
        </span>
      )}
      <span className="muted wide-note">The live traffic saved is what the proxy still holds in memory; paths are on the machine running the console.</span>
    </form>
  );
}
