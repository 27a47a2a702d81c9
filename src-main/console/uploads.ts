/**
 * Captures dropped on the web shell arrive in base64 chunks (WebSocket
 * messages are bounded); they are written to a temporary file in order and
 * opened when the last chunk is in. Bounded in size, and forgotten on close.
 */
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';

export const MAX_UPLOAD_BYTES = 1 << 30;

interface Upload {
  readonly dir: string;
  readonly path: string;
  received: number;
}

export class UploadStore {
  private readonly uploads = new Map<string, Upload>();

  add(p: { name?: unknown; uploadId?: unknown; offset?: unknown; dataBase64?: unknown; done?: unknown }): { uploadId: string; received: number; done: boolean; path: string } {
    if (typeof p?.dataBase64 !== 'string') throw new Error('capture.upload needs dataBase64');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(p.dataBase64)) throw new Error('capture.upload: dataBase64 is not base64');
    let id = typeof p.uploadId === 'string' ? p.uploadId : null;
    let up = id ? this.uploads.get(id) : undefined;
    if (id && !up) throw new Error(`unknown upload ${id}`);
    if (!up) {
      id = randomUUID();
      const dir = mkdtempSync(join(tmpdir(), 'otbridge-upload-'));
      const safe = String(p.name ?? 'capture').replace(/[^\w.-]+/g, '_').slice(-80) || 'capture';
      up = { dir, path: join(dir, safe), received: 0 };
      this.uploads.set(id, up);
    }
    if (p.offset !== up.received) throw new Error(`upload ${id}: expected offset ${up.received}, got ${String(p.offset)}`);
    const bytes = Buffer.from(p.dataBase64, 'base64');
    if (up.received + bytes.length > MAX_UPLOAD_BYTES) {
      this.forget(id!);
      throw new Error(`capture.upload: larger than ${MAX_UPLOAD_BYTES} bytes; open it by path instead`);
    }
    appendFileSync(up.path, bytes);
    up.received += bytes.length;
    return { uploadId: id!, received: up.received, done: p.done === true, path: up.path };
  }

  forget(id: string): void {
    const up = this.uploads.get(id);
    if (!up) return;
    this.uploads.delete(id);
    rmSync(up.dir, { recursive: true, force: true });
  }

  clear(): void {
    for (const id of [...this.uploads.keys()]) this.forget(id);
  }
}
