/** What server replay (`otbridge replay --serve`) reports about the clients it served. */
import { type ValueDifference } from '../../../src-shared/ipc/replay';

export interface UnmatchedMessage {
  readonly type: string;
  readonly body: unknown;
  /** Answered with ERROR NOT_FOUND (--answer-unmatched), or left unanswered. */
  readonly answered: boolean;
  /** The closest captured message of that type and how this one differs from it. */
  readonly nearest: { readonly recordId: number; readonly differences: readonly ValueDifference[] } | null;
}

export interface MockClientReport {
  /** The client's address. */
  readonly client: string;
  /** The captured session it was served, once it logged in. */
  readonly session: number | null;
  readonly account: string | null;
  readonly connectedAt: number;
  readonly durationMs: number;
  /** Client messages received (heartbeats aside), and how many matched captured ones. */
  readonly received: number;
  readonly matched: number;
  readonly unmatched: readonly UnmatchedMessage[];
  readonly moreUnmatched: number;
  /** State requests answered from the captured state (no captured request matched). */
  readonly stateAnswers: number;
  readonly pushesSent: number;
  readonly pushesCaptured: number;
  /** Captured client messages this client never sent, and the first few of them. */
  readonly notSent: number;
  readonly notSentExamples: readonly { readonly recordId: number; readonly type: string; readonly body: unknown }[];
  readonly closeReason: string | null;
  readonly loggedOut: boolean;
}

export interface MockReport {
  readonly format: 'otbridge-replay-serve';
  readonly version: 1;
  readonly capture: string;
  readonly listen: string;
  readonly identityFingerprint: string;
  readonly clients: readonly MockClientReport[];
  /** matched: every client message matched a captured one. */
  readonly verdict: 'matched' | 'unexpected';
  readonly exitCode: number;
}
