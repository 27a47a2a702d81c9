/**
 * Walks the log's hash chain in the services and says whether it is intact,
 * or which entry was edited, removed, reordered or torn. A head noted
 * earlier (elsewhere: a ticket, a commit) also catches a log rewritten from
 * the start, which a chain alone cannot.
 */
import { useState } from 'react';
import { CopyButton } from '../../components/CopyButton';
import { useStore } from '../../store';
import { useClient } from '../../client/context';

export function AuditVerify({ onJump }: { onJump: (line: number) => void }) {
  const client = useClient();
  const v = useStore((s) => s.auditVerification);
  const [head, setHead] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const verify = (): void => {
    setBusy(true);
    setProblem(null);
    client.audit
      .verify(head)
      .catch((e: Error) => setProblem(e.message))
      .finally(() => setBusy(false));
  };
  // The broken line, shown from the start of the log so it is on the page.
  const jump = (line: number): void => {
    void client.audit
      .load({ kind: '', order: 'oldest', offset: Math.max(0, line - 1) })
      .then(() => onJump(line))
      .catch((e: Error) => setProblem(e.message));
  };
  return (
    <div className="audit-verify">
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          verify();
        }}
      >
        <button type="submit" className="btn primary" data-testid="audit-verify" disabled={busy}>
          {busy ? 'Verifying…' : 'Verify the chain'}
        </button>
        <input className="input grow" data-testid="audit-expect-head" placeholder="optional: a head hash noted earlier, to check the log was not rewritten since" value={head} onChange={(e) => setHead(e.target.value)} spellCheck={false} aria-label="expected head" />
        {problem && (
          <span className="error" role="alert">
            {problem}
          </span>
        )}
      </form>
      {v && (
        <div className={`result ${v.ok && v.headMatches !== false ? 'good' : 'bad'}`} data-testid="audit-verification" data-ok={v.ok} data-head-matches={String(v.headMatches)}>
          {v.ok ? (
            <p data-testid="audit-verdict">
              <strong>Intact:</strong> {v.entries.toLocaleString()} entries, each chained to the one before.
            </p>
          ) : (
            <p data-testid="audit-verdict">
              <strong>Broken</strong> at line {v.firstBroken?.line}
              {v.firstBroken?.seq != null && ` (entry #${v.firstBroken.seq})`}: {v.firstBroken?.reason}. {v.entries.toLocaleString()} entries before it are intact.{' '}
              {v.firstBroken && (
                <button type="button" className="link" data-testid="audit-jump" onClick={() => jump(v.firstBroken!.line)}>
                  show it
                </button>
              )}
            </p>
          )}
          {v.headMatches === false && <p className="error">The head is not the one given: the log was rewritten or cut since that head was noted.</p>}
          {v.headMatches === true && <p>The head is the one given.</p>}
          {v.head && (
            <p className="muted">
              Head <code data-testid="audit-head">{v.head}</code> <CopyButton text={() => v.head} label="Copy" /> — note it somewhere else to check this log against later.
            </p>
          )}
        </div>
      )}
    </div>
  );
}
