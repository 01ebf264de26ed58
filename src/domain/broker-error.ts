/**
 * Broker failures, classified once at the adapter boundary (docs/design.md §8).
 * Retryable: 429 (honouring the rate-limit headers), 5xx, network failures, timeouts.
 * Terminal: 400/401/403/404/422 — Alpaca's {code, message} kept verbatim.
 * A retryable failure on a POST /v2/orders is NOT retried: its outcome is unknown until the
 * client_order_id is looked up.
 */
export type BrokerErrorCategory =
  | 'rate_limited'
  | 'server_error'
  | 'network'
  | 'timeout'
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'unprocessable'
  | 'invalid_response'
  | 'unexpected_status';

const RETRYABLE: ReadonlySet<BrokerErrorCategory> = new Set<BrokerErrorCategory>([
  'rate_limited', 'server_error', 'network', 'timeout',
]);

export interface BrokerErrorInit {
  category: BrokerErrorCategory;
  /** what was being done, e.g. "GET /v2/account" */
  operation: string;
  status?: number | null;
  /** Alpaca's numeric code, e.g. 40310000 */
  code?: number | null;
  /** Alpaca's message, or a description of the transport failure */
  message: string;
  /** the parsed (or raw text) error body, for the journal */
  body?: unknown;
  /** how long the broker asked us to wait (429: X-RateLimit-Reset / Retry-After) */
  retryAfterMs?: number | null;
}

export class BrokerError extends Error {
  readonly category: BrokerErrorCategory;
  readonly operation: string;
  readonly status: number | null;
  readonly code: number | null;
  readonly brokerMessage: string;
  readonly body: unknown;
  readonly retryAfterMs: number | null;

  constructor(init: BrokerErrorInit) {
    super(`${init.operation} failed (${init.category}${init.status ? ` ${init.status}` : ''}${init.code ? ` code ${init.code}` : ''}): ${init.message}`);
    this.name = 'BrokerError';
    this.category = init.category;
    this.operation = init.operation;
    this.status = init.status ?? null;
    this.code = init.code ?? null;
    this.brokerMessage = init.message;
    this.body = init.body;
    this.retryAfterMs = init.retryAfterMs ?? null;
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.category);
  }
}

/**
 * A sell refused for its quantity: 403 "insufficient qty available for order" (Alpaca's body:
 * code 40310000, available, existing_qty, held_for_orders) or a 422 about the qty. Sending the same
 * quantity again can only be refused again: the caller must re-read what is held.
 */
export function isQuantityRefusal(error: BrokerError): boolean {
  if (error.status === 403) return /insufficient qty/i.test(error.brokerMessage);
  return error.status === 422 && /\bqty\b|quantity/i.test(error.brokerMessage);
}

/** A broker payload that does not match the protocol: every problem listed, nothing guessed. */
export class ParseError extends Error {
  constructor(readonly what: string, readonly problems: string[], readonly payload?: unknown) {
    super(`invalid ${what}: ${problems.join('; ')}`);
    this.name = 'ParseError';
  }
}
