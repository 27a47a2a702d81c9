/**
 * A session's state versions, rebuilt from what the server sent (snapshots,
 * batches, catch-up answers) with the shared StateTimeline, each noted with
 * the client step it followed. Built the same way for the captured and the
 * replayed side, so the two can be aligned.
 */
import { StateTimeline, type JsonObject, type StateBatch, type StateSnapshot } from '../../src-shared/sync';

export interface SeriesVersion {
  readonly version: number;
  readonly state: JsonObject;
  /** Client steps sent before it arrived (0: before any, i.e. the login snapshot). */
  readonly afterStep: number;
  /** Where it came from: the captured record id, or the replay's arrival number. */
  readonly source: number;
}

const MAX_PROBLEMS = 20;

export class StateSeries {
  readonly versions: SeriesVersion[] = [];
  readonly problems: string[] = [];
  private problemCount = 0;
  // Only the latest version is needed to apply the next batch: the series keeps every version itself (they share structure).
  private readonly timeline = new StateTimeline({ capacity: 4 });

  constructor(private readonly side: 'captured' | 'replayed') {}

  /** Feeds one message from the server; anything that is not state is ignored. */
  feed(type: string, body: unknown, afterStep: number, source: number): void {
    if (body === null || typeof body !== 'object') return;
    let out;
    if (type === 'GAME_STATE_SYNC') out = this.timeline.applySnapshot(body as StateSnapshot);
    else if (type === 'GAME_STATE_UPDATE' && Array.isArray((body as { ops?: unknown }).ops)) out = this.timeline.applyBatch(body as StateBatch);
    else return;
    if (out.status === 'applied') {
      this.versions.push({ version: out.version, state: this.timeline.at(out.version)!, afterStep, source });
    } else if (out.status === 'gap') {
      this.problem(`${this.side} state: versions ${out.missing[0]}..${out.missing[1]} were never seen (message ${source}); waiting for a snapshot`);
    } else if (out.status === 'invalid') {
      this.problem(`${this.side} state: message ${source} was not applied: ${out.reason}`);
    }
  }

  private problem(text: string): void {
    this.problemCount++;
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(text);
    else if (this.problemCount === MAX_PROBLEMS + 1) this.problems.push('… more state problems not listed');
  }
}
