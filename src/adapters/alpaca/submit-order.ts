/**
 * Order submission that never double-submits (docs/alpaca.md §3.4).
 * Invariants:
 *  - every POST carries the caller's client_order_id, and a POST is never retried by the transport;
 *  - after an ambiguous failure (timeout, network, 5xx, 429, unreadable 200) the order is looked up
 *    by client_order_id BEFORE anything is resent; only a 404 there allows a resubmit, with the SAME id;
 *  - 422 "client_order_id must be unique" means an earlier attempt landed → look it up;
 *  - a terminal answer (400/401/403/404/422...) → rejected, keeping Alpaca's code and message;
 *  - if the lookup itself fails, the outcome is 'unknown' and the order stays in flight.
 */
import { BrokerError } from '../../domain/broker-error.js';
import type { Order, OrderReplace, OrderRequest } from '../../domain/order.js';
import type { SubmitOutcome } from '../../ports/broker.port.js';
import { toBrokerError, type AlpacaHttpClient } from './http-client.js';
import { parseOrder } from './parse.js';
import { toOrderRequestBody, toReplaceRequestBody } from './serialize.js';
import { errorText } from '../../lib/error-text.js';

export interface SubmitOptions {
  /** extra POSTs allowed after a lookup proved the previous one did not land */
  maxResubmits: number;
}

const OPERATION = 'POST /v2/orders';

/** Alpaca's wording varies ("client_order_id must be unique", "client order id must be unique") */
export function isDuplicateClientOrderId(err: BrokerError): boolean {
  if (err.status !== 422 && err.status !== 400 && err.status !== 409) return false;
  const text = `${err.brokerMessage} ${typeof err.body === 'object' && err.body !== null ? JSON.stringify(err.body) : String(err.body ?? '')}`;
  return /client[ _-]?order[ _-]?id/i.test(text) && /unique|duplicate|already/i.test(text);
}

/** an error after which the order may or may not exist at the broker */
function isAmbiguous(err: BrokerError): boolean {
  return err.retryable || err.category === 'invalid_response' || err.category === 'unexpected_status';
}

export async function submitWithRecovery(
  http: AlpacaHttpClient,
  request: OrderRequest,
  lookup: (clientOrderId: string) => Promise<Order | null>,
  options: SubmitOptions,
): Promise<SubmitOutcome> {
  const clientOrderId = request.clientOrderId;
  let body: Record<string, unknown>;
  try {
    body = toOrderRequestBody(request);
  } catch (error) {
    // nothing was sent: a request Keel cannot even express is a rejection
    return { kind: 'rejected', error: new BrokerError({ category: 'bad_request', operation: OPERATION, message: errorText(error) }) };
  }

  let lastError: BrokerError | null = null;
  for (let attempt = 0; attempt <= options.maxResubmits; attempt++) {
    try {
      const res = await http.request({ method: 'POST', path: '/v2/orders', body, retry: 'never' });
      try {
        return { kind: 'accepted', order: parseOrder(res.body), recovered: false };
      } catch (error) {
        // the order landed but its echo is unreadable: fetch it the normal way
        lastError = new BrokerError({ category: 'invalid_response', operation: OPERATION, status: res.status, message: errorText(error), body: res.body });
      }
    } catch (error) {
      lastError = toBrokerError(OPERATION, error);
      if (!isDuplicateClientOrderId(lastError) && !isAmbiguous(lastError)) return { kind: 'rejected', error: lastError };
    }

    let found: Order | null;
    try {
      found = await lookup(clientOrderId);
    } catch (error) {
      return { kind: 'unknown', clientOrderId, error: toBrokerError('GET /v2/orders:by_client_order_id', error) };
    }
    if (found) return { kind: 'accepted', order: found, recovered: true };
    // 404: that attempt did not land (a duplicate 422 that cannot be found is still unresolved)
    if (isDuplicateClientOrderId(lastError)) return { kind: 'unknown', clientOrderId, error: lastError };
  }
  // every attempt failed ambiguously and was not found; a late landing is still possible
  return { kind: 'unknown', clientOrderId, error: lastError ?? new BrokerError({ category: 'network', operation: OPERATION, message: 'no attempt made' }) };
}

/**
 * PATCH /v2/orders/{id}, never resent: the old order may already be replaced (a second PATCH is
 * refused, or replaces the replacement). After an ambiguous failure the replacement is looked up
 * by its new client order id: found → accepted; not found → 'unknown' (the old order may still be
 * working, or replaced by an answer still on its way); a terminal answer → rejected.
 */
export async function replaceWithRecovery(
  http: AlpacaHttpClient, orderId: string, replace: OrderReplace, lookup: (clientOrderId: string) => Promise<Order | null>,
): Promise<SubmitOutcome> {
  const operation = 'PATCH /v2/orders/{order_id}';
  const { clientOrderId } = replace;
  let lastError: BrokerError;
  try {
    const res = await http.request({ method: 'PATCH', path: `/v2/orders/${encodeURIComponent(orderId)}`, body: toReplaceRequestBody(replace), retry: 'never' });
    try {
      return { kind: 'accepted', order: parseOrder(res.body), recovered: false };
    } catch (error) {
      lastError = new BrokerError({ category: 'invalid_response', operation, status: res.status, message: errorText(error), body: res.body });
    }
  } catch (error) {
    lastError = toBrokerError(operation, error);
    if (!isAmbiguous(lastError)) return { kind: 'rejected', error: lastError };
  }
  try {
    const found = await lookup(clientOrderId);
    return found ? { kind: 'accepted', order: found, recovered: true } : { kind: 'unknown', clientOrderId, error: lastError };
  } catch (error) {
    return { kind: 'unknown', clientOrderId, error: toBrokerError('GET /v2/orders:by_client_order_id', error) };
  }
}
