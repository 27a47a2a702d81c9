/**
 * The console's audit log: migrations write to it today; config writes,
 * script executions and replay runs will too. Open it once per process with
 * `openAuditLog(defaultAuditPath())` or a path of your own.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from './log';

export { AuditLog, AuditError, entryHash, type AuditEntry, type AuditInput, type VerifyResult } from './log';
export { canonicalJson } from './canonical';

/** $OTBRIDGE_AUDIT_LOG, else audit.ndjson in $OTBRIDGE_HOME or ~/.otbridge. */
export function defaultAuditPath(): string {
  return process.env.OTBRIDGE_AUDIT_LOG || join(process.env.OTBRIDGE_HOME || join(homedir(), '.otbridge'), 'audit.ndjson');
}

export function openAuditLog(path: string = defaultAuditPath()): AuditLog {
  return AuditLog.open(path);
}

/** Who is acting, for the `actor` field: the OS user unless told otherwise. */
export function currentActor(): string {
  return process.env.OTBRIDGE_ACTOR || process.env.USER || process.env.USERNAME || 'unknown';
}
