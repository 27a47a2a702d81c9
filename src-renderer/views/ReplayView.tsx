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
import { PathForm } from '../components/PathForm';

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
  return (
    <PathForm
      value={path}
      onChange={setPath}
      onSubmit={(p) => client.replay.open(p)}
      browse={{ kind: 'capture', mode: 'open' }}
      label="capture path"
      placeholder="/path/to/capture.pcapng (or .ndjson)"
      submitLabel="Open"
      busyLabel="Opening…"
      primary
      testIds={{ input: 'replay-path', submit: 'replay-open', error: 'replay-open-error' }}
      trailing={
        capturePath &&
        capturePath !== path && (
          <button type="button" className="link" onClick={() => setPath(capturePath)}>
            use the proxy's capture
          </button>
        )
      }
    />
  );
}
