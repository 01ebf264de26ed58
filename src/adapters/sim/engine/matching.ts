/**
 * When and at what price a working order executes against the simulated last price.
 * Marketable orders fill at the current price (a limit buy placed above the market gets the
 * market price, as on a real venue). Stops trigger once crossed and then behave as market
 * (stop) or limit (stop_limit). Trailing stops track the best price since submission (`hwm`).
 */
import { Decimal } from '../../../domain/money.js';
import type { Order } from '../../../domain/order.js';

export interface MatchState {
  triggered: boolean;
  /** best price seen: high-water mark for sells, low-water mark for buys (trailing stops) */
  hwm: number | null;
}

function trailStop(order: Order, hwm: number): number {
  const trail = order.trailPrice ? order.trailPrice.toNumber() : (hwm * order.trailPercent!.toNumber()) / 100;
  return order.side === 'sell' ? hwm - trail : hwm + trail;
}

/** updates trigger state; returns the execution price or null when the order does not execute now */
export function executionPrice(order: Order, state: MatchState, price: number): number | null {
  const buy = order.side === 'buy';
  if (order.type === 'trailing_stop' && !state.triggered) {
    state.hwm = state.hwm === null ? price : buy ? Math.min(state.hwm, price) : Math.max(state.hwm, price);
    const stop = trailStop(order, state.hwm);
    order.hwm = new Decimal(state.hwm);
    order.stopPrice = new Decimal(stop.toFixed(2));
    state.triggered = buy ? price >= stop : price <= stop;
  }
  if ((order.type === 'stop' || order.type === 'stop_limit') && !state.triggered) {
    const stop = order.stopPrice!.toNumber();
    state.triggered = buy ? price >= stop : price <= stop;
  }
  const needsTrigger = order.type !== 'market' && order.type !== 'limit';
  if (needsTrigger && !state.triggered) return null;
  if (order.limitPrice) {
    const limit = order.limitPrice.toNumber();
    if (buy ? price > limit : price < limit) return null;
  }
  return price;
}
