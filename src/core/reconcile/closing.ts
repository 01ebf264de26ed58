/**
 * Closing a trade, pure: the exit fill becomes exit price, P&L, P&L %, exit time and reason, and
 * what the exit adds to its ET day. The stores apply both in one transaction.
 * Invariants: the day is the ET date of the exit; a round trip is counted when entry and exit share
 * it; pnl = (exit − entry) × shares for a buy, (entry − exit) × shares for a sell, exact in Decimal;
 * pnlPct is relative to the entry price in percent; an unknown or zero entry gives 0 %, never NaN.
 */
import { etDate } from '../../domain/market-time.js';
import { Decimal, ZERO } from '../../domain/money.js';
import type { ExitFill, Trade, TradePatch } from '../../domain/trade.js';

export type { ExitFill } from '../../domain/trade.js';

export interface RealizedPnl {
  pnl: Decimal;
  pnlPct: Decimal;
}

/** realized P&L of a closed long or short trade */
export function realizedPnl(side: 'buy' | 'sell', entry: Decimal, exit: Decimal, shares: Decimal): RealizedPnl {
  const perShare = side === 'buy' ? exit.minus(entry) : entry.minus(exit);
  const pnlPct = entry.isZero() ? ZERO : perShare.div(entry).times(100).toDecimalPlaces(4, Decimal.ROUND_HALF_EVEN);
  return { pnl: perShare.times(shares), pnlPct };
}

/** the patch that closes `trade` with `fill` */
export function closingPatch(trade: Trade, fill: ExitFill): TradePatch & { pnl: Decimal; pnlPct: Decimal } {
  const entry = trade.entryPrice ?? fill.price;
  const { pnl, pnlPct } = realizedPnl(trade.side, entry, fill.price, fill.shares);
  return { status: 'closed', exitPrice: fill.price, pnl, pnlPct, exitAt: fill.at, exitReason: fill.reason };
}

/** what the exit adds to its ET day */
export function dailyDelta(trade: Trade, fill: ExitFill, pnl: Decimal) {
  const day = etDate(fill.at);
  const roundTrip = trade.entryAt !== null && etDate(trade.entryAt) === day;
  return { day, delta: { realizedPnl: pnl, tradeCount: 1, roundTripCount: roundTrip ? 1 : 0 } };
}
