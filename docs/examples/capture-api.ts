// Write a capture, read it back, export it. Run: npx tsx docs/examples/capture-api.ts [/tmp/example.pcapng]
// Then try: node out/main/cli.js capture info /tmp/example.pcapng   (after npm run build)
//      and: tshark -X lua_script:tools/wireshark/up2.lua -r /tmp/example.pcapng
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureReader, CaptureWriter, exportNdjson, formatRecordLine } from '../../src-main/capture';
import { FrameEncoder, readHeader, typeName, utf8Encode } from '../../src-shared/protocol';
import { up2FlagNames } from '../../src-main/capture/pdu/up2';
import type { Dir, MessageRecord } from '../../src-shared/records';

const path = process.argv[2] ?? join(tmpdir(), 'otbridge-example.pcapng');

// What the proxy hands the writer for each decoded frame (here built by hand).
const encoder = new FrameEncoder();
function record(id: number, dir: Dir, type: number, seq: number, body: object, answers?: { ref: number; id: number }): MessageRecord {
  const plain = utf8Encode(JSON.stringify(body));
  const wire = encoder.encode({ type, seq, ref: answers?.ref ?? 0, response: !!answers, body: plain });
  const h = readHeader(wire, 0, 1 << 20);
  return {
    id, session: 1, dir, time: Date.now() + id, dialect: 'up2', type: typeName(type), code: type,
    seq, ref: h.ref, flags: up2FlagNames(h.flags), wireSize: wire.length, bodySize: plain.length,
    ...(answers ? { latencyMs: 2.5, pairId: answers.id } : {}),
    body, plain, wire,
  };
}

const writer = await CaptureWriter.open(path, { overwrite: true, rotateBytes: 64 * 1024 * 1024 });
writer.writeSession({ session: 1, mode: 'decrypt', client: { address: '127.0.0.1', port: 50000 }, server: { address: '127.0.0.1', port: 7180 }, start: Date.now() });
writer.writeRecord(record(1, 'c2s', 0x05, 1, { t: 1700000000000 }));
writer.writeRecord(record(2, 's2c', 0x05, 1, { t: 1700000000000 }, { ref: 1, id: 1 }));
writer.writeRecord(record(3, 'c2s', 0x20, 2, { direction: 'ne' }));
// Learnt at login: written as a new block; the password is removed before anything reaches the file.
writer.writeSession({ session: 1, account: 'demo', password: 'never written' });
writer.writeSession({ session: 1, end: Date.now() + 10, closeReason: 'client closed' });
console.log('written ', await writer.close());

const reader = await CaptureReader.open(path);
console.log('index   ', reader.index, `${reader.recordCount} records`);
console.log('session ', await reader.sessions());
for await (const r of reader.records({ dir: 'c2s' })) console.log(formatRecordLine(r));
const answer = await reader.get(2);
console.log('get(2)  ', answer?.type, answer?.body, `${answer?.latencyMs} ms after #${answer?.pairId}`);
console.log('page    ', (await reader.page({ limit: 2 })).records.map((r) => r.id));
// Passes over a whole capture: a window's worth per await, as records or as summaries in columns.
let requests = 0;
for await (const batch of reader.summaryBatches()) for (let i = 0; i < batch.length; i++) if (!batch.flags[i]!.includes('RESPONSE')) requests++;
console.log('requests', requests);
await exportNdjson(reader, process.stdout, { session: 1 });
await reader.close();
