/**
 * The types of the console's admin channels (./contract.ts): data
 * migrations (`migrate.*`), Lua config migrations (`config.*`) and the audit
 * log (`audit.*`). Plain JSON throughout: results cross Electron IPC and the
 * web shell's WebSocket as they are (no BigInt, no bytes — database values
 * use the engine's JSON encoding: {"$int": "…"} past 2^53, {"$b64": "…"} for
 * bytes).
 *
 * Paths are paths on the machine that runs the console's services: absolute,
 * or starting with `~/` for the home folder of the user running them.
 */

// ---- data migrations ----------------------------------------------------------

/** Where rows come from or go to. */
export type MigrationEndpoint =
  | { readonly kind: 'sqlite'; readonly path: string }
  /** mysql://user:pass@host:3306/db (mariadb:// too; `?socket=/path` for a Unix socket). */
  | { readonly kind: 'mysql'; readonly url: string }
  /** A folder of `<table>.ndjson` files. */
  | { readonly kind: 'ndjson'; readonly path: string };

/** full: everything; incremental: rows new or changed since the last completed run (per checkpoint); selective: `select` terms only. */
export type MigrationRunType = 'full' | 'incremental' | 'selective';

export type ProfileScalar = string | number | boolean | null;

export interface MigrationProfileTable {
  readonly source: string;
  readonly target: string;
  /** Target columns the upsert goes by. */
  readonly key: readonly string[];
  /** upsert: by key; replace: whole groups (a player's items) deleted and written again. */
  readonly write: 'upsert' | 'replace';
  readonly group: string | null;
  /** How an incremental run finds new rows: by an increasing key, a change time, through a parent table; null: copied whole. */
  readonly incremental: 'key' | 'updated' | 'via' | null;
  /** Target columns written. */
  readonly columns: readonly string[];
  /** Source columns deliberately not carried over, with why. */
  readonly dropped: readonly { readonly column: string; readonly why: string }[];
}

export interface MigrationProfileInfo {
  readonly name: string;
  readonly description: string;
  /** True for a profile built into otbridge; false for one read from `path`. */
  readonly builtin: boolean;
  readonly path: string | null;
  readonly source: { readonly name: string; readonly upstream: string | null };
  readonly target: { readonly name: string; readonly upstream: string | null };
  /** In run order (parents before children). */
  readonly tables: readonly MigrationProfileTable[];
  /** Source tables the profile leaves out on purpose, with why. */
  readonly ignored: readonly { readonly table: string; readonly why: string }[];
  /** Named options (`options` of migrate.plan / migrate.start). */
  readonly options: readonly { readonly name: string; readonly description: string; readonly default: ProfileScalar; readonly values: readonly ProfileScalar[] | null }[];
  /** Selectors for a selective run: `<name>=id,id` picks rows of these source tables. */
  readonly selectors: readonly { readonly name: string; readonly description: string; readonly tables: readonly string[] }[];
  /** Values the run sets at the end (Canary's db_version), with why. */
  readonly finalize: readonly { readonly table: string; readonly key: string; readonly value: string; readonly warning: string }[];
}

export interface ConnectionTestParams {
  readonly endpoint: MigrationEndpoint;
  /** A source is opened read-only; a target must be writable. */
  readonly role: 'source' | 'target';
}

/** Why a connection test failed, for a UI to choose its wording or a field to highlight. */
export type ConnectionProblem =
  | 'BAD_PATH'
  | 'NOT_FOUND'
  | 'NOT_SQLITE'
  | 'NOT_WRITABLE'
  | 'BAD_URL'
  | 'REFUSED'
  | 'HOST_NOT_FOUND'
  | 'ACCESS_DENIED'
  | 'NO_DATABASE'
  | 'TIMEOUT'
  | 'ERROR';

export type ConnectionTest =
  | {
      readonly ok: true;
      readonly kind: MigrationEndpoint['kind'];
      /** The location as checkpoints and the audit log name it (no password). */
      readonly label: string;
      readonly tables: readonly string[];
      /** server_config's db_version (TFS 1.4: 29, Canary 3.6: 58), null when the database has none. */
      readonly dbVersion: string | null;
      readonly notes: readonly string[];
    }
  | { readonly ok: false; readonly label: string | null; readonly problem: ConnectionProblem; readonly reason: string };

