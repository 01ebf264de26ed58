/**
 * What an open order holds on the simulated exchange: the shares a sell still has to sell, and the
 * buying power a buy reserves (order-engine.ts: cash account, multiplier 1).
 * reservation = remaining qty × limit price (limit, stop_limit) or × current price × 1.03 (market,
 * stop, trailing_stop); a notional buy reserves its unfilled notional.
 */
import { Decimal } from '../../../domain/money.js';
import type { Order } from '../../../domain/order.js';
import type { Working } from './working.js';

const MARKET_BUY_RESERVE = 1.03;

/** shares still to fill (a notional order before its first execution: at the current price) */
export function remainingShares(w: Working, price: number | null): Decimal {
  if (w.target) return w.target.sub(w.order.filledQty);
  return w.order.notional!.div(price ?? 1).toDecimalPlaces(9, Decimal.ROUND_UP);
}

export function referencePrice(type: Order['type'], limitPrice: Decimal | null, price: number): Decimal {
  if (limitPrice && (type === 'limit' || type === 'stop_limit')) return limitPrice;
  return new Decimal(price).mul(MARKET_BUY_RESERVE);
}

export function reservation(w: Working, price: number | null): Decimal {
  const o = w.order;
  if (o.notional && w.target === null) return o.notional.sub(w.filledValue);
  return remainingShares(w, price).mul(referencePrice(o.type, o.limitPrice, price ?? 0));
}
