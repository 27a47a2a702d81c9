/**
 * The one typed contract between the console's services (main process, CLI,
 * web shell) and any UI. Declared once as type maps; both shells and the
 * renderer derive every wrapper's types from it, and the channel lists below
 * are what the Electron preload and the web shell accept — nothing else.
 *
 * Data flow (docs/architecture.md): the UI gets summaries in batches (at most
 * every 50 ms), never bodies unless it asks for one message; filters run in
 * main; a UI that connects late gets a snapshot, then the live stream.
 */
import type { MessageSummary } from '../records';
import type { MetricsSnapshot } from '../metrics';
import type { Fault, FaultSpec } from '../faults';
import type { ReplayDone, ReplayOpenResult, ReplayProgress, ReplayReport, ReplayStartParams, SessionReport } from './replay';
import type * as M from './migrate';
import type { DialogParams, DialogResult, MenuCommand, ShellCapabilities } from './shell';

export interface AppInfo {
  readonly name: string;
  readonly version: string;
  /** 'electron' or 'web' */
  readonly shell: string;
  readonly platform: string;
  readonly node: string;
  readonly startedAt: number;
  readonly protocol: string;
  /** What the shell offers besides the services (native dialogs…); absent: nothing extra. */
  readonly capabilities?: ShellCapabilities;
}

/** Where a filter expression went wrong: `at` is a character offset into the text. */
export interface FilterError {
  readonly message: string;
  readonly at: number;
  readonly length: number;
}

/** Where traffic, state and conflicts come from: the running proxy, or a capture opened in the console. */
export type SourceRef = 'live' | { readonly capture: number };

export interface CaptureInfo {
  /** Handle for SourceRef. */
  readonly id: number;
  readonly path: string;
  readonly name: string;
  readonly records: number;
  readonly sessions: number;
  readonly dialects: readonly string[];
  /** First and last message times, ms since the epoch (null when empty). */
  readonly start: number | null;
  readonly end: number | null;
  /** The last block was cut off (e.g. the writer was killed): everything before it is there. */
  readonly truncated: boolean;
  readonly warnings: readonly string[];
}

export interface SessionRow {
  readonly id: number;
  /** 'live' for a proxy session, 'capture' for one read from a capture file. */
  readonly source: 'live' | 'capture';
  /** The capture it was read from (source 'capture'). */
  readonly capture?: number;
  readonly dialect: string;
  readonly mode: string;
  readonly client: string;
  readonly upstream: string;
  readonly account: string | null;
  readonly playerId: string | number | null;
  readonly openedAt: number;
  readonly closedAt: number | null;
  readonly closeReason: string | null;
  /** Last server state version seen for it (UP/2.0), null when none. */
  readonly stateVersion: number | null;
  readonly messages: number;
  readonly errors: number;
  readonly msgPerSec: number;
  /** Everything the dialect learnt (identity fingerprints, JWT claims without secrets, …). */
  readonly facts: Readonly<Record<string, unknown>>;
}

export interface ProxyStatus {
  readonly running: boolean;
  readonly listen: string | null;
  readonly target: string | null;
  readonly mode: string | null;
  readonly dialect: string | null;
  /** Fingerprint of the identity the proxy presents (decrypt mode): clients must pin it. */
  readonly identityFingerprint: string | null;
  readonly capture: { readonly path: string; readonly records: number; readonly bytes: number } | null;
  readonly demo: { readonly server: string; readonly bots: number } | null;
  readonly metricsUrl: string | null;
}

export interface TrafficSubscription {
  readonly subscription: number;
  /** The newest rows matching the filter (up to `backlog`), oldest first. */
  readonly rows: readonly MessageSummary[];
  readonly newestId: number;
  /** More matching rows exist before the first one (page them with 'traffic.page'). */
  readonly hasOlder: boolean;
  readonly filterError: FilterError | null;
}

export interface TrafficRows {
  readonly subscription: number;
  readonly rows: readonly MessageSummary[];
}

export interface MessageDetail {
  readonly summary: MessageSummary;
  /** Parsed body (secrets redacted), when the message could be decoded. */
  readonly body: unknown;
  /** The message as it crossed the wire, lowercase hex. */
  readonly wireHex: string;
  /** Header fields by name, as the dialect names them. */
  readonly header: Readonly<Record<string, string | number>>;
  /** JSON web tokens found in the body, decoded (never verified, signature stripped); expiresAt in ms since the epoch. */
  readonly tokens: readonly { readonly path: string; readonly claims: Readonly<Record<string, unknown>>; readonly expiresAt: number | null }[];
  readonly request: MessageSummary | null;
  readonly response: MessageSummary | null;
}

