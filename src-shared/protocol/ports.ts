/**
 * The codec's only contact with platform crypto and compression. src-shared
 * stays pure; src-main provides node:crypto and lz4-napi implementations, and
 * tests can provide their own.
 *
 * Every array handed to these methods is valid only during the call (the
 * codec reuses its nonce and scratch buffers): copy what you keep. Returned
 * arrays belong to the codec.
 */

/** AES-256-GCM with a 12-byte nonce and a 16-byte tag appended to the ciphertext. */
export interface Aead {
  /** Returns ciphertext ‖ tag. */
  seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array;
  /**
   * Optional: writes ciphertext ‖ tag into `out` at `offset` (exactly
   * plaintext.length + 16 bytes) instead of returning them, so a frame is
   * sealed where it is built — no intermediate buffer and no second copy.
   * `aad` may be a view of `out` (the frame's header) before `offset`.
   */
  sealInto?(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array, out: Uint8Array, offset: number): void;
  /** Returns the plaintext, or null when authentication fails (wrong key, nonce, AAD or tampered bytes). */
  open(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array | null;
}

/** LZ4 *block* format (no frame header, no size prefix). */
export interface BlockCompressor {
  compress(input: Uint8Array): Uint8Array;
  /**
   * Decompresses a block that must produce exactly `originalSize` bytes;
   * throws on malformed input or any other size.
   */
  decompress(block: Uint8Array, originalSize: number): Uint8Array;
}
