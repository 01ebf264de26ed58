/**
 * CONTRACT STUB (filled by the parse work): classify broker failures at the boundary.
 */
import type { BrokerError } from '../../domain/broker-error.js';

const todo = (): never => { throw new Error('not implemented yet'); };

/**
 * A non-2xx HTTP answer → BrokerError. 429 → rate_limited with retryAfterMs from Retry-After
 * (seconds) or X-RateLimit-Reset (epoch seconds, header names case-insensitive) relative to `now`.
 */
export function classifyHttpError(_input: {
  operation: string;
  status: number;
  headers: Headers;
  bodyText: string;
  now: number;
}): BrokerError { return todo(); }

/** fetch threw (connection refused/reset, DNS, abort by our timeout) → network | timeout */
export function classifyTransportError(_operation: string, _error: unknown, _timedOut: boolean): BrokerError { return todo(); }
