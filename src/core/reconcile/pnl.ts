/**
 * Realized P&L of a closed long or short trade, exact in Decimal.
 * Invariants: pnl = (exit − entry) × shares for a buy, (entry − exit) × shares for a sell;
 * pnlPct is relative to the entry price in percent; an unknown or zero entry gives 0 %, never NaN.
 */
import { Decimal, ZERO } from '../../domain/money.js';

export interface RealizedPnl {
  pnl: Decimal;
  pnlPct: Decimal;
}

export function realizedPnl(side: 'buy' | 'sell', entry: Decimal, exit: Decimal, shares: Decimal): RealizedPnl {
  const perShare = side === 'buy' ? exit.minus(entry) : entry.minus(exit);
  const pnlPct = entry.isZero() ? ZERO : perShare.div(entry).times(100).toDecimalPlaces(4, Decimal.ROUND_HALF_EVEN);
  return { pnl: perShare.times(shares), pnlPct };
}
