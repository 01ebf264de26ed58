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
import { toBrokerError, type AlpacaHttpClient, type HttpRequest, type HttpResponse } from './http-client.js';
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
    const sent = await sendOnce(http, { method: 'POST', path: '/v2/orders', body, retry: 'never' }, OPERATION);
    if ('order' in sent) return { kind: 'accepted', order: sent.order, recovered: false };
    lastError = sent.error;
    if (!sent.landed && !isDuplicateClientOrderId(lastError) && !isAmbiguous(lastError)) return { kind: 'rejected', error: lastError };
    const found = await lookUp(lookup, clientOrderId);
    if (found) return found;
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
  const path = `/v2/orders/${encodeURIComponent(orderId)}`;
  const sent = await sendOnce(http, { method: 'PATCH', path, body: toReplaceRequestBody(replace), retry: 'never' }, operation);
  if ('order' in sent) return { kind: 'accepted', order: sent.order, recovered: false };
  if (!sent.landed && !isAmbiguous(sent.error)) return { kind: 'rejected', error: sent.error };
  return (await lookUp(lookup, replace.clientOrderId)) ?? { kind: 'unknown', clientOrderId: replace.clientOrderId, error: sent.error };
}

/**
 * One request that answers an Order, never retried: the order, or the error — `landed` when the
 * broker answered 200 but its echo is unreadable (look the order up); otherwise an error answer or
 * no answer, which the caller's rules call terminal or ambiguous.
 */
async function sendOnce(http: AlpacaHttpClient, request: HttpRequest, operation: string): Promise<{ order: Order } | { error: BrokerError; landed: boolean }> {
  let res: HttpResponse;
  try {
    res = await http.request(request);
  } catch (error) {
    return { error: toBrokerError(operation, error), landed: false };
  }
  try {
    return { order: parseOrder(res.body) };
  } catch (error) {
    return { error: new BrokerError({ category: 'invalid_response', operation, status: res.status, message: errorText(error), body: res.body }), landed: true };
  }
}

/** after an ambiguous answer: the order found by its client order id; 'unknown' when the lookup
 *  itself fails; null when it is not there (404) */
async function lookUp(lookup: (clientOrderId: string) => Promise<Order | null>, clientOrderId: string): Promise<SubmitOutcome | null> {
  try {
    const found = await lookup(clientOrderId);
    return found ? { kind: 'accepted', order: found, recovered: true } : null;
  } catch (error) {
    return { kind: 'unknown', clientOrderId, error: toBrokerError('GET /v2/orders:by_client_order_id', error) };
  }
}
