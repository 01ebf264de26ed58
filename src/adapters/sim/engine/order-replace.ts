/**
 * PATCH /v2/orders/{order_id} on the simulated exchange, as Alpaca describes it: the body's fields
 * (qty, time_in_force, limit_price, stop_price, trail, client_order_id) override the old order's and
 * the rest is copied; the answer is a NEW order (new id, `replaces` = the old id, a new client order
 * id — generated when the body has none) and the old order ends `replaced` with `replaced_by`.
 * Refused (422) while the old order is not working yet (accepted, pending_new) or has ended, for a
 * notional order, and when a fractional quantity would change; prices are checked as on a POST.
 * Alpaca documents these rules but not its wording for them: the sim's messages name the rule.
 */
import type { Decimal } from '../../../domain/money.js';
import { isTerminalStatus, TIME_IN_FORCE, type Order, type TimeInForce } from '../../../domain/order.js';
import { absent, decimalField, subPenny, type Parsed } from './order-body.js';
import { invalid, unprocessable, type SimFailure } from './sim-errors.js';

export interface ReplaceInput {
  qty: Decimal | null;
  timeInForce: TimeInForce | null;
  limitPrice: Decimal | null;
  stopPrice: Decimal | null;
  trail: Decimal | null;
  clientOrderId: string | null;
}

export function parseReplaceBody(raw: unknown): Parsed<ReplaceInput> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return invalid('failed to decode request body');
  const body = raw as Record<string, unknown>;
  const tif = body.time_in_force;
  if (!absent(tif) && !(typeof tif === 'string' && (TIME_IN_FORCE as readonly string[]).includes(tif))) return invalid('invalid time_in_force');
  const values: Partial<Record<'qty' | 'limit_price' | 'stop_price' | 'trail', Decimal | null>> = {};
  for (const f of ['qty', 'limit_price', 'stop_price', 'trail'] as const) {
    const r = decimalField(body, f);
    if (!r.ok) return r;
    values[f] = r.value;
  }
  if (values.qty && values.qty.lte(0)) return invalid('qty must be > 0');
  const clientOrderId = absent(body.client_order_id) ? null : String(body.client_order_id);
  if (clientOrderId !== null && clientOrderId.length > 128) return invalid('client_order_id must be no more than 128 characters');
  const sub = subPenny('limit_price', values.limit_price ?? null) ?? subPenny('stop_price', values.stop_price ?? null);
  if (sub) return sub;
  return {
    ok: true,
    value: {
      qty: values.qty ?? null, timeInForce: absent(tif) ? null : (tif as TimeInForce), limitPrice: values.limit_price ?? null,
      stopPrice: values.stop_price ?? null, trail: values.trail ?? null, clientOrderId,
    },
  };
}

/** why this order may not be replaced with `input`; null: it may */
export function replaceRefusal(old: Order, input: ReplaceInput, inGroup: boolean): SimFailure | null {
  if (isTerminalStatus(old.status)) return unprocessable(`order is not replaceable: it is ${old.status}`);
  if (old.status === 'accepted' || old.status === 'pending_new' || old.status === 'held') return unprocessable(`order is not replaceable while ${old.status}`);
  if (old.notional !== null) return unprocessable('notional orders cannot be replaced');
  if (old.filledQty.gt(0)) return unprocessable('order is not replaceable: it has fills (the sim replaces unfilled orders only)');
  const qtyChanges = input.qty !== null && old.qty !== null && !input.qty.eq(old.qty);
  if (qtyChanges && (!input.qty!.isInteger() || !old.qty!.isInteger())) return unprocessable('the quantity of a fractional order cannot be changed');
  // a bracket's or an oco's legs share their shares: only their prices are replaced (as Alpaca allows)
  if (qtyChanges && inGroup) return unprocessable('the quantity of a bracket or oco leg cannot be changed');
  if (input.limitPrice && old.type !== 'limit' && old.type !== 'stop_limit') return invalid('limit_price is only for limit and stop_limit orders');
  if (input.stopPrice && old.type !== 'stop' && old.type !== 'stop_limit') return invalid('stop_price is only for stop and stop_limit orders');
  if (input.trail && old.type !== 'trailing_stop') return invalid('trail is only for trailing_stop orders');
  const fractional = !(input.qty ?? old.qty)!.isInteger();
  if (fractional && (input.timeInForce ?? old.timeInForce) !== 'day') return invalid('fractional orders must be DAY orders');
  return null;
}

/** the replacing order: the old one with the body's fields, a new id, working from `now` */
export function replacementOf(old: Order, input: ReplaceInput, ids: { id: string; clientOrderId: string }, now: number): Order {
  const trailPercent = old.trailPercent !== null && input.trail ? input.trail : old.trailPercent;
  const trailPrice = old.trailPrice !== null && input.trail ? input.trail : old.trailPrice;
  return {
    ...old, id: ids.id, clientOrderId: ids.clientOrderId, qty: input.qty ?? old.qty, timeInForce: input.timeInForce ?? old.timeInForce,
    limitPrice: input.limitPrice ?? old.limitPrice, stopPrice: input.stopPrice ?? old.stopPrice, trailPrice, trailPercent,
    status: 'new', statusRaw: 'new', createdAt: now, updatedAt: now, submittedAt: now, replaces: old.id, replacedBy: null, replacedAt: null,
    legs: null,
  };
}
