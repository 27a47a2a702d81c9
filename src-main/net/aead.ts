/**
 * AES-256-GCM for the codec, on node:crypto.
 *
 * Outputs are Buffers (Uint8Array subclasses) from Node's pool: a fresh
 * small Uint8Array costs an ArrayBuffer allocation per frame, which on the
 * 200-byte benchmark rows cost more than the cipher itself.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { Aead } from '../../src-shared/protocol';

const TAG = 16;

export const nodeAead: Aead = {
  sealInto(key, nonce, plaintext, aad, out, offset) {
    if (offset + plaintext.length + TAG > out.length) throw new RangeError(`sealInto: ${plaintext.length} + ${TAG} bytes do not fit at ${offset} of ${out.length}`);
    const c = createCipheriv('aes-256-gcm', key, nonce);
    c.setAAD(aad);
    // GCM is a stream mode: update gives every byte and final() nothing, so the ciphertext goes straight to its place.
    const head = c.update(plaintext);
    out.set(head, offset);
    const tail = c.final();
    if (tail.length) out.set(tail, offset + head.length);
    out.set(c.getAuthTag(), offset + head.length + tail.length);
  },
  seal(key, nonce, plaintext, aad) {
    const c = createCipheriv('aes-256-gcm', key, nonce);
    c.setAAD(aad);
    const head = c.update(plaintext);
    const tail = c.final(); // empty for GCM, kept for correctness
    const out = Buffer.allocUnsafe(head.length + tail.length + TAG);
    out.set(head, 0);
    if (tail.length) out.set(tail, head.length);
    out.set(c.getAuthTag(), head.length + tail.length);
    return out;
  },
  open(key, nonce, sealed, aad) {
    if (sealed.length < TAG) return null;
    const d = createDecipheriv('aes-256-gcm', key, nonce);
    d.setAAD(aad);
    d.setAuthTag(sealed.subarray(sealed.length - TAG));
    const head = d.update(sealed.subarray(0, sealed.length - TAG));
    try {
      const tail = d.final();
      return tail.length ? Buffer.concat([head, tail]) : head;
    } catch {
      return null;
    }
  },
};
