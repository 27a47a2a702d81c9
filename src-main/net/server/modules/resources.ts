/**
 * Resources served from one folder (spec RESOURCE_REQUEST / RESPONSE /
 * UPDATE): chunked, hashed with SHA-256, `ifNoneMatch` answered with
 * notModified, and every change pushed to every session.
 *
 * Only regular files inside the folder are served: names with `..`,
 * absolute paths, NUL bytes, or links that resolve outside the folder are
 * NOT_FOUND, exactly like names that do not exist (no oracle for probing).
 */
import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { MessageType, type BodyOf, type ResponseOf } from '../../../../src-shared/protocol';
import type { UpServer } from '../server';

export interface ResourceInfo {
  readonly name: string;
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
}

export interface ResourceStoreOptions {
  /** Bytes per RESOURCE_RESPONSE chunk (base64 makes it 4/3 larger on the wire). */
  readonly chunkSize?: number;
}

export class ResourceStore {
  readonly chunkSize: number;
  private rootReal: string | null = null;
  private readonly hashes = new Map<string, { mtimeMs: number; size: number; sha256: string }>();
  private watcher: FSWatcher | null = null;
  private readonly pendingChanges = new Map<string, NodeJS.Timeout>();

  constructor(
    readonly root: string,
    opts: ResourceStoreOptions = {},
  ) {
    this.chunkSize = opts.chunkSize ?? 128 * 1024;
  }

  private async base(): Promise<string> {
    this.rootReal ??= await realpath(this.root);
    return this.rootReal;
  }

  /** The file behind a name, or null for anything not a regular file inside the folder. */
  async resolve(name: string): Promise<ResourceInfo | null> {
    if (!name || name.length > 1024 || name.includes('\0') || name.includes('\\') || isAbsolute(name)) return null;
    const segments = name.split('/');
    if (segments.some((s) => s === '..' || s === '.' || s === '')) return null;
    const base = await this.base();
    let real: string;
    try {
      real = await realpath(join(base, ...segments));
    } catch {
      return null;
    }
    if (!real.startsWith(base + sep)) return null;
    const st = await stat(real).catch(() => null);
    if (!st || !st.isFile()) return null;
    const cached = this.hashes.get(real);
    if (cached && cached.mtimeMs === st.mtimeMs && cached.size === st.size) {
      return { name, path: real, size: st.size, sha256: cached.sha256 };
    }
    const sha256 = await hashFile(real);
    this.hashes.set(real, { mtimeMs: st.mtimeMs, size: st.size, sha256 });
    return { name, path: real, size: st.size, sha256 };
  }

  async readChunk(info: ResourceInfo, offset: number): Promise<Uint8Array> {
    const length = Math.max(0, Math.min(this.chunkSize, info.size - offset));
    const fh = await open(info.path, 'r');
    try {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await fh.read(buf, 0, length, offset);
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  }

  /** Calls `onChange` (debounced) when a file in the folder is created or changed. */
  watch(onChange: (info: ResourceInfo) => void): void {
    if (this.watcher) return;
    this.watcher = watch(this.root, { recursive: true }, (_event, filename) => {
      if (!filename) return;
      const name = filename.split(sep).join('/');
      clearTimeout(this.pendingChanges.get(name));
      this.pendingChanges.set(
        name,
        setTimeout(() => {
          this.pendingChanges.delete(name);
          void this.resolve(name).then((info) => info && onChange(info));
        }, 100),
      );
    });
    this.watcher.on('error', () => this.unwatch());
  }

  unwatch(): void {
    this.watcher?.close();
    this.watcher = null;
    for (const t of this.pendingChanges.values()) clearTimeout(t);
    this.pendingChanges.clear();
  }

  relativeName(path: string): string {
    return relative(this.root, path).split(sep).join('/');
  }
}

async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  const fh = await open(path, 'r');
  try {
    for await (const chunk of fh.createReadStream()) h.update(chunk as Buffer);
  } finally {
    await fh.close();
  }
  return h.digest('hex');
}

/** Serves RESOURCE_REQUEST from `store` and pushes RESOURCE_UPDATE to every session on change. */
export function attachResources(server: UpServer, store: ResourceStore, opts: { watch?: boolean } = {}): () => void {
  server.handle('RESOURCE_REQUEST', async (ctx) => {
    const req = ctx.frame.body as BodyOf<'RESOURCE_REQUEST'>;
    const info = await store.resolve(req.name);
    if (!info) {
      ctx.error('NOT_FOUND', `no resource named ${JSON.stringify(req.name)}`);
      return;
    }
    if (req.ifNoneMatch && req.ifNoneMatch === info.sha256) {
      ctx.reply(MessageType.RESOURCE_RESPONSE, { name: req.name, notModified: true } satisfies ResponseOf<'RESOURCE_RESPONSE'>);
      return;
    }
    const offset = req.offset ?? 0;
    if (offset > info.size) {
      ctx.error('BAD_PAYLOAD', `offset ${offset} is past the end of ${req.name} (${info.size} bytes)`);
      return;
    }
    const data = await store.readChunk(info, offset);
    const body: ResponseOf<'RESOURCE_RESPONSE'> = {
      name: req.name,
      sha256: info.sha256,
      size: info.size,
      offset,
      data: Buffer.from(data.buffer, data.byteOffset, data.length).toString('base64'),
      done: offset + data.length >= info.size,
    };
    if (ctx.conn.isOpen) ctx.reply(MessageType.RESOURCE_RESPONSE, body, 3);
  });
  if (opts.watch !== false) {
    store.watch((info) => {
      server.broadcast(MessageType.RESOURCE_UPDATE, { name: info.name, sha256: info.sha256, size: info.size } satisfies BodyOf<'RESOURCE_UPDATE'>, 3);
    });
  }
  return () => store.unwatch();
}
