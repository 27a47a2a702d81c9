/** The data migrator: profiles, the run engine, verification and the adapters behind them. */
export { DataMigration, MigrationError, type MigrationOptions } from './runner';
export { verifyMigration, rowHash, type VerificationReport, type TableVerification, type VerifyOptions } from './verify';
export { makePlan, type Plan, type TablePlan } from './plan';
export { parseProfile, resolveOptions, ProfileError, type Profile, type TableSpec, type ColumnSpec } from './profile';
export { parseSelection, SelectionError } from './selection';
export { TRANSFORMS, type Transform } from './transforms';
export { loadCheckpoint, type CheckpointData, type RunState, type RunType, type RunStatus } from './checkpoint';
export { readRejects, type RejectRecord, type RejectKind } from './rejects';
export type { MigrationEvents, ProgressEvent, RunSummary, TableSummary } from './events';
export { openEndpoint, type Endpoint, type OpenedEndpoint } from './adapters/open';
export { SqliteDatabase } from './adapters/sqlite';
export { MysqlDatabase, parseMysqlUrl, redactUrl } from './adapters/mysql';
export { NdjsonFolder } from './adapters/ndjson';
export { TransientError, isTransient, type Source, type Target, type WriteBatch, type WriteResult } from './adapters/types';
