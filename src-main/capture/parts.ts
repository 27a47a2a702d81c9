/**
 * File naming of a capture: the first part is the path the user gave
 * (`name.pcapng`); rotation adds `name.0001.pcapng`, `name.0002.pcapng`, …
 * (the number goes before the last extension, four digits or more). The
 * index is `name.pcapng.idx` and, while a writer is running, `name.pcapng.lock`
 * holds its pid.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { hostname } from 'node:os';

export function partPath(base: string, part: number): string {
  if (part === 0) return base;
  const ext = extname(base);
  const stem = ext ? base.slice(0, -ext.length) : base;
  return `${stem}.${String(part).padStart(4, '0')}${ext}`;
}

export const indexPath = (base: string): string => `${base}.idx`;
export const lockPath = (base: string): string => `${base}.lock`;

export interface PartFileName {
  readonly part: number;
  readonly path: string;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The parts on disk, in order; part 0 first when it exists. Gaps are kept (the reader warns about them). */
export async function listParts(base: string): Promise<PartFileName[]> {
  const dir = dirname(base);
  const name = basename(base);
  const ext = extname(name);
  const stem = ext ? name.slice(0, -ext.length) : name;
  const re = new RegExp(`^${escapeRe(stem)}\\.(\\d{4,})${escapeRe(ext)}$`);
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return [];
  }
  const parts: PartFileName[] = [];
  for (const e of entries) {
    if (e === name) parts.push({ part: 0, path: base });
    else {
      const m = re.exec(e);
      if (m && Number(m[1]) > 0 && Number(m[1]) < 65536) parts.push({ part: Number(m[1]), path: join(dir, e) });
    }
  }
  return parts.sort((a, b) => a.part - b.part);
}

export interface LockInfo {
  readonly pid: number;
  readonly host: string;
  readonly started: number;
}

export const lockContent = (): string => JSON.stringify({ pid: process.pid, host: hostname(), started: Date.now() });

/** The running writer of this capture, or null (no lock, a lock from another host, or its process is gone). */
export async function liveWriter(base: string): Promise<LockInfo | null> {
  let info: LockInfo;
  try {
    info = JSON.parse(await readFile(lockPath(base), 'utf8')) as LockInfo;
  } catch {
    return null;
  }
  if (typeof info.pid !== 'number' || info.host !== hostname()) return null;
  try {
    process.kill(info.pid, 0);
    return info;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? info : null;
  }
}

export async function fileSize(path: string): Promise<number | null> {
  try {
    return (await stat(path)).size;
  } catch {
    return null;
  }
}
