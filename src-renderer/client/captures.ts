/**
 * Captures as sources: open one by path (on the machine running the
 * services) or by sending the file from the browser, save the live traffic
 * or a capture to a file, close one. Errors go back to the form that asked.
 */
import type { Bridge, CaptureInfo, SourceRef } from '../../src-shared/ipc/contract';
import type { ConsoleStore } from '../store';
import { sourceParam } from '../sources';
import { uploadCapture } from './upload';

let nextUpload = 1;

export class CapturesController {
  constructor(
    private readonly bridge: Bridge,
    private readonly store: ConsoleStore,
  ) {}

  async open(path: string): Promise<CaptureInfo> {
    const c = await this.bridge.invoke('capture.open', { path: path.trim() });
    this.store.getState().putCapture(c);
    return c;
  }

  /** Sends a file from the browser; its progress shows in the store's uploads while it goes. Errors go to the caller. */
  async upload(file: Blob, name: string): Promise<CaptureInfo> {
    const id = nextUpload++;
    this.store.getState().putUpload({ id, name, total: file.size, sent: 0 });
    try {
      const c = await uploadCapture(this.bridge, file, name, {
        onProgress: (sent, total) => this.store.getState().putUpload({ id, name, total, sent }),
      });
      this.store.getState().putCapture(c);
      return c;
    } finally {
      this.store.getState().dropUpload(id);
    }
  }

  save(path: string, source: SourceRef, format: 'pcapng' | 'ndjson'): Promise<{ path: string; records: number; sessions: number }> {
    return this.bridge.invoke('capture.save', { path: path.trim(), format, ...sourceParam(source) });
  }

  async close(id: number): Promise<boolean> {
    const { closed } = await this.bridge.invoke('capture.close', { id });
    return closed;
  }

  /** The captures open in the services (another window may have opened some). */
  async list(): Promise<void> {
    this.store.getState().setCaptures(await this.bridge.invoke('capture.list', undefined));
  }
}