/** What migrate.plan and migrate.start are asked. */
export interface MigrationRequest {
  /** A built-in profile's name (migrate.profiles) or the path of a profile JSON file. */
  readonly profile: string;
  readonly source: MigrationEndpoint;
  readonly target: MigrationEndpoint;
  /** Default full (selective when `select` is given). */
  readonly type?: MigrationRunType;
  /** Selective runs: `tables=a,b`, `<selector>=ids` (guild=1,2), `<table>:<SQL condition>`; terms naming the same table are OR'ed. */
  readonly select?: readonly string[];
  /** Profile options by name, values as text (emptyEmail: 'placeholder'). */
  readonly options?: Readonly<Record<string, string>>;
  /** Checkpoint file; default: one per profile, source and target in the console's migrations folder (the plan names it). */
  readonly checkpoint?: string;
  /** Rejects file (NDJSON); default beside the checkpoint. */
  readonly rejects?: string;
}

export interface MigrationStartParams extends MigrationRequest {
  /** Read, transform and validate everything, write nothing (rejects go to <rejects>.dry-run.ndjson). */
  readonly dryRun: boolean;
  /** Rows per batch and transaction, 1…100 000 (default 1000). */
  readonly batchSize?: number;
  /** Continue the unfinished run in the checkpoint (its type, selection and options are used, not these). */
  readonly resume?: boolean;
  /** Discard an unfinished run in the checkpoint and start anew. */
  readonly restart?: boolean;
  /** Verify the target when a real run completes (default true); the report comes with migrate.done. */
  readonly verify?: boolean;
}

export interface PlannedTable {
  readonly source: string;
  readonly target: string;
  /** Rows the run will read (source count under the run's conditions). */
  readonly estimate: number;
  readonly targetRowsBefore: number;
}

export interface CheckpointTable {
  readonly table: string;
  readonly status: 'pending' | 'running' | 'done';
  readonly read: number;
  readonly written: number;
  readonly rejected: number;
}

/** The last run a checkpoint records. */
export interface CheckpointRun {
  readonly runId: string;
  readonly profile: string;
  readonly source: string;
  readonly target: string;
  readonly type: MigrationRunType;
  readonly dryRun: boolean;
  readonly status: 'running' | 'completed' | 'cancelled' | 'failed';
  /** ISO time. */
  readonly startedAt: string;
  readonly select: readonly string[];
  readonly options: Readonly<Record<string, string>>;
  readonly batchSize: number;
  readonly error: string | null;
  readonly tables: readonly CheckpointTable[];
  readonly read: number;
  readonly written: number;
  readonly rejected: number;
}

export interface CheckpointInfo {
  readonly path: string;
  readonly rejects: string;
  readonly exists: boolean;
  readonly lastRun: CheckpointRun | null;
  /**
   * The last run stopped before the end (cancelled, failed, or the console or CLI died):
   * migrate.start with resume: true continues it, restart: true discards it.
   */
  readonly unfinished: boolean;
  /** Why resume: true would be refused for this profile, source and target (null when it would not, or there is nothing to resume). */
  readonly resumeProblem: string | null;
  /** Source tables with incremental marks from a completed run: an incremental run reads only what is newer. */
  readonly watermarks: readonly string[];
  /** The checkpoint file could not be read (it is then left alone, and runs refuse to use it). */
  readonly error: string | null;
}

export interface MigrationPlan {
  readonly profile: string;
  readonly source: string;
  readonly target: string;
  readonly type: MigrationRunType;
  readonly tables: readonly PlannedTable[];
  readonly rowsTotal: number;
  /** What would stop the run before it writes anything. Empty: it can start. */
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
  /** Source tables the profile neither maps nor ignores: NOT migrated. */
  readonly unknownTables: readonly string[];
  readonly checkpoint: CheckpointInfo;
}

export interface MigrationStarted {
  readonly runId: string;
  readonly checkpoint: string;
  /** The rejects file this run writes (the .dry-run.ndjson one for a dry run). */
  readonly rejects: string;
  readonly resumed: boolean;
  readonly tables: readonly PlannedTable[];
  readonly warnings: readonly string[];
}

