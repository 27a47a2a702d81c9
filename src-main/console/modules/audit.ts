/**
 * The console's audit log service, behind the Audit view: pages of the log
 * (every migration, config write, script execution and replay run, by this
 * console or any otbridge process), verification of its hash chain, and an
 * event when it grows.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { ServiceError } from '../../../src-shared/ipc/contract';
import { type AuditPage, type AuditVerification } from '../../../src-shared/ipc/migrate';
import { AuditLog, defaultAuditPath } from '../../audit/index';
import { AuditPages } from '../migrate/audit-pages';
import type { ConsoleServices, ServiceModule } from '../services';

export interface AuditModuleOptions {
  /** The log (default: $OTBRIDGE_AUDIT_LOG or ~/.otbridge/audit.ndjson). */
  readonly auditPath?: string;
  /** How often the file is checked for growth, for audit.appended (default 1000 ms). */
  readonly watchIntervalMs?: number;
}

export function auditModule(opts: AuditModuleOptions = {}): ServiceModule {
  const path = opts.auditPath ?? defaultAuditPath();
  const pages = new AuditPages();
  let services: ConsoleServices | null = null;
  let timer: NodeJS.Timeout | null = null;

  // Polling, not inotify: it works before the file (or its folder) exists, and for writers in other processes.
  let last = '';
  let polling = false;
  const poll = async (): Promise<void> => {
    if (polling) return;
    polling = true;
    try {
      const st = await stat(path).catch(() => null);
      const now = st ? `${st.size}:${st.mtimeMs}:${st.ino}` : '';
      if (now === last) return;
      last = now;
      const lines = await pages.lines(path);
      services?.emit('audit.appended', { path, lines });
    } catch {
      // the next poll tries again
    } finally {
      polling = false;
    }
  };

  const list = (p: unknown): Promise<AuditPage> => pages.page(path, p);

  const verify = async (p: { expectHead?: unknown } | undefined): Promise<AuditVerification> => {
    const expect = p?.expectHead;
    if (expect !== undefined && (typeof expect !== 'string' || !/^[0-9a-f]{64}$/.test(expect))) throw new ServiceError('BAD_REQUEST', 'expectHead: a head hash as audit.verify gave it (64 hexadecimal digits)');
    // A log nothing has written yet is an empty, intact chain (AuditLog.open would create the file: not for a read).
    const r = existsSync(path) ? await AuditLog.open(path).verify() : { ok: true, entries: 0, head: '', firstBroken: undefined };
    return {
      path,
      ok: r.ok,
      entries: r.entries,
      head: r.head,
      firstBroken: r.firstBroken ? { line: r.firstBroken.line, seq: r.firstBroken.seq ?? null, reason: r.firstBroken.reason } : null,
      headMatches: expect === undefined ? null : r.head === expect,
    };
  };

  return {
    name: 'audit',
    handlers: {
      'audit.list': (p) => list(p),
      'audit.verify': (p) => verify(p),
    },
    async start(s) {
      services = s;
      // What is there now is not news: only growth from here on is.
      const st = await stat(path).catch(() => null);
      last = st ? `${st.size}:${st.mtimeMs}:${st.ino}` : '';
      timer = setInterval(() => void poll(), opts.watchIntervalMs ?? 1000);
      timer.unref();
    },
    close() {
      if (timer) clearInterval(timer);
      timer = null;
      services = null;
    },
  };
}
