/** The time series, read through a transient subscription (one redraw per tick at most). */
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { MetricsPoint } from '../store/metrics-slice';
import { useTransient } from '../components/use-transient';
import { formatBytes, formatClock, formatRate } from '../format';

const EMPTY: readonly MetricsPoint[] = [];
const tick = (t: number): string => formatClock(t).slice(0, 8);

export function MetricsCharts({ scope }: { scope: number | null }) {
  const series = useTransient((s) => (scope === null ? s.metricsHistory.total : (s.metricsHistory.sessions.get(scope) ?? EMPTY)), 1000);
  const data = series as MetricsPoint[];
  return (
    <div className="charts" data-testid="metrics-charts">
      <Chart title="Messages per second" testId="chart-rate">
        <LineChart data={data}>
          <CartesianGrid strokeDasharray="3 3" className="chart-grid" />
          <XAxis dataKey="t" tickFormatter={tick} minTickGap={40} />
          <YAxis tickFormatter={formatRate} width={56} />
          <Tooltip labelFormatter={(t) => formatClock(Number(t))} formatter={(v) => formatRate(Number(v))} />
          <Line type="monotone" dataKey="msgPerSec" name="msg/s" stroke="var(--accent)" dot={false} isAnimationActive={false} />
        </LineChart>
      </Chart>
      <Chart title="Bytes per second" testId="chart-bytes">
        <LineChart data={data}>
          <CartesianGrid strokeDasharray="3 3" className="chart-grid" />
          <XAxis dataKey="t" tickFormatter={tick} minTickGap={40} />
          <YAxis tickFormatter={(v: number) => formatBytes(v)} width={72} />
          <Tooltip labelFormatter={(t) => formatClock(Number(t))} formatter={(v) => `${formatBytes(Number(v))}/s`} />
          <Line type="monotone" dataKey="bytesPerSec" name="bytes/s" stroke="var(--ok)" dot={false} isAnimationActive={false} />
        </LineChart>
      </Chart>
      <Chart title="Latency percentiles (ms)" testId="chart-latency">
        <LineChart data={data}>
          <CartesianGrid strokeDasharray="3 3" className="chart-grid" />
          <XAxis dataKey="t" tickFormatter={tick} minTickGap={40} />
          <YAxis width={48} />
          <Tooltip labelFormatter={(t) => formatClock(Number(t))} formatter={(v) => `${Number(v).toFixed(2)} ms`} />
          <Legend />
          <Line type="monotone" dataKey="p50" name="p50" stroke="var(--ok)" dot={false} isAnimationActive={false} />
          <Line type="monotone" dataKey="p95" name="p95" stroke="var(--warn)" dot={false} isAnimationActive={false} />
          <Line type="monotone" dataKey="p99" name="p99" stroke="var(--bad)" dot={false} isAnimationActive={false} />
        </LineChart>
      </Chart>
    </div>
  );
}

function Chart({ title, testId, children }: { title: string; testId: string; children: React.ReactElement }) {
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <div className="chart-box">
        <ResponsiveContainer width="100%" height="100%">
          {children}
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
