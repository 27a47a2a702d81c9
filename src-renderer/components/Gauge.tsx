/** One metric against its target, coloured by src-shared/metrics `gaugeLevel`: green met, amber close, red not. */
import type { GaugeLevel } from '../../src-shared/metrics';

export interface GaugeProps {
  readonly testId: string;
  readonly title: string;
  readonly value: string;
  readonly target: string;
  readonly level: GaugeLevel | null;
  /** How full the arc is, 0..1 (value against a scale that puts the target at 0.5). */
  readonly fill: number;
}

const R = 40;
const ARC = Math.PI * R;

export function Gauge({ testId, title, value, target, level, fill }: GaugeProps) {
  const f = Number.isFinite(fill) ? Math.max(0, Math.min(1, fill)) : 0;
  return (
    <figure className={`gauge level-${level ?? 'none'}`} data-testid={testId} data-level={level ?? 'none'}>
      <svg viewBox="0 0 100 56" role="img" aria-label={`${title}: ${value}, target ${target}, ${level ?? 'no data'}`}>
        <path d="M10 50 A40 40 0 0 1 90 50" className="gauge-track" />
        <path d="M10 50 A40 40 0 0 1 90 50" className="gauge-fill" strokeDasharray={`${f * ARC} ${ARC}`} />
        <line x1="50" y1="10" x2="50" y2="17" className="gauge-target" />
      </svg>
      <figcaption>
        <span className="gauge-value" data-testid={`${testId}-value`}>
          {value}
        </span>
        <span className="gauge-title">{title}</span>
        <span className="muted">target {target}</span>
      </figcaption>
    </figure>
  );
}
