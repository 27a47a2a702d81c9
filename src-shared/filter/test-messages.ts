/** Message summaries for the filter tests (and the renderer's store tests). */
import type { MessageSummary } from '../records';

let nextId = 1;

export function summary(over: Partial<MessageSummary> = {}): MessageSummary {
  return {
    id: nextId++,
    session: 1,
    dir: 'c2s',
    time: 1_700_000_000_000,
    dialect: 'up2',
    type: 'PLAYER_MOVE',
    code: 0x20,
    seq: 1,
    ref: null,
    flags: ['ENCRYPTED', 'P1'],
    wireSize: 100,
    bodySize: 60,
    ...over,
  };
}
