/**
 * Orders on the wire (docs/alpaca.md §2.5.1, §4.1).
 * Invariants: a response Order lists every key Alpaca lists, with null where not applicable
 * (position_intent is omitted when unknown: the spec's enum has no null); `order_type` repeats
 * `type`; a simple order echoes `order_class: ""`; an unknown status is written back as the raw
 * status Alpaca sent. A request body omits absent fields and sends decimals as strings.
 */
import type { Order, OrderReplace, OrderRequest } from '../../../domain/order.js';
import { toWire } from '../../../domain/money.js';
import { decOrNull, timeOrNull, withoutNulls } from './wire-values.js';

export function toOrderRequestBody(req: OrderRequest): Record<string, unknown> {
  return withoutNulls({
    symbol: req.symbol,
    qty: decOrNull(req.qty),
    notional: decOrNull(req.notional),
    side: req.side,
    type: req.type,
    time_in_force: req.timeInForce,
    limit_price: decOrNull(req.limitPrice),
    stop_price: decOrNull(req.stopPrice),
    trail_price: decOrNull(req.trailPrice),
    trail_percent: decOrNull(req.trailPercent),
    extended_hours: req.extendedHours,
    client_order_id: req.clientOrderId,
    order_class: req.orderClass && req.orderClass !== 'simple' ? req.orderClass : null,
    take_profit: req.takeProfit ? { limit_price: toWire(req.takeProfit.limitPrice) } : null,
    stop_loss: req.stopLoss
      ? withoutNulls({ stop_price: toWire(req.stopLoss.stopPrice), limit_price: decOrNull(req.stopLoss.limitPrice) })
      : null,
  });
}

/** PATCH /v2/orders/{id}'s body: only what changes */
export function toReplaceRequestBody(r: OrderReplace): Record<string, unknown> {
  return withoutNulls({
    qty: decOrNull(r.qty), time_in_force: r.timeInForce ?? null, limit_price: decOrNull(r.limitPrice), stop_price: decOrNull(r.stopPrice),
    client_order_id: r.clientOrderId,
  });
}

export function orderToWire(order: Order): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    id: order.id,
    client_order_id: order.clientOrderId,
    created_at: timeOrNull(order.createdAt),
    updated_at: timeOrNull(order.updatedAt),
    submitted_at: timeOrNull(order.submittedAt),
    filled_at: timeOrNull(order.filledAt),
    expired_at: timeOrNull(order.expiredAt),
    canceled_at: timeOrNull(order.canceledAt),
    failed_at: timeOrNull(order.failedAt),
    replaced_at: timeOrNull(order.replacedAt),
    replaced_by: order.replacedBy,
    replaces: order.replaces,
    asset_id: order.assetId,
    symbol: order.symbol,
    asset_class: order.assetClass,
    notional: decOrNull(order.notional),
    qty: decOrNull(order.qty),
    filled_qty: toWire(order.filledQty),
    filled_avg_price: decOrNull(order.filledAvgPrice),
    order_class: order.orderClass === 'simple' ? '' : order.orderClass,
    order_type: order.type,
    type: order.type,
    side: order.side,
    time_in_force: order.timeInForce,
    limit_price: decOrNull(order.limitPrice),
    stop_price: decOrNull(order.stopPrice),
    status: order.status === 'unknown' ? order.statusRaw : order.status,
    extended_hours: order.extendedHours,
    legs: order.legs ? order.legs.map(orderToWire) : null,
    trail_percent: decOrNull(order.trailPercent),
    trail_price: decOrNull(order.trailPrice),
    hwm: decOrNull(order.hwm),
    subtag: null,
    source: null,
  };
  if (order.positionIntent !== null) wire.position_intent = order.positionIntent;
  return wire;
}
