import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FrameSplitter, type RawFrame } from './splitter';
import { encodeHeader } from './header';
import { HEADER_SIZE } from './constants';
import { ProtocolError } from './errors';
import { bytesEqual, concatBytes } from './bytes';
import { validStream } from '../../test-support/up2-frames';

/** Pushes `chunks` one at a time, draining after each, as a connection does. */
function splitAll(s: FrameSplitter, chunks: readonly Uint8Array[], onDrained?: () => void): RawFrame[] {
  const out: RawFrame[] = [];
  for (const c of chunks) {
    for (const f of s.feed(c)) out.push(f);
    onDrained?.();
  }
  return out;
}

function cut(bytes: Uint8Array, points: readonly number[]): Uint8Array[] {
  const sorted = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...sorted, bytes.length]) {
    chunks.push(bytes.subarray(prev, p));
    prev = p;
  }
  return chunks;
}

const sameFrames = (got: RawFrame[], want: Uint8Array[]) => {
  expect(got.length).toBe(want.length);
  got.forEach((f, i) => expect(bytesEqual(f.wire, want[i]!)).toBe(true));
};

describe('FrameSplitter', () => {
  const { frames, bytes } = validStream(12);

  it('one byte at a time yields every frame, whole and in order', () => {
    const s = new FrameSplitter();
    const chunks = Array.from(bytes, (b) => Uint8Array.of(b));
    const got = splitAll(s, chunks);
    sameFrames(got, frames);
    expect(got.map((f) => f.header.seq)).toEqual(frames.map((_, i) => i + 1));
    expect(s.buffered).toBe(0);
  });

  it('many frames in one chunk come back as views of that chunk, without copying', () => {
    const s = new FrameSplitter();
    const got = splitAll(s, [bytes]);
    sameFrames(got, frames);
    for (const f of got) expect(f.wire.buffer).toBe(bytes.buffer);
  });

  it('a header split across chunks is assembled', () => {
    const s = new FrameSplitter();
    const f = frames[2]!;
    const parts = [f.subarray(0, 5), f.subarray(5, 17), f.subarray(17, 19), f.subarray(19)];
    const got: RawFrame[] = [];
    for (const [i, p] of parts.entries()) {
      got.push(...s.feed(p));
      if (i < parts.length - 1) expect(got).toEqual([]);
    }
    sameFrames(got, [f]);
    expect(s.pendingFrameBytes).toBe(0);
  });

  it('a zero-length payload whose header arrives in pieces is a frame', () => {
    const h = encodeHeader({ type: 0x05, flags: 0x10, seq: 1, ref: 0, length: 0 });
    const s = new FrameSplitter();
    expect([...s.feed(h.subarray(0, 9))]).toEqual([]);
    const [f] = [...s.feed(h.subarray(9))];
    expect(f!.wire.length).toBe(HEADER_SIZE);
    expect(f!.header.length).toBe(0);
  });

  it('refuses an oversized length with only the header pushed, keeping nothing', () => {
    const s = new FrameSplitter({ maxPayload: 1024 });
    const h = encodeHeader({ type: 0x05, flags: 0, seq: 1, ref: 0, length: 1025 });
    expect(() => [...s.feed(h)]).toThrow(ProtocolError);
    expect(s.failed?.code).toBe('FRAME_TOO_LARGE');
    expect(s.buffered).toBe(0);
    expect(s.pendingFrameBytes).toBe(0);
  });

  it('refuses the oversized length byte by byte too, before any payload byte', () => {
    const s = new FrameSplitter({ maxPayload: 1024 });
    const h = encodeHeader({ type: 0x05, flags: 0, seq: 1, ref: 0, length: 16_777_216 });
    for (let i = 0; i < HEADER_SIZE - 1; i++) expect([...s.feed(h.subarray(i, i + 1))]).toEqual([]);
    expect(() => [...s.feed(h.subarray(HEADER_SIZE - 1))]).toThrow(/FRAME_TOO_LARGE/);
    expect(s.buffered).toBe(0);
  });

  it('buffered never exceeds 18 + maxPayload after a drain, whatever the chunking', () => {
    const maxPayload = 300;
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 40 }), (points) => {
        const s = new FrameSplitter({ maxPayload });
        const got = splitAll(s, cut(bytes, points), () => expect(s.buffered).toBeLessThanOrEqual(HEADER_SIZE + maxPayload));
        sameFrames(got, frames);
      }),
      { seed: 20261129, numRuns: 300 },
    );
  });

  it('holds a partial frame in one buffer of exactly its size', () => {
    const s = new FrameSplitter();
    const f = frames[5]!;
    expect([...s.feed(f.subarray(0, 30))]).toEqual([]);
    expect(s.buffered).toBe(30);
    expect(s.pendingFrameBytes).toBe(f.length - 30);
    const [whole] = [...s.feed(f.subarray(30))];
    expect(whole!.wire.length).toBe(f.length);
    expect(whole!.wire.buffer.byteLength).toBe(f.length);
  });

  it('a fatal error kills the stream: later pushes throw it, next() yields nothing, nothing is kept', () => {
    const s = new FrameSplitter();
    const bad = frames[1]!.slice();
    bad[0] = 0x58; // BAD_MAGIC
    const stream = concatBytes(frames[0]!, bad, frames[2]!);
    const got: RawFrame[] = [];
    let err: unknown;
    try {
      for (const f of s.feed(stream)) got.push(f);
    } catch (e) {
      err = e;
    }
    sameFrames(got, [frames[0]!]);
    expect((err as ProtocolError).code).toBe('BAD_MAGIC');
    expect(s.failed).toBe(err);
    expect(s.buffered).toBe(0);
    expect(s.next()).toBeUndefined();
    expect(() => s.push(frames[3]!)).toThrow(err as Error);
  });

  it('one push and one next() per frame keeps no state between frames (the queue once grew a slot per frame)', () => {
    const s = new FrameSplitter();
    const internals = s as unknown as { queue: unknown[] };
    for (let i = 0; i < 5000; i++) {
      const f = s.next() ?? (s.push(frames[i % frames.length]!), s.next());
      expect(f?.header.seq).toBe((i % frames.length) + 1);
      expect(internals.queue.length).toBe(0); // white-box: nothing is held once the frame is out
    }
    // Many chunks queued before draining are compacted as they are consumed.
    for (let i = 0; i < 3000; i++) s.push(frames[0]!);
    for (let i = 0; i < 2999; i++) s.next();
    expect(internals.queue.length).toBeLessThan(2000);
    expect(s.next()?.header.seq).toBe(1);
    expect(s.next()).toBeUndefined();
    expect(internals.queue.length).toBe(0);
  });

  it('refuses a maxPayload outside 0..16 MiB', () => {
    for (const m of [-1, 1.5, 16_777_217]) expect(() => new FrameSplitter({ maxPayload: m })).toThrow(RangeError);
    expect(new FrameSplitter({ maxPayload: 16_777_216 }).maxPayload).toBe(16_777_216);
  });
});
