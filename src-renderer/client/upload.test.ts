import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bytesToBase64, uploadCapture, UPLOAD_CHUNK_BYTES } from './upload';
import { FakeBridge } from '../test-support/fake-bridge';
import { captureInfo } from '../test-support/admin-fixtures';
import type { ParamsOf } from '../../src-shared/ipc/contract';

/** Services that reassemble what they are sent, checking order as the real upload store does. */
function receiver(opts: { lie?: (received: number) => number } = {}) {
  const got: Uint8Array[] = [];
  const calls: ParamsOf<'capture.upload'>[] = [];
  let received = 0;
  const bridge = new FakeBridge().handle('capture.upload', (p) => {
    calls.push(p);
    if (p.offset !== received) throw new Error(`expected offset ${received}, got ${p.offset}`);
    const bytes = Buffer.from(p.dataBase64, 'base64');
    got.push(bytes);
    received += bytes.length;
    return { uploadId: 'u1', received: opts.lie ? opts.lie(received) : received, capture: p.done ? captureInfo(7, { name: p.name }) : null };
  });
  return { bridge, calls, bytes: () => Buffer.concat(got) };
}

describe('bytesToBase64', () => {
  it('is standard base64 for any bytes, including sizes past one String.fromCharCode slice', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70_000 }), (b) => {
        expect(bytesToBase64(b)).toBe(Buffer.from(b).toString('base64'));
      }),
      { numRuns: 30 },
    );
  });
});

describe('uploadCapture', () => {
  it('sends the file in order, in chunks whose base64 is at most 512 KiB, and returns the opened capture', async () => {
    const data = new Uint8Array(UPLOAD_CHUNK_BYTES * 2 + 1234).map((_, i) => (i * 31) & 0xff);
    const r = receiver();
    const seen: number[] = [];
    const c = await uploadCapture(r.bridge, new Blob([data]), 'big.pcapng', { onProgress: (n) => seen.push(n) });
    expect(c).toMatchObject({ id: 7, name: 'big.pcapng' });
    expect(Buffer.compare(r.bytes(), Buffer.from(data))).toBe(0);
    expect(r.calls.map((p) => [p.offset, p.done, p.uploadId ?? null])).toEqual([
      [0, false, null],
      [UPLOAD_CHUNK_BYTES, false, 'u1'],
      [UPLOAD_CHUNK_BYTES * 2, true, 'u1'],
    ]);
    for (const p of r.calls) expect(p.dataBase64.length).toBeLessThanOrEqual(512 * 1024);
    expect(seen).toEqual([UPLOAD_CHUNK_BYTES, UPLOAD_CHUNK_BYTES * 2, data.length]);
  });

  it('an empty file is one empty final chunk (the services then say what is wrong with it)', async () => {
    const r = receiver();
    await uploadCapture(r.bridge, new Blob([]), 'empty.pcapng');
    expect(r.calls).toEqual([{ name: 'empty.pcapng', offset: 0, dataBase64: '', done: true }]);
  });

  it('stops when the services account for fewer bytes than were sent, or refuse a chunk', async () => {
    const short = receiver({ lie: (n) => n - 1 });
    await expect(uploadCapture(short.bridge, new Blob([new Uint8Array(10)]), 'x', { chunkBytes: 4 })).rejects.toThrow(/have 3 bytes, 4 were sent/);
    expect(short.calls).toHaveLength(1);
    const refusing = new FakeBridge().handle('capture.upload', () => {
      throw new Error('capture.upload: larger than 1073741824 bytes; open it by path instead');
    });
    await expect(uploadCapture(refusing, new Blob([new Uint8Array(10)]), 'x')).rejects.toThrow(/open it by path/);
  });

  it('a last chunk that opens nothing is an error, not a silent success; a cancel stops between chunks', async () => {
    const noCapture = new FakeBridge().handle('capture.upload', (p) => ({ uploadId: 'u', received: p.offset + Buffer.from(p.dataBase64, 'base64').length, capture: null }));
    await expect(uploadCapture(noCapture, new Blob([new Uint8Array(3)]), 'x')).rejects.toThrow(/did not open it/);
    const r = receiver();
    let n = 0;
    await expect(uploadCapture(r.bridge, new Blob([new Uint8Array(10)]), 'x', { chunkBytes: 4, cancelled: () => n++ >= 1 })).rejects.toThrow(/cancelled/);
    expect(r.calls).toHaveLength(1);
  });
});
