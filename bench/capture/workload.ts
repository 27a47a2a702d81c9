/**
 * The capture bench/capture.bench.ts reads: `messages` UP/2.0 records from
 * 64 concurrent sessions, written by CaptureWriter with its default options
 * (so a million messages rotate into two parts, as a real run would).
 *
 * Records cycle through every catalogue type in both roles (requests,
 * pushes, their responses with latency and pair ids), one frame the proxy
 * could not decrypt and one with a decode error and faults — the mix of
 * test-support/capture/sample-records.ts, with ids, sessions, sequence
 * numbers and times made unique and increasing as a proxy makes them.
 */
import { CaptureWriter } from '../../src-main/capture';
import { type MessageRecord } from '../../src-shared/records';
import { everyTypeRecords, sessionMeta, T0 } from '../../test-support/capture/sample-records';

export const SESSIONS = 64;

export interface WrittenCapture {
  readonly path: string;
  readonly records: number;
  readonly sessionBlocks: number;
  readonly bytes: number;
  readonly parts: number;
  readonly seconds: number;
}

/** Writes the capture at `path` (replacing one that is there). */
export async function writeBenchCapture(path: string, messages: number): Promise<WrittenCapture> {
  const templates = everyTypeRecords();
  const t0 = performance.now();
  const writer = await CaptureWriter.open(path, { overwrite: true });
  for (let s = 1; s <= SESSIONS; s++) writer.writeSession(sessionMeta(s, { account: `bench${s}` }));
  const seq = new Uint32Array(SESSIONS + 1);
  for (let i = 0; i < messages; i++) {
    const t = templates[i % templates.length]!;
    const session = 1 + (i % SESSIONS);
    const r: MessageRecord = { ...t, id: i + 1, session, time: T0 + i * 0.25, seq: ++seq[session]! };
    if (!writer.writeRecord(r)) {
      // The buffer is full: let the disk catch up, then write this record again.
      await writer.flush();
      if (!writer.writeRecord(r)) throw new Error(`record ${r.id} was dropped twice`);
    }
    if (i % 8192 === 8191) await writer.flush();
  }
  for (let s = 1; s <= SESSIONS; s++) writer.writeSession({ session: s, end: T0 + messages * 0.25, closeReason: 'logout' });
  const stats = await writer.close();
  if (stats.dropped > 0) throw new Error(`${stats.dropped} records dropped while writing the bench capture`);
  return { path, records: stats.records, sessionBlocks: stats.sessionBlocks, bytes: stats.bytes, parts: stats.parts, seconds: (performance.now() - t0) / 1000 };
}