/**
 * starting: pre-flight; running; paused: stops (or has stopped) after the
 * current batch, which is committed and checkpointed; cancelling: will end
 * after the current batch; verifying: the run completed, the target is being
 * checked; then completed, cancelled (resumable) or failed (resumable after
 * fixing the cause).
 */
export type MigrationRunState = 'starting' | 'running' | 'paused' | 'cancelling' | 'verifying' | 'completed' | 'cancelled' | 'failed';

export interface MigrationTableStatus {
  readonly source: string;
  readonly target: string;
  readonly status: 'pending' | 'running' | 'done';
  readonly estimate: number;
  readonly read: number;
  readonly written: number;
  readonly rejected: number;
  /** Seconds spent on it in this run (0 for a table done before a resume). */
  readonly seconds: number;
}

/** A run's progress: pushed at most ten times a second, and at once when its state changes. */
export interface MigrationProgress {
  readonly runId: string;
  readonly state: MigrationRunState;
  /** The table being read ('' before the first one). */
  readonly table: string;
  readonly tableIndex: number;
  readonly tableCount: number;
  /** Rows read so far, all tables (a resumed run counts what earlier runs read). */
  readonly rowsDone: number;
  readonly rowsTotal: number;
  readonly tableRowsDone: number;
  readonly tableRowsTotal: number;
  /** Over the last few seconds. */
  readonly rowsPerSecond: number;
  /** null until there is a rate. */
  readonly etaSeconds: number | null;
  readonly rejected: number;
  readonly elapsedSeconds: number;
}

export interface MigrationTableSummary {
  readonly source: string;
  readonly target: string;
  readonly read: number;
  readonly written: number;
  readonly rejected: number;
  readonly seconds: number;
}

/** How a run ended, as the engine reports it (the CLI prints the same). */
export interface MigrationSummary {
  /** The engine's run id (the checkpoint's and the audit log's; a resumed run keeps the first one's). */
  readonly runId: string;
  readonly status: 'running' | 'completed' | 'cancelled' | 'failed';
  readonly type: MigrationRunType;
  readonly dryRun: boolean;
  readonly tables: readonly MigrationTableSummary[];
  readonly read: number;
  readonly written: number;
  readonly rejected: number;
  readonly seconds: number;
  readonly rejectsFile: string;
  readonly checkpointFile: string;
  readonly warnings: readonly string[];
  readonly unknownTables: readonly string[];
  readonly error?: string;
}

export interface TableVerificationResult {
  readonly source: string;
  readonly target: string;
  readonly expectedRows: number;
  readonly targetRows: number;
  readonly expectedChecksum: string;
  readonly targetChecksum: string;
  readonly ok: boolean;
  /** Source rows left out because the run rejected them. */
  readonly rejected: number;
  /** Keys (as JSON) missing from the target, extra in it, or different; the first 20 of each. */
  readonly missing: readonly string[];
  readonly extra: readonly string[];
  readonly different: readonly string[];
  readonly note?: string;
}

export interface VerificationResult {
  readonly ok: boolean;
  /** selected: a selective run, compared on the selected keys only. */
  readonly scope: 'all' | 'selected';
  readonly tables: readonly TableVerificationResult[];
}

export interface MigrationRunInfo {
  /** The console's id for the run (the channels' runId). */
  readonly runId: string;
  /** The engine's (checkpoint's, audit log's) run id, once known. */
  readonly engineRunId: string | null;
  readonly profile: string;
  readonly source: string;
  readonly target: string;
  readonly type: MigrationRunType;
  readonly dryRun: boolean;
  readonly resumed: boolean;
  readonly state: MigrationRunState;
  /** ms since the epoch. */
  readonly startedAt: number;
  readonly finishedAt: number | null;
  readonly checkpoint: string;
  readonly rejects: string;
  readonly tables: readonly MigrationTableStatus[];
  readonly progress: MigrationProgress;
  readonly warnings: readonly string[];
  readonly summary: MigrationSummary | null;
  readonly verification: VerificationResult | null;
  readonly verificationError: string | null;
  readonly error: string | null;
}

export interface MigrationDone {
  readonly runId: string;
  readonly state: 'completed' | 'cancelled' | 'failed';
  /** null when the run failed before it could summarise (the error says why). */
  readonly summary: MigrationSummary | null;
  /** null for dry runs, runs that did not complete, and with verify: false. */
  readonly verification: VerificationResult | null;
  readonly verificationError: string | null;
  readonly error: string | null;
}

