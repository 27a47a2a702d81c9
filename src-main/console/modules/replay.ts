/**
 * The console's replay service: open a capture and list its sessions, start
 * replay runs in the background (several may run at once), report their
 * progress, each session and the end as events, cancel them, hand out and
 * export their reports — and write every run to the audit log.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { ServiceError } from '../../../src-shared/ipc/contract';
import { fromBase64 } from '../../../src-shared/protocol';
import { type ReplayReport, type ReplayStartParams } from '../../../src-shared/ipc/replay';
import { currentActor, defaultAuditPath, openAuditLog } from '../../audit/index';
import { ReplayError } from '../../replay/errors';
import { toJUnit } from '../../replay/junit';
import { checkSpeed, emptyCounts, runReplay, type ReplayOptions } from '../../replay/runner';
import { buildRules } from '../../replay/rules';
import { ReplaySource } from '../../replay/source';
import type { ConsoleServices, ServiceModule } from '../services';

export interface ReplayModuleOptions {
  /** Audit log path (default: $OTBRIDGE_AUDIT_LOG or ~/.otbridge/audit.ndjson); null: no audit. */
  readonly auditPath?: string | null;
  /** Finished runs whose reports are kept (default 20). */
  readonly keepRuns?: number;
}

interface Run {
  readonly id: string;
  readonly params: ReplayStartParams;
  readonly abort: AbortController;
  readonly startedAt: number;
  report: ReplayReport | null;
  error: string | null;
}

const HOST_PORT = /^(?:\[([^\]]+)\]|([^:\s]+)):(\d{1,5})$/;

function target(text: unknown): { host: string; port: number } {
  const m = typeof text === 'string' ? HOST_PORT.exec(text.trim()) : null;
  const port = m ? Number(m[3]) : NaN;
  if (!m || port < 1 || port > 65535) throw new ServiceError('BAD_REQUEST', `target must be host:port, got ${JSON.stringify(text)}`);
  return { host: m[1] ?? m[2]!, port };
}

function identity(text: unknown): ReplayOptions['identity'] {
  if (text === null || text === undefined || text === '') return { trustOnFirstUse: true };
  let key: Uint8Array;
  try {
    key = fromBase64(String(text).trim());
  } catch {
    throw new ServiceError('BAD_REQUEST', 'identity must be the server\'s identity key in base64url, as the server prints it');
  }
  if (key.length !== 32) throw new ServiceError('BAD_REQUEST', `an Ed25519 identity key is 32 bytes, this one is ${key.length}`);
  return { pinned: key };
}

