// Encode and decode UP/2.0 frames with the codec. Run: npx tsx docs/examples/up2-codec.ts
import { FrameDecoder, FrameEncoder, MessageType, ProtocolError, toHex } from '../../src-shared/protocol';
import { codecPorts } from '../../src-main/net/ports';

// In a session these come from the handshake (src-main/net/keys.ts: deriveSessionKeys).
const clientToServer = new Uint8Array(32).fill(7);

const client = new FrameEncoder({ ...codecPorts, key: clientToServer, direction: 1 });
const server = new FrameDecoder({ ...codecPorts, direction: 1 });
server.setKey(clientToServer); // from now on a plaintext frame is BAD_FLAGS

const move = client.encode({ type: MessageType.PLAYER_MOVE, seq: 1, priority: 1, body: { direction: 'ne' } });
console.log('header ', toHex(move.subarray(0, 18)));

// TCP may cut the stream anywhere: the decoder takes any chunks, here one byte at a time.
for (const byte of move) {
  for (const r of server.feed(Uint8Array.of(byte))) {
    if (r instanceof ProtocolError) console.log('error  ', r.message);
    else console.log('decoded', r.def.name, JSON.stringify(r.body), `seq ${r.header.seq}`);
  }
}

// A body that breaks the schema is BAD_PAYLOAD: not fatal, the frame is skipped and decoding goes on.
const bad = client.encode({ type: MessageType.PLAYER_MOVE, seq: 2, body: { direction: 'up' } });
for (const r of server.feed(bad)) if (r instanceof ProtocolError) console.log('error  ', r.message, `(fatal: ${r.fatal})`);

// A frame out of sequence is fatal: the decoder stops for good.
const skipped = client.encode({ type: MessageType.HEARTBEAT, seq: 9, body: { t: 1700000000000 } });
for (const r of server.feed(skipped)) if (r instanceof ProtocolError) console.log('error  ', r.message, `(fatal: ${r.fatal})`);
console.log('failed ', server.failed?.code);
