import { afterEach, beforeEach, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureWriter } from './writer';
import { followCapture } from './follow';
import { type CaptureItem } from './reader';
import { sessionMeta, up2Record } from '../../test-support/capture/sample-records';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otb-follow-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const record = (id: number, session = 1) => up2Record(id, 0x21, { action: 'walk', args: { id, pad: 'x'.repeat(300) } }, { session });

it('follows a capture as it is written, across rotated parts, until stopped', async () => {
  const path = join(dir, 'live.pcapng');
  const w = await CaptureWriter.open(path, { flushIntervalMs: 5, rotateBytes: 8 * 1024 });
  w.writeSession(sessionMeta(1));
  for (let id = 1; id <= 5; id++) w.writeRecord(record(id));
  await w.flush();

  const stop = new AbortController();
  const seen: CaptureItem[] = [];
  const done = (async () => {
    for await (const item of followCapture(path, { pollMs: 10, signal: stop.signal })) {
      seen.push(item);
      if (seen.filter((i) => i.kind === 'record').length === 120) stop.abort();
    }
  })();
  // Written while the follower runs, in bursts, rotating several times.
  for (let id = 6; id <= 120; id++) {
    w.writeRecord(record(id));
    if (id % 10 === 0) await new Promise((r) => setTimeout(r, 15));
  }
  await w.flush();
  const timeout = setTimeout(() => stop.abort(), 10_000);
  await done;
  clearTimeout(timeout);
  const stats = await w.close();
  expect(stats.parts).toBeGreaterThan(2);
  const ids = seen.flatMap((i) => (i.kind === 'record' ? [i.record.id] : []));
  expect(ids).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
  expect(seen[0]).toMatchObject({ kind: 'session', meta: { session: 1 } });
});

it('starts with the last N records of one session, and stops at the end without --follow', async () => {
  const path = join(dir, 'done.pcapng');
  const w = await CaptureWriter.open(path);
  for (let id = 1; id <= 30; id++) w.writeRecord(record(id, (id % 2) + 1));
  await w.close();
  const ids: number[] = [];
  for await (const item of followCapture(path, { last: 4, session: 2, follow: false })) if (item.kind === 'record') ids.push(item.record.id);
  expect(ids).toEqual([23, 25, 27, 29]);
});