export interface StateVersionRow {
  readonly version: number;
  readonly at: number;
  readonly kind: 'snapshot' | 'batch' | 'client-update';
  readonly ops: number;
  /** The message that produced it. */
  readonly messageId: number;
}

export interface StateOp {
  readonly op: 'add' | 'remove' | 'replace';
  readonly path: string;
  readonly value?: unknown;
}

export type StrategyName = 'LAST_WRITE_WINS' | 'CLIENT_WINS' | 'SERVER_WINS' | 'MERGE';

export interface ConflictRow {
  readonly id: number;
  readonly session: number;
  readonly path: string;
  /** Client side and server side of the conflict. */
  readonly clientValue: unknown;
  readonly serverValue: unknown;
  readonly clientTs: unknown;
  readonly serverTs: unknown;
  /** The strategy configured for the path, and what it decided. */
  readonly strategy: StrategyName;
  readonly outcome: string;
  /** What each strategy would have decided. */
  readonly wouldDecide: Readonly<Record<StrategyName, string>>;
  readonly at: number;
  /** The messages that carried the two writes (jump to them in Traffic). */
  readonly messageIds: readonly number[];
}

export type FaultPatch = { readonly [K in keyof FaultSpec]?: FaultSpec[K] | null } & { readonly enabled?: boolean };

