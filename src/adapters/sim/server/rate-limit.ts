/**
 * Alpaca-style rate limit (docs/alpaca.md §1.4): N requests per key per clock-minute window.
 * Invariants: every authenticated response carries X-RateLimit-Limit / -Remaining / -Reset
 * (Reset = epoch SECONDS at which the window ends); request N+1 in a window gets 429 42910000
 * and is not processed. Trading and market data count separately, as they are separate hosts
 * at Alpaca. Windows follow the injected clock, so tests move them with ManualClock.
 */
import type { MiddlewareHandler } from 'hono';
import type { Clock } from '../../../ports/clock.port.js';
import type { SimEnv } from './sim-env.js';

const WINDOW_MS = 60_000;

export const RATE_LIMITED_BODY = { code: 42910000, message: 'rate limit exceeded' } as const;

export function rateLimit(clock: Clock, perMinute: number): MiddlewareHandler<SimEnv> {
  const windows = new Map<string, { start: number; count: number }>();
  return async (c, next) => {
    const now = clock.now();
    const start = Math.floor(now / WINDOW_MS) * WINDOW_MS;
    const scope = c.req.path.startsWith('/v2/stocks') ? 'data' : 'trading';
    const bucketKey = `${scope}:${c.get('keyId')}`;
    let bucket = windows.get(bucketKey);
    if (!bucket || bucket.start !== start) {
      bucket = { start, count: 0 };
      windows.set(bucketKey, bucket);
    }
    bucket.count += 1;
    const over = bucket.count > perMinute;
    const headers = {
      'X-RateLimit-Limit': String(perMinute),
      'X-RateLimit-Remaining': String(Math.max(0, perMinute - bucket.count)),
      'X-RateLimit-Reset': String(Math.floor((start + WINDOW_MS) / 1000)),
    };
    if (over) return c.json(RATE_LIMITED_BODY, 429, headers);
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}
