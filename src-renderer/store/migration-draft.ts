/**
 * The Migrations wizard's draft: what the user chose so far and what the
 * services answered about it. Pure functions, so the rules — what a change
 * invalidates, which step can be reached, which request goes out — are
 * tested without a browser.
 */
import type { ConnectionTest, MigrationEndpoint, MigrationPlan, MigrationProfileInfo, MigrationRequest, MigrationRunType } from '../../src-shared/ipc/migrate';

export type EndpointKind = MigrationEndpoint['kind'];

/** An endpoint as typed: its kind and a path (sqlite, ndjson) or a URL (mysql). */
export interface EndpointDraft {
  readonly kind: EndpointKind;
  readonly location: string;
}

export const WIZARD_STEPS = ['profile', 'source', 'target', 'type', 'dry-run', 'run'] as const;
export type WizardStep = (typeof WIZARD_STEPS)[number];

export interface MigrationDraft {
  readonly step: WizardStep;
  /** A built-in profile's name, or the path of a profile JSON file. */
  readonly profile: string;
  readonly profileInfo: MigrationProfileInfo | null;
  readonly source: EndpointDraft;
  readonly target: EndpointDraft;
  readonly sourceTest: ConnectionTest | null;
  readonly targetTest: ConnectionTest | null;
  readonly type: MigrationRunType;
  /** Selective: whole tables (source names). */
  readonly tables: readonly string[];
  /** Selective: ids per selector, as typed ("1, 2"). */
  readonly selectors: Readonly<Record<string, string>>;
  /** Selective: one `table: SQL condition` a line. */
  readonly conditions: string;
  readonly options: Readonly<Record<string, string>>;
  readonly batchSize: number;
  readonly plan: MigrationPlan | null;
  /** The dry run started for this draft, then the real one (console run ids). */
  readonly dryRunId: string | null;
  readonly runId: string | null;
}

export const DEFAULT_BATCH = 1000;

export const emptyDraft = (): MigrationDraft => ({
  step: 'profile',
  profile: 'tfs-canary',
  profileInfo: null,
  source: { kind: 'sqlite', location: '' },
  target: { kind: 'sqlite', location: '' },
  sourceTest: null,
  targetTest: null,
  type: 'full',
  tables: [],
  selectors: {},
  conditions: '',
  options: {},
  batchSize: DEFAULT_BATCH,
  plan: null,
  dryRunId: null,
  runId: null,
});

export type DraftPatch = Partial<Omit<MigrationDraft, 'step'>>;

/**
 * Applies a change and forgets what it makes stale: a new profile forgets
 * its options and selection; a new endpoint forgets its connection test;
 * anything that changes what the run reads or writes forgets the plan and the runs made from it
 * (the runs themselves stay in the runs list).
 */
export function reviseDraft(d: MigrationDraft, patch: DraftPatch): MigrationDraft {
  const next: MigrationDraft = { ...d, ...patch };
  const changed = (k: keyof DraftPatch): boolean => k in patch && patch[k] !== d[k];
  let stale = false;
  let out = next;
  if (changed('profile')) {
    out = { ...out, tables: [], selectors: {}, conditions: '', options: {}, ...('profileInfo' in patch ? {} : { profileInfo: null }) };
    stale = true;
  }
  if (changed('source') && !sameEndpoint(d.source, next.source)) {
    out = { ...out, ...('sourceTest' in patch ? {} : { sourceTest: null }) };
    stale = true;
  }
  if (changed('target') && !sameEndpoint(d.target, next.target)) {
    out = { ...out, ...('targetTest' in patch ? {} : { targetTest: null }) };
    stale = true;
  }
  // The batch size only chunks the writes: the plan and a dry run's rejects do not depend on it.
  for (const k of ['type', 'tables', 'selectors', 'conditions', 'options'] as const) if (changed(k)) stale = true;
  if (stale) out = { ...out, ...('plan' in patch ? {} : { plan: null }), ...('dryRunId' in patch ? {} : { dryRunId: null }), ...('runId' in patch ? {} : { runId: null }) };
  return out;
}

const sameEndpoint = (a: EndpointDraft, b: EndpointDraft): boolean => a.kind === b.kind && a.location.trim() === b.location.trim();

export function endpointOf(e: EndpointDraft): MigrationEndpoint {
  const at = e.location.trim();
  return e.kind === 'mysql' ? { kind: 'mysql', url: at } : { kind: e.kind, path: at };
}

/** The select terms of a selective run, in the services' syntax (docs/migrations.md). */
export function selectTerms(d: Pick<MigrationDraft, 'tables' | 'selectors' | 'conditions'>): string[] {
  const terms: string[] = [];
  if (d.tables.length) terms.push(`tables=${d.tables.join(',')}`);
  for (const [name, ids] of Object.entries(d.selectors)) {
    const list = ids
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    if (list.length) terms.push(`${name}=${list.join(',')}`);
  }
  for (const line of d.conditions.split('\n')) if (line.trim()) terms.push(line.trim());
  return terms;
}

/** Options the user changed from the profile's defaults (the rest go unsaid, as on the command line). */
export function chosenOptions(d: Pick<MigrationDraft, 'options' | 'profileInfo'>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.options)) {
    const spec = d.profileInfo?.options.find((o) => o.name === k);
    if (!spec || String(spec.default ?? '') !== v) out[k] = v;
  }
  return out;
}

export function requestOf(d: MigrationDraft): MigrationRequest {
  const options = chosenOptions(d);
  const select = d.type === 'selective' ? selectTerms(d) : [];
  return {
    profile: d.profile.trim(),
    source: endpointOf(d.source),
    target: endpointOf(d.target),
    type: d.type,
    ...(select.length ? { select } : {}),
    ...(Object.keys(options).length ? { options } : {}),
  };
}

/** Why a step cannot be opened yet (null: it can). Each step needs the one before it done. */
export function blockedAt(d: MigrationDraft, step: WizardStep): string | null {
  const i = WIZARD_STEPS.indexOf(step);
  if (i >= 1 && !d.profileInfo) return 'choose a profile first';
  if (i >= 2 && !d.sourceTest?.ok) return 'test the source connection first';
  if (i >= 3 && !d.targetTest?.ok) return 'test the target connection first';
  if (i >= 4 && (!d.plan || d.plan.errors.length > 0)) return d.plan ? 'the plan has errors to fix first' : 'check the plan first';
  // The run step opens after a dry run, or straight away to resume an unfinished run.
  if (i >= 5 && !d.dryRunId && !d.runId && !d.plan?.checkpoint.unfinished) return 'do a dry run first';
  return null;
}

/** A problem with the selection as typed, before it goes to the services (null: fine). */
export function selectionProblem(d: MigrationDraft): string | null {
  if (d.type !== 'selective') return null;
  if (selectTerms(d).length === 0) return 'a selective run needs something selected: tables, ids for a selector, or a condition';
  for (const line of d.conditions.split('\n')) {
    const t = line.trim();
    if (t && !/^[\w.]+\s*:\s*\S/.test(t)) return `"${t}": a condition is written table: SQL condition (players: level > 100)`;
  }
  return null;
}
