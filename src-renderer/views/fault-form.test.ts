import { describe, expect, it } from 'vitest';
import { draftOf, patchOf, specOf } from './FaultForm';
import { validateFault, type FaultSpec } from '../../src-shared/faults';
import { fault } from '../test-support/fixtures';

describe('fault form ↔ spec', () => {
  it('a new draft is a valid latency fault', () => {
    const spec = specOf(draftOf());
    expect(spec).toEqual({ kind: 'latency', dir: 'both', latencyMs: 100 });
    expect(validateFault(spec)).toEqual([]);
  });

  it('keeps only the fields the kind uses, numbers as numbers, types split', () => {
    const d = { ...draftOf(), kind: 'reorder' as const, window: '8', latencyMs: '5', types: 'PLAYER_MOVE, HEARTBEAT', probability: '0.5', session: '3' };
    expect(specOf(d)).toEqual({ kind: 'reorder', dir: 'both', window: 8, types: ['PLAYER_MOVE', 'HEARTBEAT'], probability: 0.5, session: 3 });
  });

  it('round-trips an existing fault through the form', () => {
    const f: FaultSpec = { kind: 'corrupt', dir: 's2c', target: 'body', types: ['GAME_STATE_UPDATE'], probability: 0.1, label: 'flip' };
    expect(specOf(draftOf(f))).toEqual(f);
  });

  it('leaves bad input for validation to name', () => {
    const spec = specOf({ ...draftOf(), latencyMs: 'abc' });
    expect(validateFault(spec)).toEqual(['latencyMs: expected a number in 0..600000']);
    expect(validateFault(specOf({ ...draftOf(), latencyMs: '' }))).toEqual(['latencyMs: required for latency']);
  });

  it('a patch removes (null) what the edit took away, and never touches counters', () => {
    const before = fault('f1', { kind: 'latency', latencyMs: 100, jitterMs: 20, session: 4, types: ['HEARTBEAT'] });
    const after = specOf({ ...draftOf(before), jitterMs: '', session: '', types: '' });
    expect(patchOf(before, after)).toEqual({ kind: 'latency', dir: 'both', latencyMs: 100, jitterMs: null, session: null, types: null });
  });
});
