/**
 * Child processes for benchmarks that need a server, a relay or a load
 * generator on CPU of their own: each runs a bench/…-proc.ts file under tsx
 * and talks over the IPC channel in `{ cmd }` messages.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** Starts bench/<file> (a path relative to bench/) with extra environment. */
export function child(file: string, env: Record<string, string>, o: { maxOldSpaceMiB?: number } = {}): ChildProcess {
  const execArgv = ['--import', 'tsx', ...(o.maxOldSpaceMiB ? [`--max-old-space-size=${o.maxOldSpaceMiB}`] : [])];
  return fork(join(import.meta.dirname, file), [], { execArgv, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

/** The next message `{ cmd }` from the child (sent by it on its own: 'ready', 'done'). */
export function next<T>(p: ChildProcess, cmd: string, timeoutMs = 120_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null): void => {
      clearTimeout(timer);
      p.off('message', on);
      reject(new Error(`${cmd}: the child exited (${code}) before answering`));
    };
    const timer = setTimeout(() => {
      p.off('message', on);
      p.off('exit', onExit);
      reject(new Error(`${cmd}: no answer in ${timeoutMs} ms`));
    }, timeoutMs);
    const on = (m: { cmd: string }): void => {
      if (m.cmd !== cmd) return;
      clearTimeout(timer);
      p.off('message', on);
      p.off('exit', onExit);
      resolve(m as T);
    };
    p.on('message', on);
    p.once('exit', onExit);
  });
}

/** Sends `{ cmd }` and waits for the child's answer of the same name. */
export function ask<T>(p: ChildProcess, cmd: string, timeoutMs = 120_000): Promise<T> {
  const answer = next<T>(p, cmd, timeoutMs);
  p.send({ cmd });
  return answer;
}

/** Asks the child to stop; kills it when it has not exited 10 s later. */
export async function stop(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise((r) => p.once('exit', r));
  p.send({ cmd: 'stop' });
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
}
