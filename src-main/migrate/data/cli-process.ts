/**
 * For the crash tests (sqlite-crash.test.ts, mariadb.test.ts): runs the
 * `otbridge` CLI from its sources in a child process, and kills it with
 * SIGKILL at a chosen `--json` event — the nearest thing to pulling the plug
 * that a test can do. Every wait is bounded.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const CLI = join(import.meta.dirname, '..', '..', 'cli', 'main.ts');
const LIMIT_MS = 60_000;

function spawnCli(args: readonly string[]) {
  return spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, OTBRIDGE_ACTOR: 'test' } });
}

/** Runs the CLI and SIGKILLs it at the first JSON event matching `when`; resolves with that event. */
export function runAndKill(args: readonly string[], when: (e: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const p = spawnCli(args);
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`no matching event within ${LIMIT_MS / 1000} s; stderr: ${stderr}`));
    }, LIMIT_MS);
    let hit: Record<string, unknown> | undefined;
    createInterface({ input: p.stdout }).on('line', (line) => {
      if (hit) return;
      let e: Record<string, unknown>;
      try {
        e = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      if (when(e)) {
        hit = e;
        p.kill('SIGKILL');
      }
    });
    p.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (hit && signal === 'SIGKILL') resolve(hit);
      else reject(new Error(`the run ended before it could be killed (${signal ?? code}); stderr: ${stderr}`));
    });
  });
}

/** Runs the CLI to its end; resolves with the exit code. */
export function runCli(args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawnCli(args);
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.stdout.resume();
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`CLI did not finish within ${LIMIT_MS / 1000} s: ${stderr}`));
    }, LIMIT_MS);
    p.on('exit', (code) => {
      clearTimeout(timer);
      if (code === null) reject(new Error(stderr));
      else resolve(code);
    });
  });
}
