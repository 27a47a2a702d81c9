// The proxy as a library: a reference server, the proxy in decrypt mode in front of it,
// one client logging in and sending three heartbeats, every record printed as the proxy
// publishes it (after the bytes have gone out) with the size of its capture bytes.
//
//   npx tsx docs/examples/proxy-records.ts
import { ReferenceServer } from '../../src-main/peers/server';
import { startProxy } from '../../src-main/proxy/setup';
import { UpClient } from '../../src-main/net/client/client';
import { generateKeyPair } from '../../src-main/net/keys';
import { MessageType } from '../../src-shared/protocol';

const server = await ReferenceServer.create({ port: 0, scrypt: { N: 1 << 10, r: 8, p: 1 } });
const target = await server.listen();
const identity = generateKeyPair('ed25519');
const run = await startProxy({
  listen: { host: '127.0.0.1', port: 0 },
  target,
  dialect: 'up2',
  mode: 'decrypt',
  identity,
  upstreamIdentity: { pinned: server.identity.publicRaw },
  // What memory keeps for the UI: at most 1000 records and 1 MiB of their bytes (older ones are in the capture, when there is one).
  keepRecords: 1000,
  keepRecordBytes: 1 << 20,
});
run.proxy.on('sessionOpen', (info) => console.log(`session ${info.id} from ${info.client}`));
run.proxy.on('record', (r, pdu) => {
  const paired = r.latencyMs !== undefined ? ` answers #${r.pairId} after ${r.latencyMs.toFixed(2)} ms` : '';
  const body = JSON.stringify(r.body) ?? '';
  console.log(`#${r.id} ${r.dir} ${r.type} seq=${r.seq} body=${body.length > 60 ? `${body.slice(0, 59)}…` : body} pdu=${pdu().length} B${paired}`);
});

// The client trusts the proxy's identity: in decrypt mode the proxy is its server.
const client = new UpClient({ ...run.address, identity: { pinned: identity.publicRaw }, credentials: { account: 'demo', password: 'demo' }, reconnectAttempts: 0 });
await client.connect();
for (let t = 1; t <= 3; t++) await client.request(MessageType.HEARTBEAT, { t });
client.close();
// Read back from memory: the body is parsed again from the kept plaintext, redacted like the live record.
const store = run.proxy.records;
for (let id = store.oldestId; id <= store.newestId; id++) {
  const r = store.get(id);
  if (r?.type === 'AUTH_LOGIN' && r.dir === 'c2s') console.log(`read back #${r.id} ${r.type} body=${JSON.stringify(r.body)} wire=${r.wire?.length} B`);
}
console.log(`records kept: ${run.proxy.records.newestId - run.proxy.records.oldestId + 1}`);
await run.close();
await server.close();
