/**
 * Client-side pacing so Keel stays under Alpaca's 200 requests/minute (docs/alpaca.md §1.4) instead
 * of discovering the limit through 429s in the middle of an exit. Three signals:
 *  - a local sliding window (default 190 per 60 s, a margin for other tools on the same key);
 *  - the broker's own X-RateLimit-Remaining / X-RateLimit-Reset: at 0 remaining, wait for the reset;
 *  - a 429's retry hint (holdUntil), handed over by the HTTP client so that wait is visible too.
 * Bound: no single wait is longer than maxWaitMs (default 65 s: a 60 s window plus clock skew), so a
 * wrong or far-future reset header cannot freeze Keel; the next response tells where the window is.
 * Visible: waitingUntil() says until when requests are held (keel-service shows it in /healthz's
 * `starting` reason and the status), and onWait reports every wait longer than a second once, so a
 * boot that waits for a spent window after rapid restarts is never silent.
 * Time comes from the injected Clock, so tests record the waits instead of sleeping.
 */
import type { Clock } from '../../ports/clock.port.js';

/** a wait for the broker's (or Keel's own) rate-limit window; `until` is epoch ms */
export interface RateLimitWait {
  until: number;
  waitMs: number;
  cause: 'broker_window' | 'local_window';
}

export interface RateLimiterOptions {
  clock: Clock;
  maxPerWindow?: number;
  windowMs?: number;
  /** never wait longer than this for a reset header (a wrong header must not freeze Keel) */
  maxWaitMs?: number;
  /** called once per wait longer than REPORT_WAIT_MS (one call however many requests share it) */
  onWait?: (wait: RateLimitWait) => void;
}

/** shorter waits are pacing, not news */
const REPORT_WAIT_MS = 1_000;

export class RateLimiter {
  private readonly sent: number[] = [];
  private remaining: number | null = null;
  private resetAt: number | null = null;
  private heldUntil: number | null = null;
  /** the end of every wait under way (several requests may wait at once) */
  private readonly waits: number[] = [];
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
      const now = clock.now();
      const { wait, cause } = this.waitNeeded(now);
      if (wait <= 0) break;
      const until = now + wait;
      if (wait > REPORT_WAIT_MS && until > (this.waitingUntil() ?? 0)) this.options.onWait?.({ until, waitMs: wait, cause });
      this.waits.push(until);
      try {
        await clock.sleep(wait, signal);
      } finally {
        this.waits.splice(this.waits.indexOf(until), 1);
      }
      // a reset hint is used once: the next response says where the new window stands
      this.remaining = null;
      this.heldUntil = null;
    }
    this.sent.push(clock.now());
    if (this.remaining !== null && this.remaining > 0) this.remaining -= 1;
  }

  /** epoch ms until which requests are being held for a rate-limit window; null when none waits */
  waitingUntil(): number | null {
    return this.waits.length === 0 ? null : Math.max(...this.waits);
  }

  /** records the broker's view after any response (success or error) */
  observe(headers: Headers): void {
    const remaining = Number(headers.get('x-ratelimit-remaining'));
    const reset = Number(headers.get('x-ratelimit-reset'));
    if (headers.has('x-ratelimit-remaining') && Number.isFinite(remaining)) this.remaining = remaining;
    if (headers.has('x-ratelimit-reset') && Number.isFinite(reset)) this.resetAt = reset * 1000;
  }

  /** no request before `until` (epoch ms): a 429's Retry-After / reset, waited here to be visible */
  holdUntil(until: number): void {
    this.heldUntil = Math.max(this.heldUntil ?? 0, until);
  }

  private waitNeeded(now: number): { wait: number; cause: RateLimitWait['cause'] } {
    while (this.sent.length > 0 && (this.sent[0] ?? 0) <= now - this.windowMs) this.sent.shift();
    let local = 0;
    if (this.sent.length >= this.maxPerWindow) local = (this.sent[0] ?? now) + this.windowMs - now;
    let broker = 0;
    if (this.remaining !== null && this.remaining <= 0 && this.resetAt !== null) {
      if (this.resetAt > now) broker = this.resetAt - now;
      else this.remaining = null; // the window has rolled over; the next response tells us more
    }
    if (this.heldUntil !== null) {
      if (this.heldUntil > now) broker = Math.max(broker, this.heldUntil - now);
      else this.heldUntil = null;
    }
    return { wait: Math.min(Math.max(local, broker), this.maxWaitMs), cause: broker > local ? 'broker_window' : 'local_window' };
  }
}
