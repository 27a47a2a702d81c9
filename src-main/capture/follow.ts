/**
 * Follows a capture while it is written, like `tail -f`: what is there
 * first (all of it, or the last N records), then each new record and
 * session block as the writer flushes it, across rotations. Polls the file
 * size — portable, and cheap at a few times a second.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { CaptureReader, type CaptureItem } from './reader';

export interface FollowOptions {
  /** Start with only the last N records (default: everything). */
  readonly last?: number;
  readonly session?: number;
  /** How often to look for more, in ms (default 250). */
  readonly pollMs?: number;
  /** Keep following after reaching the end (default true); false reads what is there and stops. */
  readonly follow?: boolean;
  /** Stops following. */
  readonly signal?: AbortSignal;
}

export async function* followCapture(path: string, o: FollowOptions = {}): AsyncGenerator<CaptureItem, void, undefined> {
  const reader = await CaptureReader.open(path, { persistIndex: false });
  try {
    let from = 0;
    if (o.last !== undefined) {
      // Index positions of the last N records (of this session); session blocks before them are skipped.
      const t = reader.entries;
      let n = 0;
      from = t.length;
      while (from > 0 && n < o.last) {
        from--;
        if (!t.isSessionBlock(from) && (o.session === undefined || t.session(from) === o.session)) n++;
      }
    }
    for (;;) {
      const end = reader.entryCount;
      if (from < end) {
        for await (const item of reader.items({ fromEntry: from, ...(o.session !== undefined ? { session: o.session } : {}) })) {
          if (o.signal?.aborted) return;
          yield item;
        }
        from = end;
      }
      if (o.follow === false || o.signal?.aborted) return;
      try {
        await sleep(o.pollMs ?? 250, undefined, o.signal ? { signal: o.signal } : {});
      } catch {
        return; // aborted
      }
      await reader.refresh();
    }
  } finally {
    await reader.close();
  }
}
