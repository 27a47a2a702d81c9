/**
 * How fast a capture is indexed and read, beside the floor no reader can
 * beat: reading the same bytes from the page cache in 1 MiB windows and
 * touching every one of them (XOR of every 32-bit word, four words a step —
 * the fastest way found to make JavaScript look at every byte).
 *
 * Async work cannot go through bench/lib.ts's compare(), so the rounds are
 * written out here the same way: each round runs the floor and every
 * candidate once, in an order that alternates from round to round, and
 * each candidate is reported as the median of its per-round ratios to the
 * floor of the same round — on a shared machine, neighbours in time see the
 * same load.
 */
import { open } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { CaptureReader } from '../../src-main/capture';
import { SessionIndex } from '../../src-main/capture/session-index';
import { listParts } from '../../src-main/capture/parts';
import { median } from '../lib';

export interface Measured {
  readonly name: string;
  /** What one run does. */
  readonly what: string;
  /** Median seconds per run. */
  readonly seconds: number;
  /** Messages per second (median run). */
  readonly messagesPerSec: number;
  /** Capture bytes per second (median run). */
  readonly bytesPerSec: number;
  /** Median over rounds of (floor seconds / this candidate's seconds): 1 = as fast as reading and touching the bytes. */
  readonly ofFloor: number;
  /** Median minor page faults of the process during a run: memory touched for the first time. */
  readonly pageFaults: number;
  readonly rounds: readonly number[];
}

export interface CaptureReadingResult {
  readonly path: string;
  readonly bytes: number;
  readonly parts: number;
  readonly messages: number;
  readonly indexEntries: number;
  readonly rounds: number;
  /** The floor first, then the candidates. */
  readonly results: readonly Measured[];
  readonly loadBefore: readonly number[];
  readonly loadAfter: readonly number[];
  /** µs to touch one 4 KiB page of memory never used before (median of a few 32 MiB allocations): what holding the index costs. */
  readonly freshPageMicros: number;
}

export interface MeasureOptions {
  /** Measured rounds (default 9), after `warmup` rounds that are not counted (default 2). */
  readonly rounds?: number;
  readonly warmup?: number;
  /** Called after each round (progress). */
  readonly onRound?: (round: number, of: number) => void;
}

interface Candidate {
  readonly name: string;
  readonly what: string;
  /** One run; returns the messages it saw (checked against the capture's count). */
  readonly run: () => Promise<number>;
}

/** XOR of every byte of `b` (as 32-bit words while they last), folded into `acc`: the floor's "touch". */
export function touchEveryByte(b: Uint8Array, acc: number): number {
  const n = b.length >> 2;
  const words = new Int32Array(b.buffer, b.byteOffset, n);
  let x0 = 0;
  let x1 = 0;
  let x2 = 0;
  let x3 = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    x0 ^= words[i]!;
    x1 ^= words[i + 1]!;
    x2 ^= words[i + 2]!;
    x3 ^= words[i + 3]!;
  }
  for (; i < n; i++) x0 ^= words[i]!;
  for (let j = n << 2; j < b.length; j++) x1 ^= b[j]!;
  return acc ^ x0 ^ x1 ^ x2 ^ x3;
}

/**
 * The cost of memory never touched before, per 4 KiB page: the index of a
 * million records is 32 MB of it, whether read or built, and on some
 * virtual machines a first touch costs tens of µs (bare metal: well under one).
 */
export function freshPageMicros(): number {
  const times: number[] = [];
  for (let k = 0; k < 3; k++) {
    const b = new Uint8Array(32 << 20);
    const t0 = performance.now();
    for (let i = 0; i < b.length; i += 4096) b[i] = 1;
    times.push(((performance.now() - t0) * 1000) / (b.length / 4096));
  }
  return median(times);
}

/** The floor: every part read sequentially in 1 MiB windows into one reused buffer, every byte touched. */
async function readRaw(paths: readonly string[], buf: Uint8Array): Promise<{ bytes: number; check: number }> {
  let bytes = 0;
  let check = 0;
  for (const path of paths) {
    const fh = await open(path, 'r');
    try {
      for (let pos = 0; ; ) {
        const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
        if (bytesRead === 0) break;
        check = touchEveryByte(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead), check);
        pos += bytesRead;
        bytes += bytesRead;
      }
    } finally {
      await fh.close();
    }
  }
  return { bytes, check };
}

/**
 * Measures, on the capture at `path` (its parts and its index, which must
 * be up to date: the capture as its writer left it): rebuilding the index
 * by scanning, opening with the index, reading every record's summary in
 * batches and one by one, and reading every record with its bytes — each
 * beside the floor. Touches nothing on disk (the rebuild is not saved).
 */