export type MigrationVerifyParams = { readonly runId: string } | MigrationRequest;

export interface MigrationVerification extends VerificationResult {
  readonly checkpoint: string;
  readonly rejects: string;
  /** The checkpoint had no run: a full run with default options and today's clock was assumed. */
  readonly assumed: boolean;
}

/**
 * invalid: failed the profile's rules; duplicate: a second source row with the same key;
 * refused: the target database refused it; unreadable: a source line that is not a row.
 */
export type RejectKind = 'invalid' | 'duplicate' | 'refused' | 'unreadable';

export interface RejectsParams {
  /** A run of this console… */
  readonly runId?: string;
  /** …or any rejects file. */
  readonly file?: string;
  readonly offset: number;
  /** 1…500 (full: 1…20). */
  readonly limit: number;
  readonly table?: string;
  readonly kind?: RejectKind;
  /** Values longer than 2048 characters are cut unless this is set. */
  readonly full?: boolean;
}

export interface RejectRow {
  /** 1-based line in the rejects file. */
  readonly line: number;
  readonly table: string;
  /** damaged: a line of the rejects file itself that is not a reject (edited, or cut short by a crash); `reasons` says what is wrong. */
  readonly kind: RejectKind | 'damaged';
  readonly key: Readonly<Record<string, unknown>>;
  /** The whole source row (or the target row, for refused ones). */
  readonly row: Readonly<Record<string, unknown>>;
  readonly reasons: readonly string[];
  /** Some values were cut (ask for this line with full: true). */
  readonly truncated: boolean;
}

export interface RejectsPage {
  readonly file: string;
  /** Rejects matching table/kind (all of them without a filter). */
  readonly total: number;
  readonly offset: number;
  readonly rows: readonly RejectRow[];
  /** Over the whole file. */
  readonly byTable: Readonly<Record<string, number>>;
  readonly byKind: Readonly<Record<string, number>>;
  /** The run is still writing to it. */
  readonly growing: boolean;
}

// ---- config migrations --------------------------------------------------------

export type ConfigProfileName = 'tfs-canary' | 'canary-otclient' | 'otclient-canary';

export interface ConfigProfileInfo {
  readonly name: ConfigProfileName;
  readonly description: string;
  /** What `path` must be. */
  readonly input: string;
  /** Which file apply writes: the opened one, or the companion named by a parameter. */
  readonly writes: 'input' | 'otclientInit' | 'canaryConfig';
  /** ConfigOpenParams fields this profile uses. */
  readonly params: readonly string[];
  readonly options: readonly { readonly name: string; readonly description: string; readonly default: string }[];
}

export interface ConfigProfilesResult {
  readonly profiles: readonly ConfigProfileInfo[];
  /** Settings schemas config.validate checks against. */
  readonly schemas: readonly { readonly name: 'canary' | 'tfs'; readonly target: string }[];
}

export interface ConfigOpenParams {
  /** The config file to migrate (config.lua; init.lua for otclient-canary). */
  readonly path: string;
  readonly profile: ConfigProfileName;
  /** Profile options by name (tfs-canary: maxOnlineWhenMulti). */
  readonly options?: Readonly<Record<string, string>>;
  /** canary-otclient: OTClient's init.lua to put the entry into (without it the entry is only shown). */
  readonly otclientInit?: string;
  /** otclient-canary: the Canary config.lua to update (required). */
  readonly canaryConfig?: string;
  /** otclient-canary: which Servers_init entry (default the first). */
  readonly server?: string;
  /** canary-otclient: client version (default 1511); HTTP login from 1281. */
  readonly clientVersion?: number;
  /** canary-otclient: the HTTP login URL (default http://<ip>/login.php). */
  readonly loginUrl?: string;
  /** Extra client ↔ server key pairs, a JSON file (docs/migrations.md). */
  readonly mapping?: string;
}

export interface ConfigApplyParams extends ConfigOpenParams {
  /** Write even though the result has errors. */
  readonly force?: boolean;
  /** config.open's digest: refuse when the file changed since it was shown. */
  readonly expectDigest?: string;
}

