/**
 * Replay: open a capture, choose its sessions, the server to replay against,
 * speed and ignore rules; run it with progress; read the verdicts and the
 * differences; export the report as JSON or JUnit.
 */
import { useState } from 'react';
import type { ReplayVerdict } from '../../src-shared/ipc/replay';
import { EmptyState } from '../components/EmptyState';
import { useStore } from '../store';
import { useClient } from '../client/context';
import { ReplayCapture } from './ReplayCapture';
import { ReplayResults } from './ReplayResults';

export const VERDICT_TONE: Record<ReplayVerdict, 'ok' | 'warn' | 'error'> = { matched: 'ok', unexpected: 'warn', missing: 'warn', differed: 'error', error: 'error' };

export function ReplayView() {
  const capture = useStore((s) => s.replayCapture);
  const current = useStore((s) => s.replayCurrent);
  return (
    <section className="view" data-testid="view-replay">
      <OpenCapture />
      {capture ? <ReplayCapture /> : <EmptyState title="No capture open">Give the path of a capture the proxy recorded (otbridge console --capture FILE, or otbridge capture) and press Open. Its sessions are listed here for you to choose from.</EmptyState>}
      {current && <ReplayResults runId={current} />}
    </section>
  );
}

function OpenCapture() {
  const client = useClient();
  const capturePath = useStore((s) => s.proxy?.capture?.path ?? '');
  const [path, setPath] = useState(capturePath);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const open = async (): Promise<void> => {
    setBusy(true);
    setProblem(null);
    try {
      await client.replay.open(path.trim());
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
        void open();
      }}
    >
      <input className="input grow" data-testid="replay-path" placeholder="/path/to/capture.pcapng (or .ndjson)" value={path} onChange={(e) => setPath(e.target.value)} aria-label="capture path" spellCheck={false} />
      <button type="submit" className="btn primary" data-testid="replay-open" disabled={busy || !path.trim()}>
        {busy ? 'Opening…' : 'Open'}
      </button>
      {capturePath && capturePath !== path && (
        <button type="button" className="link" onClick={() => setPath(capturePath)}>
          use the proxy's capture
        </button>
      )}
      {problem && (
        <span className="error" role="alert" data-testid="replay-open-error">
          {problem}
        </span>
      )}
    </form>
  );
}
