/**
 * The few platform APIs that src-shared may use: each exists, with this shape,
 * in Node ≥ 18 and in every browser we target. Declared here (instead of
 * pulling in `@types/node` or the DOM lib) so that anything else — `Buffer`,
 * `process`, `window`, `document` — fails to compile in this layer.
 */

interface TextDecodeOptions {
  stream?: boolean;
}
interface TextDecoderOptions {
  fatal?: boolean;
  ignoreBOM?: boolean;
}
interface TextDecoder {
  readonly encoding: string;
  readonly fatal: boolean;
  decode(input?: ArrayBufferView | ArrayBuffer, options?: TextDecodeOptions): string;
}
declare var TextDecoder: {
  prototype: TextDecoder;
  new (label?: string, options?: TextDecoderOptions): TextDecoder;
};

interface TextEncoderEncodeIntoResult {
  read: number;
  written: number;
}
interface TextEncoder {
  readonly encoding: string;
  encode(input?: string): Uint8Array;
  encodeInto(source: string, destination: Uint8Array): TextEncoderEncodeIntoResult;
}
declare var TextEncoder: {
  prototype: TextEncoder;
  new (): TextEncoder;
};

/** Timers: the sync batcher and heartbeat scheduling run wherever the shared code runs. */
// Shared code keeps handles as `ReturnType<typeof setTimeout>`, which is right in every layer.
declare function setTimeout(handler: () => void, timeout?: number): { readonly __timer: unique symbol };
declare function clearTimeout(handle: ReturnType<typeof setTimeout> | undefined): void;
declare function setInterval(handler: () => void, timeout?: number): { readonly __timer: unique symbol };
declare function clearInterval(handle: ReturnType<typeof setInterval> | undefined): void;
declare function queueMicrotask(callback: () => void): void;