export interface ConfigProblemRow {
  /** 1-based line in the migrated file (0: not tied to a line). */
  readonly line: number;
  readonly key: string;
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

export interface ConfigChangeRow {
  /** Line in the original file (0 for appended keys or when unknown). */
  readonly line: number;
  readonly key: string;
  readonly action: string;
  readonly detail: string;
}

export interface DiffLine {
  readonly kind: ' ' | '-' | '+';
  readonly text: string;
  /** Line numbers in the original and the migrated file (null where the line is not in that side). */
  readonly old: number | null;
  readonly new: number | null;
}

export interface DiffHunk {
  readonly oldStart: number;
  readonly oldLines: number;
  readonly newStart: number;
  readonly newLines: number;
  readonly lines: readonly DiffLine[];
}

export interface ConfigPreview {
  readonly profile: ConfigProfileName;
  /** The opened file. */
  readonly input: string;
  /** The file apply would write (null: this profile only shows its result, see entryText). */
  readonly file: string | null;
  /** That file now and after the migration, as UTF-8 text. */
  readonly before: string;
  readonly after: string;
  /** Unified diff (diff -u) of before → after; '' when nothing changes. */
  readonly diff: string;
  /** The same, as hunks with line numbers on both sides (for a side-by-side view). */
  readonly hunks: readonly DiffHunk[];
  readonly changes: readonly ConfigChangeRow[];
  /** Validation of the result (and Lua syntax errors of the input), each with its line. */
  readonly problems: readonly ConfigProblemRow[];
  readonly notes: readonly string[];
  readonly changed: boolean;
  /** No errors: apply will write without force. */
  readonly ok: boolean;
  /** SHA-256 of `file` as read: pass it back to config.apply as expectDigest. */
  readonly digest: string | null;
  /** canary-otclient without otclientInit: the Lua to paste into init.lua. */
  readonly entryText: string | null;
}

export interface ConfigApplied {
  readonly file: string;
  /** Where the original was copied (FILE.bak, or FILE.bak.N when older backups exist). */
  readonly backup: string;
  readonly changes: number;
  readonly errors: number;
  readonly warnings: number;
  readonly forced: boolean;
  /** The audit entry written (null when the audit log could not be written: see auditError). */
  readonly audit: { readonly seq: number; readonly hash: string } | null;
  readonly auditError: string | null;
}

export interface ConfigValidation {
  readonly file: string;
  readonly target: string;
  readonly problems: readonly ConfigProblemRow[];
  readonly ok: boolean;
}

// ---- the audit log ------------------------------------------------------------

export interface AuditEntryRow {
  readonly seq: number;
  /** ISO time. */
  readonly at: string;
  /** migrate.data.start, migrate.data.end, migrate.config.write, replay.run, script.execute, … */
  readonly kind: string;
  readonly actor?: string;
  readonly params: unknown;
  readonly outcome: unknown;
  readonly prev: string;
  readonly hash: string;
}

export interface AuditRow {
  /** 1-based line in the log file. */
  readonly line: number;
  /** null for a line that is not an entry (torn write, edit): `problem` says what. */
  readonly entry: AuditEntryRow | null;
  readonly problem: string | null;
}

export interface AuditListParams {
  readonly offset?: number;
  /** 1…500, default 100. */
  readonly limit?: number;
  /** Only this kind and its sub-kinds ('migrate' matches migrate.data.start). */
  readonly kind?: string;
  /** Default newest first. */
  readonly order?: 'newest' | 'oldest';
}

export interface AuditPage {
  readonly path: string;
  /** Lines matching the filter (without one, every line, damaged ones too). */
  readonly total: number;
  readonly offset: number;
  readonly rows: readonly AuditRow[];
  /** Every kind in the log, with its count. */
  readonly kinds: Readonly<Record<string, number>>;
}

export interface AuditVerification {
  readonly path: string;
  readonly ok: boolean;
  /** Intact entries before the first break (all of them when ok). */
  readonly entries: number;
  /** Hash of the last intact entry: note it elsewhere, pass it back as expectHead later. */
  readonly head: string;
  readonly firstBroken: { readonly line: number; readonly seq: number | null; readonly reason: string } | null;
  /** Given expectHead: whether the head still is that (false: rewritten or cut). */
  readonly headMatches: boolean | null;
}
