/**
 * Alpaca REST transport: auth headers, JSON bodies, a per-request timeout, error classification
 * at the boundary and a retry policy chosen per call.
 * Invariants:
 *  - retry 'never' (order submission, liquidations) sends the request exactly once, whatever fails;
 *  - retry 'safe' retries only retryable errors (429, 5xx, network, timeout), at most maxRetries
 *    times, waiting Retry-After / X-RateLimit-Reset when the broker gave it (through the rate
 *    limiter when there is one, so the wait is visible), else jittered backoff;
 *  - every failure surfaces as a BrokerError, and none carries the API secret.
 * All waiting goes through injected clocks, so tests record delays rather than sleep.
 */
import { BrokerError } from '../../domain/broker-error.js';
import type { Clock, Random } from '../../ports/clock.port.js';
import { HTTP_BACKOFF, fullJitterDelay, type BackoffPolicy } from './backoff.js';
import type { Credentials } from './credentials.js';
import { classifyHttpError, classifyTransportError } from './errors.js';
import type { RateLimiter } from './rate-limiter.js';
import type { MetricsPort } from '../../ports/metrics.port.js';
import { routeTemplate } from './route-template.js';
import { errorText } from '../../lib/error-text.js';

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;
export type RetryPolicy = 'safe' | 'never';
export type QueryValue = string | number | boolean | null | undefined;

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  retry: RetryPolicy;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** parsed JSON, or null for an empty body (204) */
  body: unknown;
}

export interface HttpClientOptions {
  baseUrl: string;
  credentials: Credentials;
  /** backoff waits */
  clock: Clock;
  random: Random;
  fetch?: FetchLike;
  /** default 10 s */
  timeoutMs?: number;
  /** clock for request timeouts; defaults to `clock` (tests that record backoff on an
   *  auto-advancing clock pass a separate one so timeouts do not fire instantly) */
  timeoutClock?: Clock;
  /** retries after the first attempt for 'safe' requests; default 3 */
  maxRetries?: number;
  backoff?: BackoffPolicy;
  limiter?: RateLimiter | null;
  /** every attempt is counted and timed under its route template (default: none) */
  metrics?: Pick<MetricsPort, 'brokerRequest'>;
}

const MAX_RETRY_AFTER_MS = 65_000;

export class AlpacaHttpClient {
  private readonly fetchFn: FetchLike;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;

  constructor(private readonly options: HttpClientOptions) {
    this.fetchFn = options.fetch ?? ((url, init) => fetch(url, init));
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxRetries = options.maxRetries ?? 3;
  }

  /** epoch ms until which this client's requests wait for a rate-limit window; null when none waits */
  rateLimitedUntil(): number | null {
    return this.options.limiter?.waitingUntil() ?? null;
  }

  /** 2xx (including 207) → response; anything else → BrokerError (thrown) */
  async request(req: HttpRequest): Promise<HttpResponse> {
    const { clock, random } = this.options;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.options.limiter?.acquire();
        return await this.once(req);
      } catch (error) {
        const err = this.scrub(toBrokerError(`${req.method} ${req.path}`, error));
        if (req.retry === 'never' || !err.retryable || attempt >= this.maxRetries) throw err;
        const delay = err.retryAfterMs !== null
          ? Math.min(Math.max(0, err.retryAfterMs), MAX_RETRY_AFTER_MS)
          : fullJitterDelay(attempt, this.options.backoff ?? HTTP_BACKOFF, random);
        // the broker's own wait goes through the limiter, which makes it visible (waitingUntil)
        if (err.retryAfterMs !== null && this.options.limiter) this.options.limiter.holdUntil(clock.now() + delay);
        else await clock.sleep(delay);
      }
    }
  }

  /** one attempt, counted under its route template with its HTTP status or its failure's category */
  private async once(req: HttpRequest): Promise<HttpResponse> {
    const metrics = this.options.metrics;
    if (!metrics) return this.attempt(req);
    const started = this.options.clock.now();
    const seconds = () => (this.options.clock.now() - started) / 1000;
    try {
      const response = await this.attempt(req);
      metrics.brokerRequest(routeTemplate(req.path), String(response.status), seconds());
      return response;
    } catch (error) {
      const status = error instanceof BrokerError ? (error.status === null ? error.category : String(error.status)) : 'network';
      metrics.brokerRequest(routeTemplate(req.path), status, seconds());
      throw error;
    }
  }

  private async attempt(req: HttpRequest): Promise<HttpResponse> {
    const operation = `${req.method} ${req.path}`;
    const { credentials } = this.options;
    const headers: Record<string, string> = {
      'APCA-API-KEY-ID': credentials.keyId(),
      'APCA-API-SECRET-KEY': credentials.secret(),
      Accept: 'application/json',
    };
    if (req.body !== undefined) headers['Content-Type'] = 'application/json';

    const abort = new AbortController();
    const timer = new AbortController();
    let timedOut = false;
    (this.options.timeoutClock ?? this.options.clock).sleep(this.timeoutMs, timer.signal).then(
      () => { timedOut = true; abort.abort(new Error(`timed out after ${this.timeoutMs} ms`)); },
      () => undefined, // the request finished first
    );

    let response: Response;
    let text: string;
    try {
      response = await this.fetchFn(this.url(req), {
        method: req.method,
        headers,
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: abort.signal,
      });
      text = await response.text();
    } catch (error) {
      throw classifyTransportError(operation, error, timedOut);
    } finally {
      timer.abort();
    }

    this.options.limiter?.observe(response.headers);
    if (response.status < 200 || response.status > 299) {
      throw classifyHttpError({ operation, status: response.status, headers: response.headers, bodyText: text, now: this.options.clock.now() });
    }
    return { status: response.status, headers: response.headers, body: parseJsonBody(operation, response.status, text) };
  }

  private url(req: HttpRequest): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined && value !== null) params.set(key, String(value));
    }
    const qs = params.toString();
    return `${this.options.baseUrl}${req.path}${qs ? `?${qs}` : ''}`;
  }

  /** defence in depth: no transport message may echo the secret */
  private scrub(err: BrokerError): BrokerError {
    const { credentials } = this.options;
    if (!credentials.appearsIn(err.message) && !credentials.appearsIn(String(err.body ?? ''))) return err;
    const clean = (s: string) => s.split(credentials.secret()).join('****');
    return new BrokerError({
      category: err.category, operation: err.operation, status: err.status, code: err.code,
      message: clean(err.brokerMessage), body: typeof err.body === 'string' ? clean(err.body) : undefined,
      retryAfterMs: err.retryAfterMs,
    });
  }
}

function parseJsonBody(operation: string, status: number, text: string): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BrokerError({ category: 'invalid_response', operation, status, message: 'response body is not JSON', body: text.slice(0, 500) });
  }
}

/** anything thrown below the client becomes a BrokerError (classify* may themselves throw) */
export function toBrokerError(operation: string, error: unknown): BrokerError {
  if (error instanceof BrokerError) return error;
  return new BrokerError({ category: 'invalid_response', operation, message: errorText(error) });
}
