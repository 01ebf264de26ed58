/**
 * Closing a trade, pure: the exit fill becomes exit price, P&L, P&L %, exit time and reason, and
 * what the exit adds to its ET day. The stores apply both in one transaction.
 * Invariants: the day is the ET date of the exit; a round trip is counted when entry and exit share
 * it; pnl = (exit − entry) × shares, exact in Decimal (pnl.ts).
 */
import { etDate } from '../../domain/market-time.js';
import type { Decimal } from '../../domain/money.js';
import type { ExitFill, Trade, TradePatch } from '../../domain/trade.js';
import { realizedPnl } from './pnl.js';

export type { ExitFill } from '../../domain/trade.js';

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
