/** AES-256-GCM for the codec, on node:crypto. */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { Aead } from '../../src-shared/protocol';

const TAG = 16;

export const nodeAead: Aead = {
  seal(key, nonce, plaintext, aad) {
    const c = createCipheriv('aes-256-gcm', key, nonce);
    c.setAAD(aad);
    const head = c.update(plaintext);
    const tail = c.final();
    const out = new Uint8Array(head.length + tail.length + TAG);
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
      if (!tail.length) return head;
      const out = new Uint8Array(head.length + tail.length);
      out.set(head, 0);
      out.set(tail, head.length);
      return out;
    } catch {
      return null;
    }
  },
};
