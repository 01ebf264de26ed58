/**
 * Reads the broker until a condition holds or a deadline on the injected Clock passes (the kill
 * switch's "wait for the acknowledgements" and "wait until flat").
 * Invariants: the first read happens at once, so a broker that already agrees costs no wait;
 * only the injected Clock measures time; a failed read counts as "not yet", never as success,
 * and the last error is handed back; the last successful read is kept for the report.
 */
import type { EpochMs } from '../../domain/time.js';
import type { Clock } from '../../ports/clock.port.js';
import { errorText } from '../../lib/error-text.js';

/** how often the kill switch re-reads the broker while it waits (well inside Alpaca's 200/min) */
export const KILL_SWITCH_POLL_MS = 500;

export interface PollResult<T> {
  /** the last successful read; null when none succeeded */
  value: T | null;
  met: boolean;
  /** the last read's error, when the last read failed */
  error: string | null;
}

export async function pollUntil<T>(
  clock: Clock, deadline: EpochMs, read: () => Promise<T>, met: (value: T) => boolean, everyMs = KILL_SWITCH_POLL_MS,
): Promise<PollResult<T>> {
  let value: T | null = null;
  let error: string | null = null;
  for (;;) {
    try {
      value = await read();
      error = null;
      if (met(value)) return { value, met: true, error: null };
    } catch (e) {
      error = errorText(e);
    }
    const left = deadline - clock.now();
    if (left <= 0) return { value, met: false, error };
    await clock.sleep(Math.min(everyMs, left));
  }
}

