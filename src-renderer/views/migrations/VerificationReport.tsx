/** The target checked against its source, table by table: row counts, checksums, and the first keys that differ. */
import type { TableVerificationResult, VerificationResult } from '../../../src-shared/ipc/migrate';

export function VerificationReport({ v }: { v: VerificationResult }) {
  const bad = v.tables.filter((t) => !t.ok);
  return (
    <div className="verification" data-testid="migrate-verification" data-ok={v.ok}>
      <h4>Verification</h4>
      <p className={v.ok ? 'ok-text' : 'error'} data-testid="migrate-verification-verdict">
        {v.ok
          ? `Verified: all ${v.tables.length} tables match their source${v.scope === 'selected' ? ' on the selected rows' : ''} (rejected rows aside).`
          : `${bad.length} of ${v.tables.length} tables do not match their source.`}
      </p>
      <table className="table">
        <thead>
          <tr>
            <th>Source → target</th>
            <th className="right">Expected rows</th>
            <th className="right">Target rows</th>
            <th>Checksum</th>
            <th className="right">Rejected</th>
            <th>Differences</th>
          </tr>
        </thead>
        <tbody>
          {v.tables.map((t) => (
            <Row key={t.source} t={t} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Row({ t }: { t: TableVerificationResult }) {
  const keys = (label: string, list: readonly string[]) =>
    list.length > 0 && (
      <div>
        {label}: <code>{list.slice(0, 5).join(' ')}</code>
        {list.length > 5 && <span className="muted"> and {list.length - 5} more</span>}
      </div>
    );
  return (
    <tr data-testid="migrate-verification-row" data-ok={t.ok} className={t.ok ? '' : 'bad-row'}>
      <td>
        <span className={t.ok ? 'ok-text' : 'error'}>{t.ok ? '✓' : '✗'}</span> {t.source} → {t.target}
      </td>
      <td className="right">{t.expectedRows.toLocaleString()}</td>
      <td className="right">{t.targetRows.toLocaleString()}</td>
      <td title={`source ${t.expectedChecksum} · target ${t.targetChecksum}`}>{t.expectedChecksum === t.targetChecksum ? 'same' : 'different'}</td>
      <td className="right">{t.rejected.toLocaleString()}</td>
      <td>
        {keys('missing', t.missing)}
        {keys('extra', t.extra)}
        {keys('different', t.different)}
        {t.note && <span className="muted">{t.note}</span>}
      </td>
    </tr>
  );
}
