// Open a capture session by session, as replay does. Run: npx tsx docs/examples/session-index.ts [/tmp/sessions.pcapng]
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureWriter, indexPath } from '../../src-main/capture';
import { SessionIndex } from '../../src-main/capture/session-index';
import { FrameEncoder, MessageType, readHeader, typeName, utf8Encode } from '../../src-shared/protocol';
import { up2FlagNames } from '../../src-main/capture/pdu/up2';
import type { Dir, MessageRecord } from '../../src-shared/records';

const path = process.argv[2] ?? join(tmpdir(), 'otbridge-sessions.pcapng');
const encoder = new FrameEncoder();
function record(id: number, session: number, dir: Dir, type: number, body: object): MessageRecord {
  const plain = utf8Encode(JSON.stringify(body));
  const wire = encoder.encode({ type, seq: id, ref: 0, response: dir === 's2c', body: plain });
  const h = readHeader(wire, 0, 1 << 20);
  return { id, session, dir, time: 1_700_000_000_000 + id, dialect: 'up2', type: typeName(type), code: type, seq: id, ref: h.ref, flags: up2FlagNames(h.flags), wireSize: wire.length, bodySize: plain.length, body, plain, wire };
}

// Two sessions, interleaved as concurrent sessions are in a proxy's capture.
const writer = await CaptureWriter.open(path, { overwrite: true });
for (const s of [1, 2]) writer.writeSession({ session: s, account: `bot${s}`, dialect: 'up2', mode: 'decrypt' });
let id = 0;
for (const s of [1, 2]) writer.writeRecord(record(++id, s, 'c2s', MessageType.AUTH_LOGIN, { account: `bot${s}` }));
for (let k = 0; k < 3; k++) for (const s of [1, 2]) writer.writeRecord(record(++id, s, 'c2s', MessageType.PLAYER_MOVE, { direction: 'n' }));
await writer.close();
await rm(indexPath(path)); // as if the capture came without its index

// Opening makes one pass (here a scan, which writes the index); no record is decoded yet.
const first = await SessionIndex.open(path, { watchCodes: [MessageType.AUTH_LOGIN] });
console.log('index   ', first.index.state, `${first.messages} messages`);
for (const e of first.sessionEntries()) console.log(`session ${e.session}: ${e.messages} messages, ${e.c2s} from the client, ${e.count(MessageType.AUTH_LOGIN, false)} login`);
console.log('metas   ', (await first.sessionMetas()).map((m) => m.account));
// A session's records are read (and decoded) when asked for.
console.log('session 2', (await first.records(2)).map((r) => `#${r.id} ${r.type}`).join(', '));
await first.close();

// The next open reads the index it wrote.
const again = await SessionIndex.open(path);
console.log('index   ', again.index.state, again.warnings);
await again.close();
