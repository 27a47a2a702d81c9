/**
 * Fault specifications for the proxy, shared by the engine (main), the CLI
 * and the console's Faults view: what each fault does, where it applies,
 * and the validation every entry point uses.
 */
import type { Dir } from './records';

export const FAULT_KINDS = ['latency', 'drop', 'duplicate', 'reorder', 'bandwidth', 'corrupt', 'close', 'reset', 'expire-token'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSpec {
  readonly kind: FaultKind;
  /** Which direction of travel it applies to. */
  readonly dir: Dir | 'both';
  /** Only messages of these types (names as shown in the traffic view); all when absent or empty. */
  readonly types?: readonly string[];
  /** Chance that a matching message is hit, 0..1 (default 1). */
  readonly probability?: number;
  /** Only this proxy session; all when absent. */
  readonly session?: number;
  /** latency: added delay and ± jitter, ms. */
  readonly latencyMs?: number;
  readonly jitterMs?: number;
  /** reorder: messages shuffled together, and how long a partial window may wait, ms. */
  readonly window?: number;
  readonly holdMs?: number;
  /** bandwidth: bytes per second for this direction. */
  readonly bytesPerSecond?: number;
  /** corrupt: flip a byte of the wire bytes, or of the decrypted body before re-encryption (decrypt mode). */
  readonly target?: 'wire' | 'body';
  /** close / reset / expire-token: after this many matching messages in the session. */
  readonly afterFrames?: number;
  /** Shown in the UI instead of the generated label. */
  readonly label?: string;
}

export interface Fault extends FaultSpec {
  readonly id: string;
  readonly enabled: boolean;
  readonly createdAt: number;
  /** Matching messages seen, and how many the fault actually hit. */
  readonly matched: number;
  readonly applied: number;
}

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Every problem of a spec, as messages naming the field; empty when valid. */
export function validateFault(spec: Partial<FaultSpec>): string[] {
  const errs: string[] = [];
  if (!spec.kind || !(FAULT_KINDS as readonly string[]).includes(spec.kind)) errs.push(`kind: expected one of ${FAULT_KINDS.join(', ')}`);
  if (spec.dir !== 'c2s' && spec.dir !== 's2c' && spec.dir !== 'both') errs.push('dir: expected c2s, s2c or both');
  if (spec.probability !== undefined && (!num(spec.probability) || spec.probability < 0 || spec.probability > 1)) errs.push('probability: expected a number in 0..1');
  if (spec.types !== undefined && (!Array.isArray(spec.types) || spec.types.some((t) => typeof t !== 'string' || !t))) errs.push('types: expected a list of message type names');
  if (spec.session !== undefined && (!Number.isInteger(spec.session) || spec.session < 1)) errs.push('session: expected a session number ≥ 1');
  const range = (field: keyof FaultSpec, min: number, max: number, required: boolean): void => {
    const v = spec[field];
    if (v === undefined) {
      if (required) errs.push(`${field}: required for ${spec.kind}`);
      return;
    }
    if (!num(v) || v < min || v > max) errs.push(`${field}: expected a number in ${min}..${max}`);
  };
  switch (spec.kind) {
    case 'latency':
      range('latencyMs', 0, 600_000, true);
      range('jitterMs', 0, 600_000, false);
      break;
    case 'reorder':
      range('window', 2, 1000, true);
      range('holdMs', 1, 60_000, false);
      break;
    case 'bandwidth':
      range('bytesPerSecond', 1, 1e10, true);
      break;
    case 'corrupt':
      if (spec.target !== undefined && spec.target !== 'wire' && spec.target !== 'body') errs.push('target: expected wire or body');
      break;
    case 'close':
    case 'reset':
    case 'expire-token':
      range('afterFrames', 0, 1e9, true);
      break;
    default:
      break;
  }
  return errs;
}

/** A short human label: "latency 120±30ms c2s PLAYER_MOVE p=0.5". */
export function describeFault(f: FaultSpec): string {
  if (f.label) return f.label;
  const parts: string[] = [f.kind];
  if (f.kind === 'latency') parts.push(`${f.latencyMs}${f.jitterMs ? `±${f.jitterMs}` : ''}ms`);
  if (f.kind === 'reorder') parts.push(`window ${f.window}`);
  if (f.kind === 'bandwidth') parts.push(`${f.bytesPerSecond} B/s`);
  if (f.kind === 'corrupt') parts.push(f.target ?? 'wire');
  if (f.kind === 'close' || f.kind === 'reset' || f.kind === 'expire-token') parts.push(`after ${f.afterFrames}`);
  parts.push(f.dir);
  if (f.types?.length) parts.push(f.types.join(','));
  if (f.probability !== undefined && f.probability < 1) parts.push(`p=${f.probability}`);
  if (f.session !== undefined) parts.push(`session ${f.session}`);
  return parts.join(' ');
}

/**
 * Parses the CLI's compact form: `kind:key=value,key=value`, e.g.
 * `latency:ms=120,jitter=30,dir=c2s,types=PLAYER_MOVE|HEARTBEAT,p=0.5`.
 */
export function parseFaultArg(text: string): FaultSpec {
  const [kind, rest = ''] = text.split(':', 2) as [string, string?];
  const spec: Record<string, unknown> = { kind, dir: 'both' };
  const alias: Record<string, string> = { ms: 'latencyMs', jitter: 'jitterMs', p: 'probability', bps: 'bytesPerSecond', after: 'afterFrames' };
  for (const pair of rest.split(',').filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq < 0) throw new Error(`fault "${text}": expected key=value, got "${pair}"`);
    const key = alias[pair.slice(0, eq)] ?? pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (key === 'types') spec.types = value.split('|').filter(Boolean);
    else if (key === 'dir' || key === 'target' || key === 'label') spec[key] = value;
    else spec[key] = Number(value);
  }
  const errs = validateFault(spec as Partial<FaultSpec>);
  if (errs.length) throw new Error(`fault "${text}": ${errs.join('; ')}`);
  return spec as unknown as FaultSpec;
}

export { seededRandom } from './random';
