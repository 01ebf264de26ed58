/**
 * Cash and positions of the simulated (cash, long-only) account.
 * Invariants:
 *  - cash changes only on fills: −qty×price on buys, +qty×price on sells;
 *  - a position is netted per symbol; cost = avg entry × qty; a sell reduces cost at the average
 *    entry price (realised P&L goes to cash); a position reaching 0 is removed (flat = 404);
 *  - qty never goes below 0: the order checks refuse sells beyond what is available.
 */
import { Decimal, ZERO } from '../../../domain/money.js';
import type { OrderSide } from '../../../domain/order.js';

export interface Holding {
  qty: Decimal;
  cost: Decimal;
}

export class AccountBook {
  private cashBalance: Decimal;
  private readonly holdings = new Map<string, Holding>();

  constructor(startingCash: Decimal) {
    this.cashBalance = startingCash;
  }

  get cash(): Decimal {
    return this.cashBalance;
  }

  holding(symbol: string): Holding | null {
    return this.holdings.get(symbol) ?? null;
  }

  symbols(): string[] {
    return [...this.holdings.keys()].sort();
  }

  qtyOf(symbol: string): Decimal {
    return this.holdings.get(symbol)?.qty ?? ZERO;
  }

  /** books one execution; returns the position qty afterwards */
  applyFill(symbol: string, side: OrderSide, qty: Decimal, price: Decimal): Decimal {
    const value = qty.mul(price);
    const h = this.holdings.get(symbol) ?? { qty: ZERO, cost: ZERO };
    let next: Holding;
    if (side === 'buy') {
      this.cashBalance = this.cashBalance.sub(value);
      next = { qty: h.qty.add(qty), cost: h.cost.add(value) };
    } else {
      this.cashBalance = this.cashBalance.add(value);
      const remaining = h.qty.sub(qty);
      next = { qty: remaining, cost: h.qty.isZero() ? ZERO : h.cost.mul(remaining).div(h.qty) };
    }
    if (next.qty.isZero()) this.holdings.delete(symbol);
    else this.holdings.set(symbol, next);
    return next.qty;
  }
}
