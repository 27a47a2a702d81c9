/**
 * Sends a file chosen or dropped in the browser to the services, which
 * cannot read the browser's disk: `capture.upload` in base64 chunks, in
 * order, each answered before the next goes (the services append them to a
 * temporary file and open it after the last).
 */
import type { Bridge, CaptureInfo } from '../../src-shared/ipc/contract';

/**
 * Raw bytes per chunk. Base64 makes 384 KiB exactly 512 KiB of text, the
 * most a chunk may carry, and leaves the web shell's 1 MiB message limit
 * room for the envelope.
 */
export const UPLOAD_CHUNK_BYTES = 384 * 1024;

/** Base64 of bytes, in slices: String.fromCharCode over a whole chunk would overflow the call stack. */
export function bytesToBase64(bytes: Uint8Array): string {
  let bin = '';
  const SLICE = 0x8000;
  for (let i = 0; i < bytes.length; i += SLICE) bin += String.fromCharCode(...bytes.subarray(i, i + SLICE));
  return btoa(bin);
}

export interface UploadOptions {
  readonly chunkBytes?: number;
  /** Bytes the services have, after each chunk. */
  readonly onProgress?: (received: number, total: number) => void;
  /** Checked between chunks: an upload stopped part way is forgotten by the services when they close. */
  readonly cancelled?: () => boolean;
}

export async function uploadCapture(bridge: Bridge, file: Blob, name: string, o: UploadOptions = {}): Promise<CaptureInfo> {
  const size = o.chunkBytes ?? UPLOAD_CHUNK_BYTES;
  let uploadId: string | undefined;
  let offset = 0;
  // An empty file still makes one (empty, final) chunk, so the services say what is wrong with it.
  for (;;) {
    if (o.cancelled?.()) throw new Error('upload cancelled');
    const end = Math.min(file.size, offset + size);
    const bytes = new Uint8Array(await file.slice(offset, end).arrayBuffer());
    const done = end >= file.size;
    const res = await bridge.invoke('capture.upload', { name, offset, dataBase64: bytesToBase64(bytes), done, ...(uploadId ? { uploadId } : {}) });
    uploadId = res.uploadId;
    offset = res.received;
    o.onProgress?.(offset, file.size);
    if (done) {
      if (!res.capture) throw new Error(`the services kept ${name} but did not open it`);
      return res.capture;
    }
    if (offset !== end) throw new Error(`upload of ${name}: the services have ${offset} bytes, ${end} were sent`);
  }
}
