/**
 * The bodies sync exchanges (spec §5: GAME_STATE_SYNC, GAME_STATE_UPDATE,
 * GAME_STATE_REQUEST), shaped as the codec validates them
 * (src-shared/protocol/catalogue.ts), read-only.
 */
import { type PatchOp } from '../protocol/catalogue';
import { type JsonObject } from './json';

/** GAME_STATE_UPDATE: a server batch (`to` = `from` + 1, or more for a catch-up), or a client's update (`to` = `from`). */
export interface StateBatch {
  readonly from: number;
  readonly to: number;
  readonly ops: readonly PatchOp[];
}

/** The server's RESPONSE to a client's GAME_STATE_UPDATE. */
export interface StateAck {
  readonly version: number;
  readonly applied: number;
  readonly rejected: readonly RejectedOp[];
}

export interface RejectedOp {
  readonly path: string;
  readonly reason: string;
  /**
   * Position of the op in the update (extension: spec §5 ignores unknown
   * fields). `path` alone is ambiguous when an update carries two ops on one
   * path — two appends to `/ui/notifications/-` — so a client matches by
   * index when present, else by path in order.
   */
  readonly index?: number;
}

/** GAME_STATE_SYNC. */
export interface StateSnapshot {
  readonly version: number;
  readonly state: JsonObject;
}

/** GAME_STATE_REQUEST. No `since`: a snapshot. `paths`: a snapshot of those subtrees only. */
export interface StateRequest {
  readonly since?: number;
  readonly paths?: readonly string[];
}

/** What answers a GAME_STATE_REQUEST (or a resume): one catch-up batch, or a snapshot. */
export type CatchUp =
  | { readonly kind: 'updates'; readonly batch: StateBatch }
  | { readonly kind: 'snapshot'; readonly snapshot: StateSnapshot };
