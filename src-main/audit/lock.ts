/**
 * A lock file for writers in different processes: created with O_EXCL, it
 * holds the owner's pid. A lock whose owner is gone (killed mid-append) is
 * taken over rather than waited on forever.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export class LockTimeoutError extends Error {}

export async function withFileLock<T>(lockPath: string, fn: () => T | Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    let fd: number | undefined;
    try {
      fd = openSync(lockPath, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (ownerIsGone(lockPath)) {
        removeQuietly(lockPath);
        continue;
      }
      if (Date.now() > deadline) throw new LockTimeoutError(`could not lock ${lockPath} within ${timeoutMs} ms (held by another otbridge process)`);
      await sleep(Math.min(5 * 2 ** Math.min(attempt, 5), 100));
      continue;
    }
    try {
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return await fn();
    } finally {
      removeQuietly(lockPath);
    }
  }
}

function ownerIsGone(lockPath: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(lockPath, 'utf8'));
  } catch {
    return false; // just released, or being written: try again
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