export function replayModule(opts: ReplayModuleOptions = {}): ServiceModule {
  const runs = new Map<string, Run>();
  let services: ConsoleServices | null = null;
  const keep = opts.keepRuns ?? 20;

  const emit: ConsoleServices['emit'] = (channel, payload) => services?.emit(channel, payload);

  const audit = async (run: Run): Promise<void> => {
    if (opts.auditPath === null) return;
    const p = run.params;
    try {
      await openAuditLog(opts.auditPath ?? defaultAuditPath()).append({
        kind: 'replay.run',
        actor: currentActor(),
        params: { capture: p.capture, target: p.target, sessions: run.report?.options.sessions ?? p.sessions ?? [], speed: p.speed ?? 1, loop: p.loop ?? 1, ignore: p.ignore ?? [], ignorePushes: p.ignorePushes ?? [], via: 'console' },
        outcome: run.report ? { verdict: run.report.verdict, counts: run.report.counts, durationMs: run.report.durationMs } : { verdict: 'error', error: run.error },
      });
    } catch (e) {
      emit('app.notice', { level: 'warn', text: `replay ${run.id}: the audit log was not written: ${(e as Error).message}`, at: Date.now() });
    }
  };

  const forget = (): void => {
    const done = [...runs.values()].filter((r) => r.report || r.error);
    for (const r of done.slice(0, Math.max(0, done.length - keep))) runs.delete(r.id);
  };

  const start = (p: ReplayStartParams): { runId: string } => {
    if (!p || typeof p.capture !== 'string' || p.capture === '') throw new ServiceError('BAD_REQUEST', 'capture: the path of the capture to replay');
    let speed: number | 'max';
    try {
      speed = checkSpeed(p.speed ?? 1);
    } catch (e) {
      throw new ServiceError('BAD_REQUEST', (e as Error).message);
    }
    for (const k of ['ignore', 'ignorePushes', 'unordered'] as const) {
      const v: unknown = p[k];
      if (v !== undefined && (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))) throw new ServiceError('BAD_REQUEST', `${k} must be an array of strings`);
    }
    const run: Run = { id: randomUUID(), params: p, abort: new AbortController(), startedAt: Date.now(), report: null, error: null };
    const options: ReplayOptions = {
      capture: p.capture,
      target: target(p.target),
      identity: identity(p.identity),
      ...(p.sessions?.length ? { sessions: p.sessions } : {}),
      ...(p.account ? { account: p.account } : {}),
      ...(p.password !== undefined ? { password: p.password } : {}),
      ...(p.passwords ? { passwords: p.passwords } : {}),
      speed,
      ...(p.loop !== undefined ? { loop: p.loop } : {}),
      ...(p.concurrency !== undefined ? { concurrency: p.concurrency } : {}),
      rules: {
        ...(p.ignore ? { ignore: p.ignore } : {}),
        ...(p.defaultIgnores !== undefined ? { defaultIgnores: p.defaultIgnores } : {}),
        ...(p.epsilon !== undefined ? { epsilon: p.epsilon } : {}),
        ...(p.tolerances ? { tolerances: p.tolerances } : {}),
        ...(p.unordered ? { unordered: p.unordered } : {}),
        ...(p.ignorePushes ? { ignorePushes: p.ignorePushes } : {}),
      },
      ...(p.allowDamage ? { allowDamage: true } : {}),
      signal: run.abort.signal,
      onProgress: (x) => emit('replay.progress', { runId: run.id, ...x }),
      onSession: (s) => emit('replay.session', { runId: run.id, session: s }),
    };
    try {
      // Bad rules are the caller's mistake, answered now rather than as a failed run.
      buildRules(options.rules);
    } catch (e) {
      if (e instanceof ReplayError) throw new ServiceError('BAD_REQUEST', e.message);
      throw e;
    }
    runs.set(run.id, run);
    void runReplay(options).then(
      (report) => {
        run.report = report;
        emit('replay.done', { runId: run.id, verdict: report.verdict, exitCode: report.exitCode, counts: report.counts, durationMs: report.durationMs });
      },
      (e: unknown) => {
        run.error = (e as Error).message;
        emit('replay.done', { runId: run.id, verdict: 'error', exitCode: 1, counts: emptyCounts(), durationMs: Date.now() - run.startedAt, error: run.error });
      },
    ).then(() => audit(run)).finally(forget);
    return { runId: run.id };
  };

  const finished = (runId: unknown): Run => {
    const run = runs.get(String(runId));
    if (!run) throw new ServiceError('NOT_FOUND', `no replay run ${String(runId)}`);
    return run;
  };

  return {
    name: 'replay',
    handlers: {
      'replay.open': async (p) => {
        if (!p || typeof p.path !== 'string' || p.path === '') throw new ServiceError('BAD_REQUEST', 'path: the capture to open');
        let source: ReplaySource;
        try {
          // Damage is listed, not refused, here: the user decides (allowDamage) when starting.
          source = await ReplaySource.open(p.path, { allowDamage: true });
        } catch (e) {
          throw new ServiceError(e instanceof ReplayError ? e.code : 'BAD_CAPTURE', (e as Error).message);
        }
        try {
          return { path: p.path, kind: source.kind, messages: source.messages, sessions: source.sessions, warnings: source.warnings };
        } finally {
          await source.close();
        }
      },
      'replay.start': (p) => start(p),
      'replay.cancel': (p) => {
        const run = finished(p?.runId);
        const running = !run.report && !run.error;
        if (running) run.abort.abort();
        return { cancelled: running };
      },
      'replay.report': (p) => finished(p?.runId).report,
      'replay.export': async (p) => {
        const run = finished(p?.runId);
        if (!run.report) throw new ServiceError('NOT_READY', run.error ? `run ${run.id} failed: ${run.error}` : `run ${run.id} is still running`);
        if (p.format !== 'json' && p.format !== 'junit') throw new ServiceError('BAD_REQUEST', 'format is json or junit');
        if (typeof p.path !== 'string' || !isAbsolute(p.path)) throw new ServiceError('BAD_REQUEST', 'path must be an absolute file path');
        const want = p.format === 'json' ? '.json' : '.xml';
        if (!p.path.toLowerCase().endsWith(want)) throw new ServiceError('BAD_REQUEST', `a ${p.format} report is written to a ${want} file`);
        const text = p.format === 'json' ? `${JSON.stringify(run.report, null, 2)}\n` : toJUnit(run.report);
        await writeFile(p.path, text);
        return { path: p.path, bytes: Buffer.byteLength(text) };
      },
    },
    start(s) {
      services = s;
    },
    close() {
      for (const r of runs.values()) r.abort.abort();
    },
  };
}
