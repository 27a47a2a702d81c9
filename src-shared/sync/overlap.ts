/**
 * Which ops touch the same data. Conflict detection (spec §5.1: "the same
 * path, a parent or a child") and the batcher's ordering rules both ask it,
 * and both peers must answer identically from the ops alone.
 *
 * An `add` or `remove` at an array position shifts every later element, so
 * it counts as a change of the array itself: its footprint is the array's
 * path. Whether a parent is an array is not known from an op, so a
 * positional last segment ("3", "-") is taken as an array position — for an
 * object member named "3" that only widens the footprint, which is safe.
 */
import { type Op } from './ops';
import { isPositional, lastSegment, parentPointer, pathsOverlap } from './pointer';

export function footprint(op: Pick<Op, 'op' | 'path'>): string {
  if (op.op !== 'replace' && op.path !== '' && isPositional(lastSegment(op.path))) return parentPointer(op.path)!;
  return op.path;
}

export function opsOverlap(a: Pick<Op, 'op' | 'path'>, b: Pick<Op, 'op' | 'path'>): boolean {
  return pathsOverlap(footprint(a), footprint(b));
}
