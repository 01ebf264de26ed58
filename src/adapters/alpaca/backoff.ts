/**
 * Exponential backoff with full jitter (delay = random() × min(cap, base × 2^attempt)), shared by
 * HTTP read retries and both stream reconnect loops. Full jitter spreads reconnecting clients so
 * they do not stampede Alpaca together; the Random is injected so tests are deterministic.
 */
import type { Random } from '../../ports/clock.port.js';

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
  /** lower bound as a fraction of the ceiling (0 = full jitter; 0.5 = never less than half) */
  floor?: number;
}

/** trade / data stream reconnects (task brief: base 500 ms, cap 30 s) */
export const STREAM_BACKOFF: BackoffPolicy = { baseMs: 500, capMs: 30_000 };

/**
 * Market-data 406 "connection limit exceeded": Alpaca keeps half-dead sessions for up to ~90 s
 * (docs/alpaca.md §9.5), so retrying fast only burns attempts.
 */
export const CONNECTION_LIMIT_BACKOFF: BackoffPolicy = { baseMs: 5_000, capMs: 120_000, floor: 0.5 };

/** safe HTTP reads */
export const HTTP_BACKOFF: BackoffPolicy = { baseMs: 250, capMs: 8_000 };

/** `attempt` counts from 0 (the first retry). Never negative, never above the cap. */
export function fullJitterDelay(attempt: number, policy: BackoffPolicy, random: Random): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt));
  const r = Math.min(1, Math.max(0, random()));
  const floor = policy.floor ?? 0;
  return Math.round(ceiling * (floor + (1 - floor) * r));
}
