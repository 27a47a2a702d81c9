import { Timing } from '../../../src-shared/protocol';

/**
 * Delay before reconnect attempt `attempt` (0-based): 250, 500, 1000 ms,
 * each ±20 % jitter (spec §1), so that clients dropped together do not
 * all come back at the same instant.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const steps = Timing.RETRY_BACKOFF_MS;
  const base = steps[Math.min(attempt, steps.length - 1)]!;
  const jitter = 1 + (random() * 2 - 1) * Timing.RETRY_JITTER;
  return Math.round(base * jitter);
}