export async function measureCaptureReading(path: string, o: MeasureOptions = {}): Promise<CaptureReadingResult> {
  const rounds = o.rounds ?? 9;
  const warmup = o.warmup ?? 2;
  const paths = (await listParts(path)).map((p) => p.path);
  const probe = await CaptureReader.open(path, { persistIndex: false });
  const messages = probe.recordCount;
  const indexEntries = probe.entryCount;
  const bytes = probe.files.reduce((n, f) => n + f.size, 0);
  const state = probe.index.state;
  await probe.close();
  if (state !== 'loaded') throw new Error(`${path}: its index is ${state}, not loaded: measure a capture whose index is up to date`);

  const buf = new Uint8Array(1 << 20);
  const expect = (what: string, got: number, want: number): number => {
    if (got !== want) throw new Error(`${what}: saw ${got}, expected ${want}`);
    return got;
  };
  let sink = 0;
  const floor: Candidate = {
    name: 'raw read, every byte touched (floor)',
    what: `fs read in 1 MiB windows into one buffer, XOR of every 32-bit word`,
    run: async () => {
      const r = await readRaw(paths, buf);
      expect('raw read bytes', r.bytes, bytes);
      sink ^= r.check;
      return messages;
    },
  };
  const withReader = async (opts: Parameters<typeof CaptureReader.open>[1], body: (r: CaptureReader) => Promise<number>): Promise<number> => {
    const r = await CaptureReader.open(path, { persistIndex: false, ...opts });
    try {
      return await body(r);
    } finally {
      await r.close();
    }
  };
  // The reading candidates read through one reader, opened before the rounds: their times are the passes alone.
  const shared = await CaptureReader.open(path, { persistIndex: false });
  const onOpen = (body: (r: CaptureReader) => Promise<number>) => (): Promise<number> => body(shared);
  const candidates: Candidate[] = [
    {
      name: 'index rebuild',
      what: 'CaptureReader.open with rebuildIndex: every block scanned, the index built in memory (not saved)',
      run: () => withReader({ rebuildIndex: true }, async (r) => expect('rebuilt index entries', r.entryCount, indexEntries) && r.recordCount),
    },
    {
      name: 'index open',
      what: 'CaptureReader.open: the .idx read, checked (order, first/last and 16 entries against their blocks) and caught up',
      run: () =>
        withReader({}, async (r) => {
          if (r.index.state !== 'loaded') throw new Error(`index ${r.index.state}`);
          return r.recordCount;
        }),
    },
    {
      name: 'session index rebuild',
      what: 'SessionIndex.open with rebuildIndex (how replay opens a capture with no .idx): every block scanned in 4 MiB reads, per session its positions (4 bytes a record, pooled slabs) and counts (one 64-byte row a session), no table of the index (not saved)',
      run: async () => {
        const ix = await SessionIndex.open(path, { persistIndex: false, rebuildIndex: true });
        try {
          if (ix.index.state !== 'rebuilt') throw new Error(`session index ${ix.index.state}`);
          return ix.messages;
        } finally {
          await ix.close();
        }
      },
    },
    {
      name: 'session index open',
      what: 'SessionIndex.open: the .idx read through a 1 MiB buffer with the same checks, per session its positions and counts',
      run: async () => {
        const ix = await SessionIndex.open(path, { persistIndex: false });
        try {
          if (ix.index.state !== 'loaded') throw new Error(`session index ${ix.index.state}`);
          return ix.messages;
        } finally {
          await ix.close();
        }
      },
    },
    {
      name: 'summaries, recordBatches()',
      what: "an open reader's recordBatches({ bytes: false }): every record's summary, a window at a time",
      run: onOpen(async (r) => {
        let n = 0;
        for await (const batch of r.recordBatches({ bytes: false })) {
          n += batch.length;
          sink ^= batch[0]!.session;
        }
        return expect('summaries', n, messages);
      }),
    },
    {
      name: 'summaries, summaryBatches()',
      what: "an open reader's summaryBatches(): every record's summary into columns, a window at a time, no object per record",
      run: onOpen(async (r) => {
        let n = 0;
        for await (const batch of r.summaryBatches()) {
          n += batch.length;
          sink ^= batch.session[0]!;
        }
        return expect('summaries', n, messages);
      }),
    },
    {
      name: 'summaries, records()',
      what: "an open reader's records({ bytes: false }): the same, one await per record",
      run: onOpen(async (r) => {
        let n = 0;
        for await (const rec of r.records({ bytes: false })) {
          n++;
          sink ^= rec.session;
        }
        return expect('summaries', n, messages);
      }),
    },
    {
      name: 'records with bytes, recordBatches()',
      what: "an open reader's recordBatches(): every record with its plaintext or wire bytes (copied out of the window), bodies not parsed",
      run: onOpen(async (r) => {
        let n = 0;
        for await (const batch of r.recordBatches()) {
          n += batch.length;
          sink ^= batch[0]!.bodySize;
        }
        return expect('records', n, messages);
      }),
    },
  ];

  const all = [floor, ...candidates];
  const times: number[][] = all.map(() => []);
  const faults: number[][] = all.map(() => []);
  const loadBefore = loadavg();
  try {
    for (let round = 0; round < warmup + rounds; round++) {
      // Alternate the order so that no candidate always follows the same one (page cache, GC, JIT state).
      const order = round % 2 === 0 ? all.map((_, i) => i) : all.map((_, i) => all.length - 1 - i);
      for (const i of order) {
        const f0 = process.resourceUsage().minorPageFault;
        const t0 = performance.now();
        expect(all[i]!.name, await all[i]!.run(), messages);
        const dt = (performance.now() - t0) / 1000;
        if (round >= warmup) {
          times[i]!.push(dt);
          faults[i]!.push(process.resourceUsage().minorPageFault - f0);
        }
      }
      o.onRound?.(round + 1, warmup + rounds);
    }
  } finally {
    await shared.close();
  }
  const loadAfter = loadavg();
  const pageMicros = freshPageMicros();
  if (sink === 0.5) console.log(sink); // keeps the checks alive

  const floorTimes = times[0]!;
  const results = all.map((c, i): Measured => {
    const t = times[i]!;
    const seconds = median(t);
    return {
      name: c.name,
      what: c.what,
      seconds,
      messagesPerSec: messages / seconds,
      bytesPerSec: bytes / seconds,
      ofFloor: median(t.map((s, r) => floorTimes[r]! / s)),
      pageFaults: median(faults[i]!),
      rounds: t,
    };
  });
  return { path, bytes, parts: paths.length, messages, indexEntries, rounds, results, loadBefore, loadAfter, freshPageMicros: pageMicros };
}
