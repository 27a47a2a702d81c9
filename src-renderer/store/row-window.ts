/**
 * The Traffic view's rows: the newest `capacity` summaries, oldest first,
 * kept as the objects that arrived. Appending is amortised O(batch): rows
 * trimmed from the front are skipped by an offset and the array is compacted
 * only once the dead prefix is as large as the live part, so a frame never
 * copies the whole list (the store bumps a version number instead of
 * cloning; the table reads rows by index).
 */
import type { MessageSummary } from '../../src-shared/records';

export class RowWindow {
  private rows: MessageSummary[] = [];
  private start = 0;
  /** Rows ever trimmed from the front, so a view can keep its scroll position steady. */
  trimmed = 0;

  constructor(readonly capacity: number) {}

  get length(): number {
    return this.rows.length - this.start;
  }

  at(i: number): MessageSummary | undefined {
    return i >= 0 && i < this.length ? this.rows[this.start + i] : undefined;
  }

  get oldestId(): number | null {
    return this.length ? this.rows[this.start]!.id : null;
  }

  get newestId(): number | null {
    return this.length ? this.rows[this.rows.length - 1]!.id : null;
  }

  /** Drops everything and starts over from `rows` (a new subscription's snapshot). */
  replace(rows: readonly MessageSummary[]): void {
    this.rows = rows.length > this.capacity ? rows.slice(rows.length - this.capacity) : rows.slice();
    this.start = 0;
    this.trimmed = 0;
  }

  /**
   * Adds newer rows; rows not newer than the newest held (a replayed batch,
   * a snapshot overlapping the live stream) are skipped. Returns how many were added.
   */
  append(batch: readonly MessageSummary[]): number {
    let newest = this.newestId ?? -Infinity;
    let added = 0;
    for (const r of batch) {
      if (r.id <= newest) continue;
      this.rows.push(r);
      newest = r.id;
      added++;
    }
    const over = this.length - this.capacity;
    if (over > 0) {
      this.start += over;
      this.trimmed += over;
      if (this.start >= this.rows.length - this.start) {
        this.rows = this.rows.slice(this.start);
        this.start = 0;
      }
    }
    return added;
  }

  /** Adds older rows (paged back from main) in front; only rows older than the oldest held. */
  prepend(older: readonly MessageSummary[]): number {
    const oldest = this.oldestId ?? Infinity;
    const fresh = older.filter((r) => r.id < oldest).sort((a, b) => a.id - b.id);
    if (fresh.length === 0) return 0;
    this.rows = [...fresh, ...this.rows.slice(this.start)];
    this.start = 0;
    return fresh.length;
  }

  /** Index of the row with this id, or -1 (ids increase, so this is a binary search). */
  indexOfId(id: number): number {
    let lo = this.start;
    let hi = this.rows.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.rows[mid]!.id;
      if (v === id) return mid - this.start;
      if (v < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}
