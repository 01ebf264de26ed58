/** What Keel says while Alpaca's rate-limit window holds its broker requests. */
import { toIso } from '../domain/time.js';

/** the operator's log line for a wait on Alpaca's rate-limit window (no secret is at hand here) */
export function rateLimitWaitMessage(api: string, until: number, waitMs: number): string {
  return `waiting ${Math.ceil(waitMs / 1000)} s for Alpaca's ${api} rate-limit window to reset (until ${toIso(until)}); requests to the broker are held until then`;
}

/** appended to /healthz's `starting` reason while the broker's rate-limit window holds requests */
export function rateLimitNote(until: number | null, now: number): string {
  if (until === null || until <= now) return '';
  return ` — waiting for Alpaca's rate-limit window (resets in ${Math.ceil((until - now) / 1000)} s)`;
}
