import { describe, expect, it } from 'vitest';
import { importJWK, jwtVerify } from 'jose';
import vectors from '../../test-support/fixtures/up2-vectors.json';
import {
  FrameDecoder,
  FrameEncoder,
  ProtocolError,
  fromHex,
  toHex,
  messageByCode,
  MessageType,
  type DecodedFrame,
  type Direction,
  type BlockCompressor,
} from '../../src-shared/protocol';
import { nodeAead } from './aead';
import { lz4Js } from '../../src-shared/protocol';
import { lz4NapiCompressor } from './ports';
import { b64u, deriveSessionKeys, keyPairFromRaw, signTranscript, transcript, verifyTranscript } from './keys';

const napi = lz4NapiCompressor();
const compressors: [string, BlockCompressor][] = [['lz4 (TypeScript)', lz4Js]];
if (napi) compressors.push(['lz4-napi', napi]);

function decodeOne(frameHex: string, key: string | null, direction: number, compressor: BlockCompressor) {
  const dec = new FrameDecoder({
    aead: nodeAead,
    compressor,
    key: key ? fromHex(key) : null,
    direction: direction as Direction,
    checkSequence: false,
  });
  dec.push(fromHex(frameHex));
  return dec.next();
}

describe('spec vectors: encode', () => {
  for (const v of vectors.encode) {
    it(`${v.type} seq ${v.seq}${v.key ? ' encrypted' : ''} is produced byte for byte`, () => {
      const enc = new FrameEncoder({
        aead: nodeAead,
        compressor: lz4Js,
        key: v.key ? fromHex(v.key) : null,
        direction: v.direction as Direction,
      });
      const frame = enc.encode({
        type: MessageType[v.type as keyof typeof MessageType],
        seq: v.seq,
        ref: v.ref,
        response: v.response,
        priority: v.priority as 0 | 1 | 2 | 3,
        body: v.body,
      });
      expect(toHex(frame)).toBe(v.frame);
    });
  }

  it('lz4Js reproduces the LZ4 block of the decode-only compressed GAME_STATE_SYNC vector too', () => {
    const v = vectors.decode.find((d) => d.key === null)!;
    const block = fromHex(v.frame).subarray(18 + 4);
    expect(toHex(lz4Js.compress(new TextEncoder().encode(v.body)))).toBe(toHex(block));
  });

  it('the RESOURCE_RESPONSE vector is compressed, whatever its note says', () => {
    // The vector's note says "sent without COMPRESSED", but its frame has flags 0x15
    // (COMPRESSED set) and 4 + len(lz4) = 764 < 1743 body bytes, so spec §3 requires compression.
    const v = vectors.encode.find((e) => e.type === 'RESOURCE_RESPONSE')!;
    expect(fromHex(v.frame)[4]! & 1).toBe(1);
  });
});

describe.each(compressors)('spec vectors: decode with %s', (_name, compressor) => {
  for (const v of [...vectors.decode, ...vectors.encode]) {
    it(`${v.type}${v.key ? ' encrypted' : ''} decodes to its body`, () => {
      const r = decodeOne(v.frame, v.key, v.direction, compressor);
      expect(r).not.toBeInstanceOf(ProtocolError);
      const f = r as DecodedFrame;
      expect(new TextDecoder().decode(f.bodyBytes)).toBe(v.body);
      expect(f.body).toEqual(JSON.parse(v.body));
      expect(f.def.name).toBe(v.type);
    });
  }
});

describe.each(compressors)('spec vectors: reject with %s', (_name, compressor) => {
  for (const v of vectors.reject) {
    it(`${v.why} → ${v.error}`, () => {
      const r = decodeOne(v.frame, v.key ?? null, v.direction ?? 1, compressor);
      expect(r).toBeInstanceOf(ProtocolError);
      expect((r as ProtocolError).code).toBe(v.error);
    });
  }
});

