/** A run: progress while it goes, then the verdict, every session's comparison, and export. */
import { useState } from 'react';
import type { PushComparison, ReplayCounts, SessionReport } from '../../src-shared/ipc/replay';
import { EmptyState } from '../components/EmptyState';
import { formatMs, formatSpan, preview } from '../format';
import { useStore } from '../store';
import { useClient } from '../client/context';
import { VERDICT_TONE } from './ReplayView';
import { PathForm } from '../components/PathForm';

export function ReplayResults({ runId }: { runId: string }) {
  const client = useClient();
  const run = useStore((s) => s.replayRuns.get(runId));
  if (!run) return null;
  const p = run.progress;
  const done = run.done;
  const counts: ReplayCounts | null = done?.counts ?? p?.counts ?? null;
  const fraction = done ? 1 : p && p.stepsTotal > 0 ? p.stepsDone / p.stepsTotal : 0;
  const sessions = run.report?.sessions ?? run.sessions;
  return (
    <section className="replay-run" data-testid="replay-run" data-run={runId}>
      <h2>
        Run against {run.params.target}{' '}
        {done ? (
          <span className={`badge ${VERDICT_TONE[done.verdict]}`} data-testid="replay-verdict" data-verdict={done.verdict}>
            {done.verdict}
          </span>
        ) : (
          <span className="badge">running</span>
        )}
      </h2>
      <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(fraction * 100)} data-testid="replay-progress">
        <div className="progress-bar" style={{ width: `${fraction * 100}%` }} />
      </div>
      <p className="muted">
        {p && `${p.sessionsDone}/${p.sessionsTotal} sessions, ${p.stepsDone}/${p.stepsTotal} steps, ${formatSpan(p.elapsedMs)}`}
        {p?.etaMs != null && !done && `, about ${formatSpan(p.etaMs)} left`}
        {done && ` · finished in ${formatSpan(done.durationMs)} (exit code ${done.exitCode})`}
        {counts && ` · ${counts.matched} matched, ${counts.differed} differed, ${counts.missing} missing, ${counts.unexpected} unexpected, ${counts.error} errors`}
      </p>
      {done?.error && (
        <EmptyState tone="error" title="The run could not go on">
          {done.error}
        </EmptyState>
      )}
      {!done && (
        <button type="button" className="btn danger" data-testid="replay-cancel" onClick={() => void client.replay.cancel(runId)}>
          Cancel
        </button>
      )}
      {sessions.length > 0 && (
        <div className="replay-sessions">
          {sessions.map((s) => (
            <SessionResult key={`${s.session}-${s.iteration}`} s={s} />
          ))}
        </div>
      )}
      {done && run.report && <Export runId={runId} />}
    </section>
  );
}

/** A push kind compared and found different (kinds left out by an ignore rule are listed apart). */
/** A push kind that differed, went missing or came unexpected (late broadcasts from others are not a mismatch). */
const unmatchedPush = (x: PushComparison): boolean => !x.ignored && x.differed + x.missing + x.unexpected > 0;

