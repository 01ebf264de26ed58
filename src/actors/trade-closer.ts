/**
 * Closing a trade: the exit fill becomes exit price, P&L, P&L %, exit time and reason, and the
 * day's statistics move with it.
 * Invariants:
 *  - the trade row, its journal line and bot_daily_stats change in ONE transaction: a crash can
 *    never leave a closed trade whose P&L is missing from the day (or counted twice);
 *  - the day is the ET date of the exit; a round trip is counted when entry and exit share it;
 *  - pnl = (exit − entry) × shares, exact in Decimal (core/reconcile/pnl.ts).
 */
import { addToDailyStats, appendJournal, updateTrade } from '../adapters/postgres/index.js';
import type { Db } from '../adapters/postgres/schema.js';
import { realizedPnl } from '../core/reconcile/pnl.js';
import { etDate } from '../domain/market-time.js';
import type { Decimal } from '../domain/money.js';
import type { ExitReason, Trade, TradePatch } from '../domain/trade.js';
import type { EpochMs } from '../domain/time.js';

export interface ExitFill {
  price: Decimal;
  shares: Decimal;
  at: EpochMs;
  reason: ExitReason;
}

/** pure: the patch that closes `trade` with `fill` */
export function closingPatch(trade: Trade, fill: ExitFill): TradePatch {
  const entry = trade.entryPrice ?? fill.price;
  const { pnl, pnlPct } = realizedPnl(trade.side, entry, fill.price, fill.shares);
  return { status: 'closed', exitPrice: fill.price, pnl, pnlPct, exitAt: fill.at, exitReason: fill.reason };
}

/** pure: what the exit adds to its ET day */
export function dailyDelta(trade: Trade, fill: ExitFill, pnl: Decimal) {
  const day = etDate(fill.at);
  const roundTrip = trade.entryAt !== null && etDate(trade.entryAt) === day;
  return { day, delta: { realizedPnl: pnl, tradeCount: 1, roundTripCount: roundTrip ? 1 : 0 } };
}

export async function closeTrade(db: Db, trade: Trade, fill: ExitFill, now: EpochMs): Promise<Trade> {
  const patch = closingPatch(trade, fill);
  const { day, delta } = dailyDelta(trade, fill, patch.pnl!);
  return db.transaction().execute(async (trx) => {
    const closed = await updateTrade(trx, trade.id, patch, now);
    await appendJournal(trx, {
      kind: 'state_transition', cause: 'broker', subject: trade.id,
      message: `trade ${trade.symbol} closed (${fill.reason}): ${fill.shares.toFixed()} @ ${fill.price.toFixed()}, P&L ${patch.pnl!.toFixed(2)}`,
      data: { tradeId: trade.id, from: trade.status, to: 'closed', exitReason: fill.reason, exitPrice: fill.price.toFixed(), pnl: patch.pnl!.toFixed(), pnlPct: patch.pnlPct!.toFixed(), day },
    }, now);
    await addToDailyStats(trx, day, delta, now);
    return closed;
  });
}
