/**
 * The last N message records with their bodies, by id, for the UI's detail
 * pane and its paging; older ones are read back from the capture.
 */
import type { MessageRecord, MessageSummary } from '../../src-shared/records';

export function summaryOf(r: MessageRecord): MessageSummary {
  const { body: _b, wire: _w, plain: _p, ...summary } = r;
  return summary;
}

export class RecordStore {
  private readonly ring: (MessageRecord | undefined)[];
  private firstId = 1;
  private lastId = 0;
  /** request id → response id, both ways, for the records still held. */
  private readonly pairs = new Map<number, number>();

  constructor(readonly capacity: number) {
    this.ring = new Array<MessageRecord | undefined>(Math.max(1, capacity));
  }

  add(r: MessageRecord): void {
    this.ring[r.id % this.ring.length] = r;
    this.lastId = r.id;
    if (this.lastId - this.firstId + 1 > this.ring.length) {
      const dropped = this.lastId - this.ring.length;
      this.pairs.delete(dropped);
      this.firstId = dropped + 1;
    }
  }

  linkPair(requestId: number, responseId: number): void {
    this.pairs.set(requestId, responseId);
  }

  get(id: number): MessageRecord | undefined {
    if (id < this.firstId || id > this.lastId) return undefined;
    const r = this.ring[id % this.ring.length];
    return r?.id === id ? r : undefined;
  }

  /** The response id of a request, when both are held. */
  responseOf(requestId: number): number | undefined {
    return this.pairs.get(requestId);
  }

  get oldestId(): number {
    return this.firstId;
  }

  get newestId(): number {
    return this.lastId;
  }

  /** Summaries of records with id ≥ fromId, oldest first. */
  range(fromId: number, limit: number): MessageSummary[] {
    const out: MessageSummary[] = [];
    for (let id = Math.max(fromId, this.firstId); id <= this.lastId && out.length < limit; id++) {
      const r = this.get(id);
      if (r) out.push(summaryOf(r));
    }
    return out;
  }
}