/** Request/response channels: params in, result out. */
export interface RequestMap {
  'app.info': { params: void; result: AppInfo };
  'app.ping': { params: { t: number }; result: { t: number; serverTime: number } };
  'proxy.status': { params: void; result: ProxyStatus };
  'sessions.list': { params: void; result: readonly SessionRow[] };
  /** Starts (or replaces) this UI's live traffic stream with a filter; rows then come as 'traffic.rows'. */
  'traffic.subscribe': { params: { filter: string; backlog?: number; paused?: boolean; source?: SourceRef }; result: TrafficSubscription };
  /** Pause/resume the live stream (rows are not lost: resume sends what arrived meanwhile, up to the backlog). */
  'traffic.pause': { params: { paused: boolean }; result: { paused: boolean } };
  /** Older rows matching a filter, before `beforeId` (paging back through memory, then the capture). */
  'traffic.page': { params: { filter: string; beforeId: number; limit: number; source?: SourceRef }; result: { rows: readonly MessageSummary[]; hasMore: boolean; filterError: FilterError | null } };
  'traffic.detail': { params: { id: number; source?: SourceRef }; result: MessageDetail | null };
  'state.versions': { params: { session: number; source?: SourceRef }; result: readonly StateVersionRow[] };
  'state.at': { params: { session: number; version: number; source?: SourceRef }; result: { version: number; state: unknown } | null };
  'state.diff': { params: { session: number; from: number; to: number; source?: SourceRef }; result: { ops: readonly StateOp[] } | null };
  'conflicts.list': { params: { session?: number; pathPrefix?: string; source?: SourceRef }; result: readonly ConflictRow[] };
  /** Opens a capture file (pcapng, or an NDJSON export) as a source. */
  'capture.open': { params: { path: string }; result: CaptureInfo };
  /** A capture sent from the browser (drag and drop) in base64 chunks; the last one opens it. */
  'capture.upload': { params: { name: string; uploadId?: string; offset: number; dataBase64: string; done: boolean }; result: { uploadId: string; received: number; capture: CaptureInfo | null } };
  'capture.list': { params: void; result: readonly CaptureInfo[] };
  'capture.close': { params: { id: number }; result: { closed: boolean } };
  /** Saves a source's messages (the live proxy's recent ones, or a capture) to a file. */
  'capture.save': { params: { path: string; source?: SourceRef; format?: 'pcapng' | 'ndjson' }; result: { path: string; records: number; sessions: number } };
  'metrics.snapshot': { params: void; result: MetricsSnapshot };
  'faults.list': { params: void; result: readonly Fault[] };
  'faults.add': { params: FaultSpec; result: Fault };
  /** A patch field set to null removes it (e.g. no session filter any more). */
  'faults.update': { params: { id: string; patch: FaultPatch }; result: Fault };
  'faults.remove': { params: { id: string }; result: { removed: boolean } };
  /** A capture's sessions, for choosing what to replay (types in ./replay.ts). */
  'replay.open': { params: { path: string }; result: ReplayOpenResult };
  /** Starts a replay run in the background; progress, sessions and the end come as replay.* events. */
  'replay.start': { params: ReplayStartParams; result: { runId: string } };
  'replay.cancel': { params: { runId: string }; result: { cancelled: boolean } };
  /** The report of a finished run (null while it runs, or when unknown). */
  'replay.report': { params: { runId: string }; result: ReplayReport | null };
  /** Writes a finished run's report as JSON or JUnit XML to an absolute path. */
  'replay.export': { params: { runId: string; format: 'json' | 'junit'; path: string }; result: { path: string; bytes: number } };
  /** Data migrations (types in ./migrate.ts; docs/console.md "Migrations"). The built-in profiles, table by table. */
  'migrate.profiles': { params: void; result: readonly M.MigrationProfileInfo[] };
  /** A profile JSON file of the user's, checked (BAD_PROFILE lists every problem). */
  'migrate.profile': { params: { path: string }; result: M.MigrationProfileInfo };
  /** Opens a source or target without changing it: ok with its tables, or why not (never throws for a bad location). */
  'migrate.testConnection': { params: M.ConnectionTestParams; result: M.ConnectionTest };
  /** The pre-flight: tables and row counts, errors that would stop the run, warnings, the checkpoint's state. Writes nothing. */
  'migrate.plan': { params: M.MigrationRequest; result: M.MigrationPlan };
  /** Starts a run in the background once its pre-flight passed; then migrate.progress / table / warning / done events. */
  'migrate.start': { params: M.MigrationStartParams; result: M.MigrationStarted };
  /** Stops after the current batch (committed and checkpointed) until migrate.resume. */
  'migrate.pause': { params: { runId: string }; result: M.MigrationRunInfo };
  'migrate.resume': { params: { runId: string }; result: M.MigrationRunInfo };
  /** Ends the run after the current batch; migrate.start with resume: true continues it later. */
  'migrate.cancel': { params: { runId: string }; result: M.MigrationRunInfo };
  'migrate.status': { params: { runId: string }; result: M.MigrationRunInfo };
  /** Every run of this console, running and recent (a UI that connects late starts from this). */
  'migrate.runs': { params: void; result: readonly M.MigrationRunInfo[] };
  /** A page of a run's (or any) rejects file, optionally one table or kind. */
  'migrate.rejects': { params: M.RejectsParams; result: M.RejectsPage };
  /** Verifies a target against its source as the checkpoint's last run left it. */
  'migrate.verify': { params: M.MigrationVerifyParams; result: M.MigrationVerification };
  /** Lua config migrations: the profiles and the validation schemas. */
  'config.profiles': { params: void; result: M.ConfigProfilesResult };
  /** The migration of a config file, not written: both texts, the diff, the changes and the problems. */
  'config.open': { params: M.ConfigOpenParams; result: M.ConfigPreview };
  /** Writes the migration (original kept as FILE.bak), audited; refuses when it does not validate unless force. */
  'config.apply': { params: M.ConfigApplyParams; result: M.ConfigApplied };
  /** Checks a config file against a server's settings. */
  'config.validate': { params: { path: string; schema: 'canary' | 'tfs' }; result: M.ConfigValidation };
  /** The audit log, a page at a time (newest first by default). */
  'audit.list': { params: M.AuditListParams; result: M.AuditPage };
  /** Walks the hash chain; names the first entry edited, removed, reordered or torn. */
  'audit.verify': { params: { expectHead?: string }; result: M.AuditVerification };
  /** A native open dialog on the calling window (Electron; other shells answer UNAVAILABLE: see capabilities.dialogs). */
  'dialog.open': { params: DialogParams; result: DialogResult };
  /** A native save dialog on the calling window (Electron only, as dialog.open). */
  'dialog.save': { params: DialogParams; result: DialogResult };
}

