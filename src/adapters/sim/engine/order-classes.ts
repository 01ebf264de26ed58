/**
 * Advanced order classes on the simulated exchange, as Alpaca takes them (docs/alpaca.md §2.5.1):
 * the body's `take_profit` / `stop_loss`, and the rules each class must keep. The engine holds the
 * legs (order-legs.ts). Rules and their answers:
 *  - bracket: an ENTRY (a sell while long is refused) of a market or limit order, day or gtc, whole
 *    shares, never extended hours, with both take_profit.limit_price and stop_loss.stop_price;
 *    for a buy the take-profit at least 0.01 above, the stop at least 0.01 below the base price —
 *    the entry's limit price and the current market price, both
 *        → 422 40010001 (shape) / 42210000 "take_profit.limit_price must be >= base_price + 0.01",
 *          "stop_loss.stop_price must be <= base_price - 0.01" (the messages Alpaca users report);
 *  - oco: an EXIT (a sell of at most the long position) whose own type is limit (the take-profit,
 *    `limit_price` or take_profit.limit_price) with stop_loss.stop_price below it;
 *  - oto: an entry with exactly one of take_profit / stop_loss;
 *  - mleg (options) is not simulated: 422.
 */
import type { Decimal } from '../../../domain/money.js';
import type { OrderClass } from '../../../domain/order.js';
import { invalid, unprocessable, type SimFailure } from './sim-errors.js';
import type { SimOrderInput } from './order-body.js';

export type { LegSpec } from './order-body.js';

const TICK = 0.01;

/** the class rules that need the market: the position held and the current price (null: none known) */
export function checkOrderClass(o: SimOrderInput, held: Decimal, marketPrice: number | null): SimFailure | null {
  const cls: OrderClass = o.orderClass;
  if (cls === 'simple') return null;
  if (cls === 'mleg') return invalid('order_class mleg is not supported by the simulated exchange');
  const tp = o.legs.takeProfit;
  const sl = o.legs.stopLoss;
  const whole = o.qty !== null && o.qty.isInteger() && o.notional === null;
  if (!whole) return invalid(`${cls} orders must be for whole shares (qty, not notional)`);
  if (o.extendedHours) return invalid(`${cls} orders are not eligible for extended hours`);
  if (o.timeInForce !== 'day' && o.timeInForce !== 'gtc') return invalid(`${cls} orders must be day or gtc`);
  if (cls === 'oco') {
    if (o.type !== 'limit') return invalid('oco orders must be limit orders');
    if (!sl) return invalid('stop_loss.stop_price is required');
    if (o.side !== 'sell' || held.lt(o.qty!)) return unprocessable('oco orders must be exit orders');
    if (!sl.stopPrice.lt(o.limitPrice!)) return unprocessable('stop_loss.stop_price must be < take_profit.limit_price');
    return null;
  }
  if (o.type !== 'market' && o.type !== 'limit') return invalid(`${cls} orders must be market or limit orders`);
  if (cls === 'bracket' && !tp) return invalid('take_profit.limit_price is required');
  if (cls === 'bracket' && !sl) return invalid('stop_loss.stop_price is required');
  if (cls === 'oto' && (tp === null) === (sl === null)) return invalid('oto orders require exactly one of take_profit or stop_loss');
  if (o.side === 'sell' && held.gt(0)) return unprocessable(`${cls} orders must be entry orders`);
  return basePriceRule(o, marketPrice);
}

/** for a buy, the take-profit above and the stop below both the entry's limit price and the market */
function basePriceRule(o: SimOrderInput, marketPrice: number | null): SimFailure | null {
  const bases = [o.limitPrice?.toNumber() ?? null, marketPrice].filter((p): p is number => p !== null && p > 0);
  if (bases.length === 0) return null;
  const buy = o.side === 'buy';
  const high = Math.max(...bases);
  const low = Math.min(...bases);
  const tp = o.legs.takeProfit?.limitPrice.toNumber();
  const sl = o.legs.stopLoss?.stopPrice.toNumber();
  const cents = (x: number) => Math.round(x * 100) / 100;
  if (tp !== undefined && (buy ? tp < cents(high + TICK) : tp > cents(low - TICK))) {
    return unprocessable(`take_profit.limit_price must be ${buy ? '>=' : '<='} base_price ${buy ? '+' : '-'} 0.01`);
  }
  if (sl !== undefined && (buy ? sl > cents(low - TICK) : sl < cents(high + TICK))) {
    return unprocessable(`stop_loss.stop_price must be ${buy ? '<=' : '>='} base_price ${buy ? '-' : '+'} 0.01`);
  }
  return null;
}
