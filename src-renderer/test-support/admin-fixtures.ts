/** Plausible values of the capture, migration, config and audit channels for the renderer's unit tests. */
import type { CaptureInfo } from '../../src-shared/ipc/contract';
import type { AuditPage, ConnectionTest, MigrationPlan, MigrationProfileInfo, MigrationProgress, MigrationRunInfo, MigrationRunState } from '../../src-shared/ipc/migrate';

export const captureInfo = (id: number, over: Partial<CaptureInfo> = {}): CaptureInfo => ({
  id,
  path: `/tmp/c${id}.pcapng`,
  name: `c${id}.pcapng`,
  records: 100,
  sessions: 2,
  dialects: ['up2'],
  start: 1_700_000_000_000,
  end: 1_700_000_060_000,
  truncated: false,
  warnings: [],
  ...over,
});

export const profileInfo = (over: Partial<MigrationProfileInfo> = {}): MigrationProfileInfo => ({
  name: 'tfs-canary',
  description: 'TFS 1.4 to Canary',
  builtin: true,
  path: null,
  source: { name: 'TFS 1.4', upstream: null },
  target: { name: 'Canary 3.6', upstream: null },
  tables: [
    { source: 'accounts', target: 'accounts', key: ['id'], write: 'upsert', group: null, incremental: 'key', columns: ['id', 'name'], dropped: [] },
    { source: 'players', target: 'players', key: ['id'], write: 'upsert', group: null, incremental: 'key', columns: ['id', 'name'], dropped: [] },
  ],
  ignored: [],
  options: [{ name: 'emptyEmail', description: 'what to do with an empty email', default: 'reject', values: ['reject', 'placeholder'] }],
  selectors: [{ name: 'guild', description: "a guild's players", tables: ['players'] }],
  finalize: [],
  ...over,
});

export const connectionOk = (label: string): ConnectionTest => ({ ok: true, kind: 'sqlite', label, tables: ['accounts', 'players'], dbVersion: '29', notes: [] });

export const plan = (over: Partial<MigrationPlan> = {}): MigrationPlan => ({
  profile: 'tfs-canary',
  source: 'sqlite:/s.db',
  target: 'sqlite:/t.db',
  type: 'full',
  tables: [{ source: 'players', target: 'players', estimate: 10, targetRowsBefore: 0 }],
  rowsTotal: 10,
  errors: [],
  warnings: [],
  unknownTables: [],
  checkpoint: { path: '/w/c.json', rejects: '/w/r.ndjson', exists: false, lastRun: null, unfinished: false, resumeProblem: null, watermarks: [], error: null },
  ...over,
});

export const progress = (runId: string, state: MigrationRunState, rowsDone: number, rowsTotal = 100): MigrationProgress => ({
  runId,
  state,
  table: 'players',
  tableIndex: 0,
  tableCount: 1,
  rowsDone,
  rowsTotal,
  tableRowsDone: rowsDone,
  tableRowsTotal: rowsTotal,
  rowsPerSecond: 50,
  etaSeconds: 2,
  rejected: 0,
  elapsedSeconds: 1,
});

export const runInfo = (runId: string, over: Partial<MigrationRunInfo> = {}): MigrationRunInfo => ({
  runId,
  engineRunId: null,
  profile: 'tfs-canary',
  source: 'sqlite:/s.db',
  target: 'sqlite:/t.db',
  type: 'full',
  dryRun: false,
  resumed: false,
  state: 'running',
  startedAt: 1_700_000_000_000,
  finishedAt: null,
  checkpoint: '/w/c.json',
  rejects: '/w/r.ndjson',
  tables: [],
  progress: progress(runId, 'running', 0),
  warnings: [],
  summary: null,
  verification: null,
  verificationError: null,
  error: null,
  ...over,
});

export const auditPage = (lines: number, over: Partial<AuditPage> = {}): AuditPage => ({
  path: '/home/u/.otbridge/audit.ndjson',
  total: lines,
  offset: 0,
  rows: Array.from({ length: lines }, (_, i) => ({
    line: lines - i,
    entry: { seq: lines - i, at: '2026-01-01T00:00:00Z', kind: 'migrate.config.write', params: {}, outcome: {}, prev: '', hash: `h${lines - i}` },
    problem: null,
  })),
  kinds: { 'migrate.config.write': lines },
  ...over,
});
