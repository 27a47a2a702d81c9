/**
 * Prometheus text exposition (format 0.0.4) of a metrics snapshot, and a
 * tiny HTTP endpoint serving it at /metrics.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MetricsSnapshot } from '../../../src-shared/metrics';

const esc = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export function prometheusText(m: MetricsSnapshot): string {
  const out: string[] = [];
  const metric = (name: string, type: 'counter' | 'gauge' | 'summary', help: string): void => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  };
  metric('otbridge_proxy_sessions_open', 'gauge', 'Proxy sessions currently open.');
  out.push(`otbridge_proxy_sessions_open ${m.sessionsOpen}`);
  metric('otbridge_proxy_sessions_total', 'counter', 'Proxy sessions accepted since start.');
  out.push(`otbridge_proxy_sessions_total ${m.sessionsTotal}`);
  metric('otbridge_proxy_messages_total', 'counter', 'Messages seen, by type.');
  for (const [type, t] of Object.entries(m.byType)) out.push(`otbridge_proxy_messages_total{type="${esc(type)}"} ${t.messages}`);
  metric('otbridge_proxy_bytes_total', 'counter', 'Bytes seen on the wire.');
  out.push(`otbridge_proxy_bytes_total ${m.total.bytes}`);
  metric('otbridge_proxy_errors_total', 'counter', 'Messages with a decode error.');
  out.push(`otbridge_proxy_errors_total ${m.total.errors}`);
  metric('otbridge_proxy_messages_per_second', 'gauge', 'Messages per second over the last seconds.');
  out.push(`otbridge_proxy_messages_per_second ${m.total.msgPerSec}`);
  metric('otbridge_proxy_bytes_per_second', 'gauge', 'Bytes per second over the last seconds.');
  out.push(`otbridge_proxy_bytes_per_second ${m.total.bytesPerSec}`);
  metric('otbridge_proxy_latency_seconds', 'summary', 'Request to response latency, by request type.');
  for (const [type, t] of Object.entries(m.byType)) {
    if (!t.count) continue;
    const l = `type="${esc(type)}"`;
    out.push(
      `otbridge_proxy_latency_seconds{${l},quantile="0.5"} ${t.p50 / 1000}`,
      `otbridge_proxy_latency_seconds{${l},quantile="0.95"} ${t.p95 / 1000}`,
      `otbridge_proxy_latency_seconds{${l},quantile="0.99"} ${t.p99 / 1000}`,
      `otbridge_proxy_latency_seconds_sum{${l}} ${(t.mean * t.count) / 1000}`,
      `otbridge_proxy_latency_seconds_count{${l}} ${t.count}`,
    );
  }
  metric('otbridge_proxy_sync_batches_total', 'counter', 'Server state batches seen.');
  out.push(`otbridge_proxy_sync_batches_total ${m.total.syncBatches}`);
  metric('otbridge_proxy_sync_gaps_total', 'counter', 'Server state batches that did not follow the previous version.');
  out.push(`otbridge_proxy_sync_gaps_total ${m.total.syncGaps}`);
  metric('otbridge_proxy_sync_rate', 'gauge', 'Batches applied without a gap divided by all batches.');
  out.push(`otbridge_proxy_sync_rate ${m.total.syncRate}`);
  metric('otbridge_proxy_faults_applied_total', 'counter', 'Faults applied to messages.');
  out.push(`otbridge_proxy_faults_applied_total ${m.faultsApplied}`);
  return `${out.join('\n')}\n`;
}

export async function serveMetrics(snapshot: () => MetricsSnapshot, port: number, host = '127.0.0.1'): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404).end('try /metrics\n');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(req.method === 'HEAD' ? undefined : prometheusText(snapshot()));
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ok());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
