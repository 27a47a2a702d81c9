/**
 * Decides, per message, which faults hit it. Faults change live (add,
 * update, remove while traffic flows); randomness comes from one seeded
 * generator so a run is reproducible.
 */
import { EventEmitter } from 'node:events';
import { describeFault, seededRandom, validateFault, type Fault, type FaultSpec } from '../../../src-shared/faults';
import type { Dir } from '../dialect';

export interface FaultDecision {
  drop: boolean;
  /** Extra delay before release, ms. */
  delayMs: number;
  duplicate: boolean;
  reorder: { window: number; holdMs: number } | null;
  /** bytes/s limit of this direction, when a bandwidth fault applies. */
  bandwidth: number | null;
  corrupt: 'wire' | 'body' | null;
  close: boolean;
  reset: boolean;
  expire: boolean;
  /** What happened, for the message record. */
  labels: string[];
}

interface MutableFault {
  spec: FaultSpec;
  id: string;
  enabled: boolean;
  createdAt: number;
  matched: number;
  applied: number;
  /** close / reset / expire-token: matching messages per session so far, and sessions already hit. */
  counts: Map<number, number>;
  fired: Set<number>;
  types: Set<string> | null;
}

export class FaultEngine extends EventEmitter<{ changed: [Fault[]] }> {
  private faults: MutableFault[] = [];
  private random: () => number;
  private nextId = 1;
  seed: number;

  constructor(seed = Date.now() >>> 0) {
    super();
    this.seed = seed;
    this.random = seededRandom(seed);
  }

  setSeed(seed: number): void {
    this.seed = seed >>> 0;
    this.random = seededRandom(this.seed);
  }

  get active(): boolean {
    return this.faults.some((f) => f.enabled);
  }

  list(): Fault[] {
    return this.faults.map((f) => ({ ...f.spec, id: f.id, enabled: f.enabled, createdAt: f.createdAt, matched: f.matched, applied: f.applied }));
  }

  add(spec: FaultSpec, enabled = true): Fault {
    const errs = validateFault(spec);
    if (errs.length) throw new Error(`invalid fault: ${errs.join('; ')}`);
    const f: MutableFault = {
      spec: { ...spec },
      id: `f${this.nextId++}`,
      enabled,
      createdAt: Date.now(),
      matched: 0,
      applied: 0,
      counts: new Map(),
      fired: new Set(),
      types: spec.types?.length ? new Set(spec.types) : null,
    };
    this.faults.push(f);
    this.changed();
    return this.list().find((x) => x.id === f.id)!;
  }

  /** Changes a fault live; a field set to null is removed (e.g. the session filter). */
  update(id: string, patch: { readonly [K in keyof FaultSpec]?: FaultSpec[K] | null } & { enabled?: boolean }): Fault {
    const f = this.faults.find((x) => x.id === id);
    if (!f) throw new Error(`no fault ${id}`);
    const { enabled, ...rest } = patch;
    const spec: Record<string, unknown> = { ...f.spec };
    for (const [k, v] of Object.entries(rest)) {
      if (v === null) delete spec[k];
      else if (v !== undefined) spec[k] = v;
    }
    const errs = validateFault(spec as Partial<FaultSpec>);
    if (errs.length) throw new Error(`invalid fault: ${errs.join('; ')}`);
    f.spec = spec as unknown as FaultSpec;
    f.types = f.spec.types?.length ? new Set(f.spec.types) : null;
    if (enabled !== undefined) f.enabled = enabled;
    this.changed();
    return this.list().find((x) => x.id === id)!;
  }

  remove(id: string): boolean {
    const n = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    if (this.faults.length !== n) this.changed();
    return this.faults.length !== n;
  }

  clear(): void {
    this.faults = [];
    this.changed();
  }

  private changed(): void {
    this.emit('changed', this.list());
  }

  /** The faults that hit one message. Cheap when no fault is enabled. */
  decide(session: number, dir: Dir, type: string): FaultDecision | null {
    if (this.faults.length === 0) return null;
    let d: FaultDecision | null = null;
    for (const f of this.faults) {
      const s = f.spec;
      if (!f.enabled) continue;
      if (s.dir !== 'both' && s.dir !== dir) continue;
      if (s.session !== undefined && s.session !== session) continue;
      if (f.types && !f.types.has(type)) continue;
      f.matched++;
      if (s.kind === 'close' || s.kind === 'reset' || s.kind === 'expire-token') {
        if (f.fired.has(session)) continue;
        const n = (f.counts.get(session) ?? 0) + 1;
        f.counts.set(session, n);
        if (n <= (s.afterFrames ?? 0)) continue;
        f.fired.add(session);
        f.counts.delete(session);
      } else if (s.probability !== undefined && s.probability < 1 && this.random() >= s.probability) {
        continue;
      }
      f.applied++;
      d ??= { drop: false, delayMs: 0, duplicate: false, reorder: null, bandwidth: null, corrupt: null, close: false, reset: false, expire: false, labels: [] };
      switch (s.kind) {
        case 'latency': {
          const jitter = s.jitterMs ? (this.random() * 2 - 1) * s.jitterMs : 0;
          const ms = Math.max(0, (s.latencyMs ?? 0) + jitter);
          d.delayMs += ms;
          d.labels.push(`latency ${ms.toFixed(0)}ms`);
          break;
        }
        case 'drop':
          d.drop = true;
          d.labels.push('drop');
          break;
        case 'duplicate':
          d.duplicate = true;
          d.labels.push('duplicate');
          break;
        case 'reorder':
          d.reorder = { window: s.window ?? 2, holdMs: s.holdMs ?? 100 };
          d.labels.push(`reorder window ${s.window}`);
          break;
        case 'bandwidth':
          d.bandwidth = Math.min(d.bandwidth ?? Infinity, s.bytesPerSecond ?? Infinity);
          d.labels.push(`bandwidth ${s.bytesPerSecond} B/s`);
          break;
        case 'corrupt':
          d.corrupt = s.target ?? 'wire';
          d.labels.push(`corrupt ${d.corrupt}`);
          break;
        case 'close':
          d.close = true;
          d.labels.push('close');
          break;
        case 'reset':
          d.reset = true;
          d.labels.push('reset');
          break;
        case 'expire-token':
          d.expire = true;
          d.labels.push('expire token');
          break;
      }
    }
    return d;
  }

  /** A random byte offset for the corrupt fault. */
  offset(length: number): number {
    return Math.floor(this.random() * Math.max(1, length));
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }

  describe(id: string): string {
    const f = this.faults.find((x) => x.id === id);
    return f ? describeFault(f.spec) : id;
  }
}