describe('spec vectors: handshake', () => {
  const h = vectors.handshake;
  const client = keyPairFromRaw('x25519', fromHex(h.clientPrivate));
  const server = keyPairFromRaw('x25519', fromHex(h.serverPrivate));
  const identity = keyPairFromRaw('ed25519', fromHex(h.identityPrivate));
  const cNonce = b64u.decode(h.clientNonce);
  const sNonce = b64u.decode(h.serverNonce);

  it('public keys match', () => {
    expect(b64u.encode(client.publicRaw)).toBe(h.clientKey);
    expect(b64u.encode(server.publicRaw)).toBe(h.serverKey);
    expect(b64u.encode(identity.publicRaw)).toBe(h.identityKey);
  });

  it('transcript and signature match, and verify', () => {
    const t = transcript(client.publicRaw, cNonce, server.publicRaw, sNonce, h.sessionId);
    expect(toHex(t)).toBe(h.transcript);
    const sig = signTranscript(identity.privateKey, t);
    expect(b64u.encode(sig)).toBe(h.signature);
    expect(verifyTranscript(identity.publicRaw, t, b64u.decode(h.signature))).toBe(true);
    const other = keyPairFromRaw('ed25519', new Uint8Array(32).fill(9));
    expect(verifyTranscript(other.publicRaw, t, sig)).toBe(false);
    const tampered = t.slice();
    tampered[tampered.length - 1] = tampered[tampered.length - 1]! ^ 1;
    expect(verifyTranscript(identity.publicRaw, tampered, sig)).toBe(false);
  });

  it('both sides derive the same direction keys', () => {
    const fromClient = deriveSessionKeys(client.privateKey, server.publicRaw, cNonce, sNonce);
    const fromServer = deriveSessionKeys(server.privateKey, client.publicRaw, cNonce, sNonce);
    expect(toHex(fromClient.clientToServer)).toBe(h.clientToServerKey);
    expect(toHex(fromClient.serverToClient)).toBe(h.serverToClientKey);
    expect(fromServer).toEqual(fromClient);
  });

  it('refuses a low-order peer key', () => {
    expect(() => deriveSessionKeys(client.privateKey, new Uint8Array(32), cNonce, sNonce)).toThrow(/low-order|all-zero/);
  });
});

describe('spec vectors: JWT', () => {
  const j = vectors.jwt;
  const verifyAt = async (token: string) => {
    const key = await importJWK({ kty: 'OKP', crv: 'Ed25519', x: j.publicKey }, 'EdDSA');
    return jwtVerify(token, key, { issuer: j.issuer, algorithms: ['EdDSA'], currentDate: new Date(j.now * 1000) });
  };
  for (const v of j.valid) {
    it('valid token verifies with its claims', async () => {
      const { payload } = await verifyAt(v.token);
      expect(payload).toEqual(v.claims);
    });
  }
  for (const v of j.invalid) {
    it(`rejects: ${v.why}`, async () => {
      await expect(verifyAt(v.token)).rejects.toThrow();
    });
  }
});

it('every catalogue type round-trips its example bodies through the codec', () => {
  const key = new Uint8Array(32).fill(7);
  for (const code of Object.values(MessageType)) {
    const def = messageByCode(code)!;
    for (const [response, body] of [
      [false, def.example.body],
      [true, def.example.response],
    ] as const) {
      if (body === undefined) continue;
      const enc = new FrameEncoder({ aead: nodeAead, compressor: lz4Js, key, direction: 2 });
      const dec = new FrameDecoder({ aead: nodeAead, compressor: lz4Js, key, direction: 2 });
      dec.push(enc.encode({ type: code, seq: 1, ref: response ? 5 : 0, response, body: body as object }));
      const r = dec.next();
      if (r instanceof ProtocolError) throw new Error(`${def.name}: ${r.message}`);
      expect(r!.body).toEqual(body);
    }
  }
});
