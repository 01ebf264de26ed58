/**
 * What an open order holds on the simulated exchange: the shares a sell still has to sell, and the
 * buying power a buy reserves (order-engine.ts: cash account, multiplier 1).
 * reservation = remaining qty × limit price (limit, stop_limit) or × current price × 1.03 (market,
 * stop, trailing_stop); a notional buy reserves its unfilled notional.
 */
import { Decimal, ZERO } from '../../../domain/money.js';
import type { Order } from '../../../domain/order.js';
import { forbidden, type SimFailure } from './sim-errors.js';
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

/** what the account leaves an order of a symbol: its shares, those open sells hold, the buying power */
export interface Room {
  existing: Decimal;
  held: Decimal;
  buyingPower: Decimal;
}

/** would the exchange take this order beside the open ones? (the 403s Alpaca answers) */
export function admissionRefusal(
  o: Pick<Order, 'symbol' | 'side' | 'type' | 'qty' | 'notional' | 'limitPrice'>, price: number, room: Room,
): SimFailure | null {
  if (o.side === 'sell') {
    const available = Decimal.max(ZERO, room.existing.sub(room.held));
    const requested = o.qty ?? o.notional!.div(price).toDecimalPlaces(9, Decimal.ROUND_UP);
    if (!requested.gt(available)) return null;
    return forbidden(`insufficient qty available for order (requested: ${requested.toFixed()}, available: ${available.toFixed()})`, {
      available: available.toFixed(), existing_qty: room.existing.toFixed(), held_for_orders: room.held.toFixed(), symbol: o.symbol,
    });
  }
  const cost = o.notional ?? o.qty!.mul(referencePrice(o.type, o.limitPrice, price));
  if (!cost.gt(room.buyingPower)) return null;
  return forbidden('insufficient buying power', {
    buying_power: room.buyingPower.toDecimalPlaces(2).toFixed(), cost_basis: cost.toDecimalPlaces(2, Decimal.ROUND_UP).toFixed(),
  });
}

/** shares the open sell orders of a symbol hold (an OCO group sells its shares once) */
export function sharesHeld(open: readonly Working[], symbol: string, price: number | null): Decimal {
  const counted = new Set<Working[]>();
  let sum = ZERO;
  for (const w of open) {
    if (w.order.symbol !== symbol || w.order.side !== 'sell') continue;
    if (w.group) {
      if (counted.has(w.group)) continue;
      counted.add(w.group);
    }
    sum = sum.add(remainingShares(w, price));
  }
  return sum;
}

/** cash less what the open buy orders reserve (a cash account) */
export function buyingPowerLeft(open: readonly Working[], cash: Decimal, priceOf: (symbol: string) => number | null): Decimal {
  const reserved = open.filter((w) => w.order.side === 'buy').reduce((sum, w) => sum.add(reservation(w, priceOf(w.order.symbol))), ZERO);
  return Decimal.max(ZERO, cash.sub(reserved));
}
