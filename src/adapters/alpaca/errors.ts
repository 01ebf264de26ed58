/**
 * Classifies broker failures once, at the boundary (docs/design.md §8; docs/alpaca.md §5, §1.4).
 * Invariants: Alpaca's code and message are kept verbatim; a 429's wait comes from Retry-After
 * (seconds) first, else X-RateLimit-Reset (epoch seconds) minus now, never negative, else null;
 * header names are case-insensitive (Headers does that); a transport failure's message comes
 * from the error itself and never from the request (which holds the API key and secret).
 */
import { BrokerError, type BrokerErrorCategory } from '../../domain/broker-error.js';
import { parseErrorBody } from './parse.js';

const BY_STATUS: Record<number, BrokerErrorCategory> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  422: 'unprocessable',
  429: 'rate_limited',
};

function categoryOf(status: number): BrokerErrorCategory {
  return BY_STATUS[status] ?? (status >= 500 && status <= 599 ? 'server_error' : 'unexpected_status');
}

function numberHeader(headers: Headers, name: string): number | null {
  const raw = headers.get(name);
  if (raw === null || raw.trim() === '') return null;
  const value = Number(raw.trim());
  return Number.isFinite(value) ? value : null;
}

/** how long a 429 asked us to wait, in ms */
export function retryAfterMsOf(headers: Headers, now: number): number | null {
  const retryAfter = numberHeader(headers, 'retry-after');
  if (retryAfter !== null) return Math.max(0, Math.round(retryAfter * 1000));
  const reset = numberHeader(headers, 'x-ratelimit-reset');
  if (reset !== null) return Math.max(0, Math.round(reset * 1000 - now));
  return null;
}

/**
 * A non-2xx HTTP answer → BrokerError. 429 → rate_limited with retryAfterMs from Retry-After
 * (seconds) or X-RateLimit-Reset (epoch seconds, header names case-insensitive) relative to `now`.
 */
export function classifyHttpError(input: {
  operation: string;
  status: number;
  headers: Headers;
  bodyText: string;
  now: number;
}): BrokerError {
  const category = categoryOf(input.status);
  const parsed = parseErrorBody(input.bodyText);
  return new BrokerError({
    category,
    operation: input.operation,
    status: input.status,
    code: parsed.code,
    message: parsed.message || `HTTP ${input.status}`,
    body: parsed.body,
    retryAfterMs: category === 'rate_limited' ? retryAfterMsOf(input.headers, input.now) : null,
  });
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    // fetch wraps the socket error (ECONNREFUSED, ...) in `cause`: that is the useful part
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.name}: ${error.message}${cause}`;
  }
  return typeof error === 'string' ? error : 'unknown transport failure';
}

/** fetch threw (connection refused/reset, DNS, abort by our timeout) → network | timeout */
export function classifyTransportError(operation: string, error: unknown, timedOut: boolean): BrokerError {
  return new BrokerError({
    category: timedOut ? 'timeout' : 'network',
    operation,
    message: timedOut ? `timed out (${describeError(error)})` : describeError(error),
    body: null,
  });
}