export function SessionResult({ s }: { s: SessionReport }) {
  const [open, setOpen] = useState(s.verdict !== 'matched');
  const ignoredKinds = s.pushes.filter((x) => x.ignored).length;
  return (
    <div className="replay-session" data-testid="replay-session-result" data-verdict={s.verdict}>
      <button type="button" className="link" onClick={() => setOpen(!open)} aria-expanded={open}>
        {open ? '▾' : '▸'} session {s.session}
        {s.iteration > 1 ? ` (run ${s.iteration})` : ''} {s.account ? `· ${s.account}` : ''}
      </button>{' '}
      <span className={`badge ${VERDICT_TONE[s.verdict]}`}>{s.verdict}</span>{' '}
      <span className="muted">
        {s.sent}/{s.steps} sent, {s.counts.matched} matched, {s.counts.differed} differed, {s.counts.missing} missing, {s.counts.unexpected} unexpected · state {s.state.verdict} ({s.state.matchedVersions}/{s.state.capturedVersions} versions)
        {ignoredKinds > 0 && ` · ${ignoredKinds} push kind${ignoredKinds === 1 ? '' : 's'} left out`} · {formatSpan(s.durationMs)}
      </span>
      {open && (
        <div className="replay-detail">
          {s.error && <p className="error">{s.error}</p>}
          {s.warnings.map((w) => (
            <p key={w} className="muted">
              ⚠ {w}
            </p>
          ))}
          {s.messages.length > 0 && (
            <>
              <h4>Requests that did not match</h4>
              <table className="table">
                <thead>
                  <tr>
                    <th className="right">Step</th>
                    <th>Request</th>
                    <th>Verdict</th>
                    <th>Captured → replayed</th>
                    <th>Differences</th>
                  </tr>
                </thead>
                <tbody>
                  {s.messages.map((m) => (
                    <tr key={m.step}>
                      <td className="right">{m.step}</td>
                      <td>{m.request}</td>
                      <td>{m.verdict}</td>
                      <td>
                        {m.capturedResponse ?? '–'} → {m.replayedResponse ?? '–'}
                      </td>
                      <td>
                        {m.differences.map((d) => (
                          <div key={d.path}>
                            <code>{d.path}</code> {d.kind}: {preview(d.captured, 40)} → {preview(d.replayed, 40)}
                          </div>
                        ))}
                        {m.moreDifferences > 0 && <span className="muted">and {m.moreDifferences} more</span>}
                        {m.note && <span className="muted">{m.note}</span>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {s.moreMessages > 0 && <p className="muted">and {s.moreMessages} more requests</p>}
            </>
          )}
          {s.state.divergence && (
            <>
              <h4>State diverged</h4>
              <p>
                Captured v{s.state.divergence.capturedVersion} vs replayed {s.state.divergence.replayedVersion === null ? 'nothing' : `v${s.state.divergence.replayedVersion}`} at <code>{s.state.divergence.path}</code> ({s.state.divergence.kind}): {preview(s.state.divergence.captured, 60)} → {preview(s.state.divergence.replayed, 60)}
                {s.state.divergence.after && ` — after step ${s.state.divergence.after.step} (${s.state.divergence.after.type})`}
                {s.state.finalMatch ? '; the final states match again.' : '.'}
              </p>
            </>
          )}
          {s.pushes.some(unmatchedPush) && (
            <>
              <h4>Server pushes that did not match</h4>
              <table className="table" data-testid="replay-pushes">
                <thead>
                  <tr>
                    <th>Push</th>
                    <th className="right">Captured</th>
                    <th className="right">Replayed</th>
                    <th className="right">Matched</th>
                    <th className="right">Differed</th>
                    <th className="right">Missing</th>
                    <th className="right">Unexpected</th>
                    <th>First differences</th>
                  </tr>
                </thead>
                <tbody>
                  {s.pushes.filter(unmatchedPush).map((x) => (
                      <tr key={x.key}>
                        <td>{x.key}</td>
                        <td className="right">{x.captured}</td>
                        <td className="right">{x.replayed}</td>
                        <td className="right">{x.matched}</td>
                        <td className="right">{x.differed}</td>
                        <td className="right">{x.missing}</td>
                        <td className="right">{x.unexpected}</td>
                        <td>
                          {x.examples.slice(0, 3).map((ex) => (
                            <div key={ex.index}>
                              #{ex.index} {ex.verdict}
                              {ex.differences.slice(0, 2).map((d) => (
                                <span key={d.path}>
                                  {' '}
                                  <code>{d.path}</code> {preview(d.captured, 30)} → {preview(d.replayed, 30)}
                                </span>
                              ))}
                            </div>
                          ))}
                        </td>
                      </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
          {s.pushes.some((x) => x.ignored) && (
            <>
              <h4>Pushes left out of the comparison</h4>
              <ul data-testid="replay-ignored-pushes">
                {s.pushes
                  .filter((x) => x.ignored)
                  .map((x) => (
                    <li key={x.key} data-testid="replay-ignored-push">
                      {x.key}: {x.captured} captured, {x.replayed} replayed <span className="muted">— rule “{x.ignored}”</span>
                    </li>
                  ))}
              </ul>
            </>
          )}
          {s.latency.length > 0 && (
            <>
              <h4>Latency, captured → replayed (p50 / p95)</h4>
              <table className="table">
                <tbody>
                  {s.latency.map((l) => (
                    <tr key={l.type}>
                      <td>{l.type}</td>
                      <td>
                        {l.captured ? `${formatMs(l.captured.p50)} / ${formatMs(l.captured.p95)}` : '–'} → {l.replayed ? `${formatMs(l.replayed.p50)} / ${formatMs(l.replayed.p95)}` : '–'}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </div>
      )}
    </div>
  );
}

function Export({ runId }: { runId: string }) {
  const client = useClient();
  const [format, setFormat] = useState<'json' | 'junit'>('junit');
  const [path, setPath] = useState('');
  const [result, setResult] = useState<string | null>(null);
  return (
    <PathForm
      value={path}
      onChange={(p) => {
        setPath(p);
        // A path chosen or typed with an extension picks the format.
        if (/\.xml$/i.test(p.trim())) setFormat('junit');
        else if (/\.json$/i.test(p.trim())) setFormat('json');
      }}
      onSubmit={async (p) => {
        setResult(null);
        const r = await client.replay.export(runId, format, p);
        setResult(`wrote ${r.bytes.toLocaleString()} bytes to ${r.path}`);
      }}
      browse={{ kind: 'report', mode: 'save' }}
      label="export to path"
      placeholder={`/absolute/path/replay.${format === 'junit' ? 'xml' : 'json'}`}
      submitLabel="Export"
      busyLabel="Exporting…"
      testIds={{ input: 'replay-export-path', submit: 'replay-export', error: 'replay-export-error' }}
      leading={
        <>
          <strong>Export</strong>
          <select data-testid="replay-export-format" aria-label="report format" value={format} onChange={(e) => setFormat(e.target.value as 'json' | 'junit')}>
            <option value="junit">JUnit XML (for CI)</option>
            <option value="json">JSON report</option>
          </select>
        </>
      }
      trailing={result && <span data-testid="replay-export-result">{result}</span>}
    />
  );
}
