/** Add or change a fault: the fields its kind needs, checked with the same rules main applies. */
import { useState } from 'react';
import { FAULT_KINDS, validateFault, type FaultKind, type FaultSpec } from '../../src-shared/faults';
import type { FaultPatch } from '../../src-shared/ipc/contract';

interface Draft {
  kind: FaultKind;
  dir: 'c2s' | 's2c' | 'both';
  types: string;
  probability: string;
  session: string;
  latencyMs: string;
  jitterMs: string;
  window: string;
  holdMs: string;
  bytesPerSecond: string;
  target: 'wire' | 'body';
  afterFrames: string;
  label: string;
}

const str = (v: number | undefined): string => (v === undefined ? '' : String(v));

export function draftOf(f?: FaultSpec): Draft {
  return {
    kind: f?.kind ?? 'latency',
    dir: f?.dir ?? 'both',
    types: f?.types?.join(', ') ?? '',
    probability: str(f?.probability),
    session: str(f?.session),
    latencyMs: str(f?.latencyMs ?? (f ? undefined : 100)),
    jitterMs: str(f?.jitterMs),
    window: str(f?.window ?? (f ? undefined : 4)),
    holdMs: str(f?.holdMs),
    bytesPerSecond: str(f?.bytesPerSecond ?? (f ? undefined : 16384)),
    target: f?.target ?? 'wire',
    afterFrames: str(f?.afterFrames ?? (f ? undefined : 10)),
    label: f?.label ?? '',
  };
}

/** The spec a draft describes: only the fields its kind uses, numbers as numbers. */
export function specOf(d: Draft): Partial<FaultSpec> {
  const n = (s: string): number | undefined => (s.trim() === '' ? undefined : Number(s));
  const spec: Record<string, unknown> = { kind: d.kind, dir: d.dir };
  const types = d.types.split(/[\s,]+/).filter(Boolean);
  if (types.length) spec.types = types;
  if (n(d.probability) !== undefined) spec.probability = n(d.probability);
  if (n(d.session) !== undefined) spec.session = n(d.session);
  if (d.label.trim()) spec.label = d.label.trim();
  switch (d.kind) {
    case 'latency':
      spec.latencyMs = n(d.latencyMs);
      if (n(d.jitterMs) !== undefined) spec.jitterMs = n(d.jitterMs);
      break;
    case 'reorder':
      spec.window = n(d.window);
      if (n(d.holdMs) !== undefined) spec.holdMs = n(d.holdMs);
      break;
    case 'bandwidth':
      spec.bytesPerSecond = n(d.bytesPerSecond);
      break;
    case 'corrupt':
      spec.target = d.target;
      break;
    case 'close':
    case 'reset':
    case 'expire-token':
      spec.afterFrames = n(d.afterFrames);
      break;
    default:
      break;
  }
  for (const k of Object.keys(spec)) if (spec[k] === undefined) delete spec[k];
  return spec as Partial<FaultSpec>;
}

/** The change from `before` to `after`: fields `after` no longer has are sent as null (removed). */
export function patchOf(before: FaultSpec, after: Partial<FaultSpec>): FaultPatch {
  const patch: Record<string, unknown> = { ...after };
  for (const k of Object.keys(before) as (keyof FaultSpec)[]) {
    if (!(k in after) && SPEC_KEYS.has(k)) patch[k] = null;
  }
  return patch as FaultPatch;
}

/** What a FaultSpec may hold; a Fault's own fields (id, counts, enabled) are never patched from the form. */
const SPEC_KEYS: ReadonlySet<string> = new Set(['kind', 'dir', 'types', 'probability', 'session', 'latencyMs', 'jitterMs', 'window', 'holdMs', 'bytesPerSecond', 'target', 'afterFrames', 'label'] satisfies (keyof FaultSpec)[]);

export function FaultForm({ initial, submitLabel, onSubmit, onCancel }: { initial?: FaultSpec; submitLabel: string; onSubmit: (spec: FaultSpec) => Promise<void>; onCancel?: () => void }) {
  const [d, setD] = useState<Draft>(() => draftOf(initial));
  const [problems, setProblems] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof Draft>(k: K, v: Draft[K]): void => setD((x) => ({ ...x, [k]: v }));
  const num = (k: keyof Draft, label: string, hint?: string) => (
    <label className="field">
      <span>{label}</span>
      <input data-testid={`fault-${k}`} inputMode="decimal" value={d[k]} placeholder={hint} onChange={(e) => set(k, e.target.value as never)} />
    </label>
  );
  const submit = async (): Promise<void> => {
    const spec = specOf(d);
    const errs = validateFault(spec);
    setProblems(errs);
    if (errs.length) return;
    setBusy(true);
    try {
      await onSubmit(spec as FaultSpec);
      if (!initial) setD(draftOf());
    } catch (e) {
      setProblems([(e as Error).message]);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="fault-form"
      data-testid={initial ? 'fault-edit-form' : 'fault-add-form'}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label className="field">
        <span>Kind</span>
        <select data-testid="fault-kind" value={d.kind} onChange={(e) => set('kind', e.target.value as FaultKind)}>
          {FAULT_KINDS.map((k) => (
            <option key={k}>{k}</option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Direction</span>
        <select data-testid="fault-dir" value={d.dir} onChange={(e) => set('dir', e.target.value as Draft['dir'])}>
          <option value="both">both</option>
          <option value="c2s">c2s (client → server)</option>
          <option value="s2c">s2c (server → client)</option>
        </select>
      </label>
      {d.kind === 'latency' && (
        <>
          {num('latencyMs', 'Delay (ms)')}
          {num('jitterMs', 'Jitter ± (ms)', 'none')}
        </>
      )}
      {d.kind === 'reorder' && (
        <>
          {num('window', 'Window (messages)')}
          {num('holdMs', 'Hold at most (ms)', 'default')}
        </>
      )}
      {d.kind === 'bandwidth' && num('bytesPerSecond', 'Bytes per second')}
      {d.kind === 'corrupt' && (
        <label className="field">
          <span>Corrupt</span>
          <select data-testid="fault-target" value={d.target} onChange={(e) => set('target', e.target.value as Draft['target'])}>
            <option value="wire">wire bytes</option>
            <option value="body">decrypted body</option>
          </select>
        </label>
      )}
      {(d.kind === 'close' || d.kind === 'reset' || d.kind === 'expire-token') && num('afterFrames', 'After (matching messages)')}
      <label className="field wide">
        <span>Only types</span>
        <input data-testid="fault-types" value={d.types} placeholder="all (or PLAYER_MOVE, HEARTBEAT)" onChange={(e) => set('types', e.target.value)} />
      </label>
      {num('probability', 'Probability', '1')}
      {num('session', 'Only session', 'all')}
      <label className="field">
        <span>Label</span>
        <input data-testid="fault-label" value={d.label} placeholder="generated" onChange={(e) => set('label', e.target.value)} />
      </label>
      <div className="form-actions">
        <button type="submit" className="btn primary" data-testid="fault-submit" disabled={busy}>
          {submitLabel}
        </button>
        {onCancel && (
          <button type="button" className="btn" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
      {problems.length > 0 && (
        <ul className="problems" role="alert" data-testid="fault-problems">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
    </form>
  );
}
