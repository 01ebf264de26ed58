/**
 * Client-side pacing so Keel stays under Alpaca's 200 requests/minute (docs/alpaca.md §1.4) instead
 * of discovering the limit through 429s in the middle of an exit. Two signals:
 *  - a local sliding window (default 190 per 60 s, a margin for other tools on the same key);
 *  - the broker's own X-RateLimit-Remaining / X-RateLimit-Reset: at 0 remaining, wait for the reset.
 * Time comes from the injected Clock, so tests record the waits instead of sleeping.
 */
import type { Clock } from '../../ports/clock.port.js';

export interface RateLimiterOptions {
  clock: Clock;
  maxPerWindow?: number;
  windowMs?: number;
  /** never wait longer than this for a reset header (a wrong header must not freeze Keel) */
  maxWaitMs?: number;
}

export class RateLimiter {
  private readonly sent: number[] = [];
  private remaining: number | null = null;
  private resetAt: number | null = null;
  private readonly maxPerWindow: number;
  private readonly windowMs: number;
  private readonly maxWaitMs: number;

  constructor(private readonly options: RateLimiterOptions) {
    this.maxPerWindow = options.maxPerWindow ?? 190;
    this.windowMs = options.windowMs ?? 60_000;
    this.maxWaitMs = options.maxWaitMs ?? 65_000;
  }

  /** resolves when one more request may go out, and counts it */
  async acquire(signal?: AbortSignal): Promise<void> {
    const { clock } = this.options;
    for (;;) {
      const wait = this.waitNeeded(clock.now());
      if (wait <= 0) break;
      await clock.sleep(wait, signal);
      // a reset hint is used once: the next response says where the new window stands
      this.remaining = null;
    }
    this.sent.push(clock.now());
    if (this.remaining !== null && this.remaining > 0) this.remaining -= 1;
  }

  /** records the broker's view after any response (success or error) */
  observe(headers: Headers): void {
    const remaining = Number(headers.get('x-ratelimit-remaining'));
    const reset = Number(headers.get('x-ratelimit-reset'));
    if (headers.has('x-ratelimit-remaining') && Number.isFinite(remaining)) this.remaining = remaining;
    if (headers.has('x-ratelimit-reset') && Number.isFinite(reset)) this.resetAt = reset * 1000;
  }

  private waitNeeded(now: number): number {
    while (this.sent.length > 0 && (this.sent[0] ?? 0) <= now - this.windowMs) this.sent.shift();
    let wait = 0;
    if (this.sent.length >= this.maxPerWindow) wait = (this.sent[0] ?? now) + this.windowMs - now;
    if (this.remaining !== null && this.remaining <= 0 && this.resetAt !== null) {
      if (this.resetAt > now) wait = Math.max(wait, Math.min(this.resetAt - now, this.maxWaitMs));
      else this.remaining = null; // the window has rolled over; the next response tells us more
    }
    return Math.min(wait, this.maxWaitMs);
  }
}
