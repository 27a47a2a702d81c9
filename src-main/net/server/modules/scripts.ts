/**
 * SCRIPT_EXECUTE on the server: scope `admin` only (else FORBIDDEN), run in
 * the sandboxed Lua runner with a read-only view of the world, answered
 * with SCRIPT_RESULT or SCRIPT_ERROR. A full runner queue is RATE_LIMITED.
 * Every run can be audited through `onRun`.
 */
import { MessageType, type BodyOf } from '../../../../src-shared/protocol';
import { ScriptRunnerBusyError, isScriptError, type ScriptOutcome, type ScriptRunner } from '../../../scripting';
import type { UpServer } from '../server';
import type { ServerSession } from '../session';

export interface ScriptsModuleOptions {
  readonly runner: ScriptRunner;
  /** The world as scripts see it (a JSON-safe snapshot, read-only for them). */
  readonly world: () => unknown;
  readonly onRun?: (session: ServerSession, source: string, outcome: ScriptOutcome) => void;
}

export function attachScripts(server: UpServer, opts: ScriptsModuleOptions): void {
  server.handle('SCRIPT_EXECUTE', async (ctx) => {
    if (!ctx.session.hasScope('admin')) {
      ctx.error('FORBIDDEN', 'SCRIPT_EXECUTE needs the admin scope');
      return;
    }
    const req = ctx.frame.body as BodyOf<'SCRIPT_EXECUTE'>;
    // Nobody to answer once the connection is gone: stop the script instead of letting it run to its limit.
    const abort = new AbortController();
    const onClose = (): void => abort.abort(new Error('the connection closed'));
    ctx.conn.socket.once('close', onClose);
    let outcome: ScriptOutcome;
    try {
      outcome = await opts.runner.run({
        source: req.source,
        ...(req.args ? { args: req.args } : {}),
        ...(req.timeoutMs ? { timeoutMs: req.timeoutMs } : {}),
        world: opts.world(),
        signal: abort.signal,
      });
    } catch (e) {
      if (abort.signal.aborted) return;
      if (e instanceof ScriptRunnerBusyError) ctx.error('RATE_LIMITED', 'too many scripts running; try again shortly');
      else ctx.error('INTERNAL', `the script runner failed: ${(e as Error).message}`);
      return;
    } finally {
      ctx.conn.socket.off('close', onClose);
    }
    opts.onRun?.(ctx.session, req.source, outcome);
    if (!ctx.conn.isOpen) return;
    if (isScriptError(outcome)) ctx.reply(MessageType.SCRIPT_ERROR, outcome);
    else ctx.reply(MessageType.SCRIPT_RESULT, outcome);
  });
}