/** Events pushed from the services to UIs. */
export interface EventMap {
  'app.notice': { level: 'info' | 'warn' | 'error'; text: string; at: number };
  /** New rows for this UI's traffic subscription (batched, at most every 50 ms). */
  'traffic.rows': TrafficRows;
  'sessions.changed': readonly SessionRow[];
  /** Once a second. */
  'metrics.tick': MetricsSnapshot;
  'faults.changed': readonly Fault[];
  'conflicts.added': readonly ConflictRow[];
  /** A session's state moved to a new version (the State view refreshes its timeline). */
  'state.version': { session: number; row: StateVersionRow };
  /** The proxy started, stopped, or changed capture. */
  'proxy.status': ProxyStatus;
  /** Captures opened or closed in the console. */
  'captures.changed': readonly CaptureInfo[];
  /** A replay run's progress (at most ten a second). */
  'replay.progress': ReplayProgress;
  /** One replayed session's report, as soon as it is done. */
  'replay.session': { runId: string; session: SessionReport };
  'replay.done': ReplayDone;
  /** A migration's progress: at most ten a second, and at once when its state changes. */
  'migrate.progress': M.MigrationProgress;
  /** A table started or ended. */
  'migrate.table': { runId: string; table: M.MigrationTableStatus };
  'migrate.warning': { runId: string; message: string };
  /** The run ended: the engine's summary and the verification of the target. */
  'migrate.done': M.MigrationDone;
  /** The audit log changed (this console or any other otbridge process wrote to it): `lines` it holds now. */
  'audit.appended': { path: string; lines: number };
  /** A native menu's command (Electron), sent only to the app's own window (types in ./shell.ts). */
  'menu.command': MenuCommand;
}

export type RequestChannel = keyof RequestMap;
export type EventChannel = keyof EventMap;
export type ParamsOf<C extends RequestChannel> = RequestMap[C]['params'];
export type ResultOf<C extends RequestChannel> = RequestMap[C]['result'];
export type EventOf<C extends EventChannel> = EventMap[C];

/** Runtime lists, checked against the maps at compile time. */
export const REQUEST_CHANNELS = [
  'app.info',
  'app.ping',
  'proxy.status',
  'sessions.list',
  'traffic.subscribe',
  'traffic.pause',
  'traffic.page',
  'traffic.detail',
  'state.versions',
  'state.at',
  'state.diff',
  'conflicts.list',
  'capture.open',
  'capture.upload',
  'capture.list',
  'capture.close',
  'capture.save',
  'metrics.snapshot',
  'faults.list',
  'faults.add',
  'faults.update',
  'faults.remove',
  'replay.open',
  'replay.start',
  'replay.cancel',
  'replay.report',
  'replay.export',
  'migrate.profiles',
  'migrate.profile',
  'migrate.testConnection',
  'migrate.plan',
  'migrate.start',
  'migrate.pause',
  'migrate.resume',
  'migrate.cancel',
  'migrate.status',
  'migrate.runs',
  'migrate.rejects',
  'migrate.verify',
  'config.profiles',
  'config.open',
  'config.apply',
  'config.validate',
  'audit.list',
  'audit.verify',
  'dialog.open',
  'dialog.save',
] as const satisfies readonly RequestChannel[];
export const EVENT_CHANNELS = [
  'app.notice',
  'traffic.rows',
  'sessions.changed',
  'metrics.tick',
  'faults.changed',
  'conflicts.added',
  'state.version',
  'proxy.status',
  'captures.changed',
  'replay.progress',
  'replay.session',
  'replay.done',
  'migrate.progress',
  'migrate.table',
  'migrate.warning',
  'migrate.done',
  'audit.appended',
  'menu.command',
] as const satisfies readonly EventChannel[];

// Compile-time proof that the runtime lists name every channel.
type Missing<All, Listed> = Exclude<All, Listed>;
const _allRequests: Missing<RequestChannel, (typeof REQUEST_CHANNELS)[number]> extends never ? true : never = true;
const _allEvents: Missing<EventChannel, (typeof EVENT_CHANNELS)[number]> extends never ? true : never = true;
void _allRequests;
void _allEvents;

const requestSet: ReadonlySet<string> = new Set(REQUEST_CHANNELS);
const eventSet: ReadonlySet<string> = new Set(EVENT_CHANNELS);
export const isRequestChannel = (c: unknown): c is RequestChannel => typeof c === 'string' && requestSet.has(c);
export const isEventChannel = (c: unknown): c is EventChannel => typeof c === 'string' && eventSet.has(c);

/** What a UI holds: the same shape over Electron IPC and over WebSocket. */
export interface Bridge {
  invoke<C extends RequestChannel>(channel: C, params: ParamsOf<C>): Promise<ResultOf<C>>;
  on<C extends EventChannel>(channel: C, listener: (payload: EventOf<C>) => void): () => void;
}

/** Messages of the WebSocket transport (the Electron one uses ipcRenderer.invoke / webContents.send). */
export type WireMessage =
  | { t: 'req'; id: number; ch: RequestChannel; p: unknown }
  | { t: 'res'; id: number; ok: true; r: unknown }
  | { t: 'res'; id: number; ok: false; e: { message: string; code?: string } }
  | { t: 'evt'; ch: EventChannel; p: unknown };

/** An error a service returns to a UI: `code` is machine-readable, `message` is for people. */
export class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
