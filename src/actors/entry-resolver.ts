/**
 * Settles an order whose submission outcome is unknown (timeout, 5xx): ask the broker by
 * client_order_id, with capped exponential backoff on the injected Clock, until it answers.
 * Invariants: never re-submits (the caller decides what a definite "not there" means); a
 * retryable lookup failure waits and asks again; stop() (the abort signal) ends the loop.
 */
import { BrokerError } from '../domain/broker-error.js';
import type { Order } from '../domain/order.js';
import type { BrokerPort } from '../ports/broker.port.js';
import type { Clock } from '../ports/clock.port.js';

export interface ResolveOptions {
  baseMs?: number;
  maxMs?: number;
  signal?: AbortSignal;
}

/** the order, or null when the broker says no order has this client order id */
export async function resolveByClientOrderId(broker: BrokerPort, clock: Clock, clientOrderId: string, opts: ResolveOptions = {}): Promise<Order | null> {
  const base = opts.baseMs ?? 1_000;
  const max = opts.maxMs ?? 30_000;
  for (let attempt = 0; ; attempt++) {
    opts.signal?.throwIfAborted();
    try {
      return await broker.getOrderByClientOrderId(clientOrderId);
    } catch (error) {
      // a terminal failure (401/403) will not heal by waiting, but the order may still exist:
      // keep asking at the slowest pace rather than guessing
      const retryable = error instanceof BrokerError ? error.retryable : true;
      const wait = retryable ? Math.min(max, base * 2 ** attempt) : max;
      await clock.sleep(wait, opts.signal);
    }
  }
}
