/** The selected message: header fields, body tree, hex dump, decoded tokens, and its request/response. */
import { useState } from 'react';
import type { MessageDetail } from '../../src-shared/ipc/contract';
import type { MessageSummary } from '../../src-shared/records';
import { JsonTree } from '../components/JsonTree';
import { HexDump } from '../components/HexDump';
import { CopyButton } from '../components/CopyButton';
import { EmptyState } from '../components/EmptyState';
import { useNow } from '../components/use-now';
import { formatBytes, formatClock, formatExpiry, formatMs } from '../format';
import { useStore } from '../store';
import { useClient } from '../client/context';

type Tab = 'body' | 'hex' | 'tokens';

export function DetailPane() {
  const selectedId = useStore((s) => s.selectedId);
  const entry = useStore((s) => (s.selectedId === null ? undefined : s.details.get(s.selectedId)));
  const client = useClient();
  if (selectedId === null) {
    return (
      <aside className="detail idle" data-testid="detail-pane">
        <EmptyState title="No message selected">Click a row, or focus the table and use ↑ ↓ to move through it.</EmptyState>
      </aside>
    );
  }
  return (
    <aside className="detail" data-testid="detail-pane" data-id={selectedId}>
      <div className="detail-head">
        <strong>Message #{selectedId}</strong>
        <button type="button" className="btn small" onClick={() => void client.traffic.select(null)} aria-label="close detail">
          ✕
        </button>
      </div>
      {!entry || entry.status === 'loading' ? (
        <p className="muted">Loading…</p>
      ) : entry.status === 'missing' ? (
        <EmptyState title="This message is no longer held">The proxy keeps the newest messages in memory; older ones are in the capture file, if one is being written.</EmptyState>
      ) : entry.status === 'error' ? (
        <EmptyState tone="error" title="Could not load this message">
          {entry.message}
        </EmptyState>
      ) : (
        <Detail d={entry.detail} />
      )}
    </aside>
  );
}

function Detail({ d }: { d: MessageDetail }) {
  const [tab, setTab] = useState<Tab>('body');
  const s = d.summary;
  return (
    <div className="detail-body">
      <Links d={d} />
      <dl className="facts" data-testid="detail-header">
        <dt>Type</dt>
        <dd data-testid="detail-type">
          {s.type} <span className="muted">(code {s.code >= 0 ? `0x${s.code.toString(16)}` : s.code})</span>
        </dd>
        <dt>Direction</dt>
        <dd>{s.dir === 'c2s' ? 'client → server' : 'server → client'}</dd>
        <dt>Session</dt>
        <dd>{s.session}</dd>
        <dt>Time</dt>
        <dd>{formatClock(s.time)}</dd>
        <dt>Seq / ref</dt>
        <dd>
          {s.seq ?? '–'} / {s.ref ?? '–'}
        </dd>
        <dt>Flags</dt>
        <dd>{s.flags.join(' ') || '–'}</dd>
        <dt>Size</dt>
        <dd>
          {formatBytes(s.wireSize)} on the wire, {formatBytes(s.bodySize)} body
        </dd>
        {s.latencyMs !== undefined && (
          <>
            <dt>Latency</dt>
            <dd>{formatMs(s.latencyMs)}</dd>
          </>
        )}
        {s.error && (
          <>
            <dt>Error</dt>
            <dd className="error">{s.error}</dd>
          </>
        )}
        {s.faults?.length ? (
          <>
            <dt>Faults</dt>
            <dd>{s.faults.join(', ')}</dd>
          </>
        ) : null}
        {Object.entries(d.header).map(([k, v]) => (
          <FragmentRow key={`h-${k}`} k={k} v={String(v)} />
        ))}
      </dl>
      <div className="tabs" role="tablist">
        {(['body', 'hex', 'tokens'] as const).map((t) => (
          <button key={t} type="button" role="tab" aria-selected={tab === t} data-testid={`detail-tab-${t}`} className={`tab${tab === t ? ' active' : ''}`} onClick={() => setTab(t)}>
            {t === 'body' ? 'Body' : t === 'hex' ? 'Hex' : `Tokens (${d.tokens.length})`}
          </button>
        ))}
      </div>
      {tab === 'body' &&
        (d.body === undefined || d.body === null ? (
          <p className="muted">No decoded body{s.error ? ': see the error above' : ''}.</p>
        ) : (
          <div>
            <div className="toolbar">
              <CopyButton testId="detail-copy" label="Copy JSON" text={() => JSON.stringify(d.body, null, 2)} />
            </div>
            <JsonTree value={d.body} testId="detail-body" />
          </div>
        ))}
      {tab === 'hex' && <HexDump hex={d.wireHex} testId="detail-hex" />}
      {tab === 'tokens' && <Tokens tokens={d.tokens} />}
    </div>
  );
}

function FragmentRow({ k, v }: { k: string; v: string }) {
  return (
    <>
      <dt className="muted">{k}</dt>
      <dd>{v}</dd>
    </>
  );
}

/** The request this answers, or the response that answered it; both ways. */
function Links({ d }: { d: MessageDetail }) {
  const client = useClient();
  const go = (m: MessageSummary): void => {
    const st = client.store.getState();
    st.setFollow(false);
    void client.traffic.select(m.id);
  };
  if (!d.request && !d.response) return null;
  return (
    <div className="pair-links">
      {d.request && (
        <button type="button" className="link" data-testid="detail-request-link" data-id={d.request.id} onClick={() => go(d.request!)}>
          ← request #{d.request.id} {d.request.type}
        </button>
      )}
      {d.response && (
        <button type="button" className="link" data-testid="detail-response-link" data-id={d.response.id} onClick={() => go(d.response!)}>
          response #{d.response.id} {d.response.type}
          {d.response.latencyMs !== undefined ? ` in ${formatMs(d.response.latencyMs)}` : ''} →
        </button>
      )}
    </div>
  );
}

/** `exp` may come as seconds (JWT) or milliseconds: anything before 2001 in ms is taken as seconds. */
const toMs = (t: number): number => (t < 1e12 ? t * 1000 : t);

function Tokens({ tokens }: { tokens: MessageDetail['tokens'] }) {
  const now = useNow(1000);
  if (tokens.length === 0) return <p className="muted">No JSON web tokens in this message.</p>;
  return (
    <div data-testid="detail-tokens">
      {tokens.map((t) => {
        const exp = t.expiresAt === null ? null : formatExpiry(toMs(t.expiresAt), now);
        return (
          <section key={t.path} className="token">
            <header>
              <code>{t.path}</code>{' '}
              {exp ? (
                <span className={`badge ${exp.expired ? 'error' : 'ok'}`} data-testid="token-expiry">
                  {exp.text}
                </span>
              ) : (
                <span className="badge">no expiry</span>
              )}
            </header>
            <table className="claims">
              <tbody>
                {Object.entries(t.claims).map(([k, v]) => (
                  <tr key={k}>
                    <th>{k}</th>
                    <td>{typeof v === 'number' && (k === 'exp' || k === 'iat' || k === 'nbf') ? `${v} (${new Date(toMs(v)).toISOString()})` : JSON.stringify(v)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        );
      })}
    </div>
  );
}
