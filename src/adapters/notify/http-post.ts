/**
 * One JSON POST for a notifier, with a real socket timeout (this is I/O, not Keel time).
 * Invariants: never throws (a transport failure becomes a retryable Attempt); the failure text
 * comes from the error, never from the request, and still passes through the caller's scrub;
 * redirects are not followed (a webhook body must not be re-sent to a host nobody configured).
 */
import type { Attempt, DeliveryDeps } from './delivery-queue.js';

import type { FetchLike } from '../alpaca/http-client.js';
import { errorText } from '../../lib/error-text.js';

export type { FetchLike };

export interface NotifierIoDeps extends DeliveryDeps {
  /** defaults to global fetch; tests may pass a fake */
  fetch?: FetchLike;
}

export const DEFAULT_TIMEOUT_MS = 5_000;

/** the notifier's transport: the injected one, else the global fetch */
export const fetchOf = (deps: NotifierIoDeps): FetchLike => deps.fetch ?? ((target, init) => fetch(target, init));

export interface PostAnswer {
  status: number;
  headers: Headers;
  text: string;
}

export interface PostOptions {
  fetch: FetchLike;
  url: string;
  body: unknown;
  timeoutMs: number;
}

/** the answer, or a retryable Attempt when no answer came */
export async function postJson(opts: PostOptions): Promise<PostAnswer | Attempt> {
  try {
    const response = await opts.fetch(opts.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'User-Agent': 'keel-notifier' },
      body: JSON.stringify(opts.body),
      redirect: 'manual',
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  } catch (error) {
    return { outcome: 'retry', reason: transportReason(error, opts.timeoutMs), retryAfterMs: null };
  }
}

export function isAnswer(result: PostAnswer | Attempt): result is PostAnswer {
  return 'status' in result;
}

/** 408, 429 and 5xx are worth another try; other non-2xx answers will not change */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/** Retry-After as delay-seconds or an HTTP date, in ms from `now`; null when absent or unreadable */
export function retryAfterMs(headers: Headers, now: number): number | null {
  const raw = headers.get('retry-after')?.trim();
  if (!raw) return null;
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.round(Number(raw) * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** "fetch failed: ECONNREFUSED" rather than undici's bare "fetch failed" */
function transportReason(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${timeoutMs} ms`;
  const message = errorText(error);
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : null;
  return detail ? `${message}: ${detail}` : message;
}
