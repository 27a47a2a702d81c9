/**
 * A capture writer that never stops, for the SIGKILL test: writes records in
 * small batches and, after each flush, prints the last id that is on disk.
 *
 *   node --import tsx test-support/capture/write-forever.ts <capture> [rotateBytes]
 */
import { CaptureWriter } from '../../src-main/capture/writer';
import { sessionMeta, up2Record } from './sample-records';

const [path, rotate] = process.argv.slice(2);
if (!path) {
  process.stderr.write('usage: write-forever.ts <capture> [rotateBytes]\n');
  process.exit(2);
}
const w = await CaptureWriter.open(path, { flushIntervalMs: 2, rotateBytes: Number(rotate ?? 0) });
w.writeSession(sessionMeta(1));
let id = 0;
// Bounded so that a parent that fails to kill it does not leave it running for ever.
const deadline = Date.now() + 60_000;
while (Date.now() < deadline) {
  for (let i = 0; i < 25; i++) {
    id++;
    w.writeRecord(up2Record(id, 0x21, { action: 'walk', args: { step: id, pad: 'x'.repeat(id % 200) } }, { session: 1, dir: id % 2 ? 'c2s' : 's2c', seq: id }));
  }
  await w.flush();
  process.stdout.write(`${id}\n`);
}
await w.close();
