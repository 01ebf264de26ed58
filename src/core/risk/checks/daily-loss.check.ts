/**
 * The daily loss limit, judged on the worst case of THIS entry: today's realized P&L + the open
 * positions' unrealized P&L + this trade stopped out (notional × hardStopLossPct / 100 lost).
 * Invariants:
 * - reaching the limit denies: worst case <= −dailyLossLimitUsd → DAILY_LOSS_LIMIT (a loss of
 *   exactly the limit is "reached"); one cent short of it passes.
 * - already at or below the limit before this trade denies too, with its own message (reached: true).
 * - unknown unrealized P&L: with no live trade there is nothing unrealized (0); with live trades
 *   the day's P&L cannot be judged → EQUITY_UNKNOWN (never guess that open positions are flat).
 * - the limit is taken literally: 0 means "no loss at all", which denies every entry with a stop.
 * - comparisons fail closed (a NaN anywhere denies).
 * Open positions' own remaining stop risk is not added: the breaker and the positions' exits cover
 * it; this check asks "can THIS entry take the day past the limit".
 */
import type { EntryCheck } from '../check.types.js';
import { deny, usd } from '../deny.js';
import { Decimal } from '../../../domain/money.js';

/** "-$12.50" rather than usd()'s "$-12.50" */
function pnl(value: Decimal): string {
  return value.lt(0) ? `-${usd(value.abs())}` : usd(value);
}

export const dailyLossCheck: EntryCheck = {
  name: 'daily-loss',
  check: ({ safety, settings, notional, liveTradeCount }) => {
    const realized = safety.today.realizedPnl;
    const limit = settings.dailyLossLimitUsd;
    if (safety.unrealizedPnl === null && liveTradeCount > 0) {
      return deny('EQUITY_UNKNOWN', `unrealized P&L of ${liveTradeCount} live trade(s) unknown: cannot judge the ${usd(limit)} daily loss limit`, {
        missing: ['unrealizedPnl'],
        liveTrades: liveTradeCount,
        realizedPnl: realized.toFixed(),
        limit: limit.toFixed(),
      });
    }
    const unrealized = safety.unrealizedPnl ?? new Decimal(0);
    const today = realized.plus(unrealized);
    const tradeWorstCase = notional.times(settings.hardStopLossPct).div(100).neg();
    const worstCase = today.plus(tradeWorstCase);
    const floor = limit.neg();
    if (worstCase.gt(floor)) return null;

    const reached = !today.gt(floor);
    const context = {
      reached,
      realizedPnl: realized.toFixed(),
      unrealizedPnl: unrealized.toFixed(),
      todayPnl: today.toFixed(),
      tradeWorstCase: tradeWorstCase.toFixed(),
      worstCase: worstCase.toFixed(),
      limit: limit.toFixed(),
      notional: notional.toFixed(),
      hardStopLossPct: settings.hardStopLossPct,
    };
    const parts = `realized ${pnl(realized)}, unrealized ${pnl(unrealized)}`;
    const message = reached
      ? `daily loss limit reached: today's P&L ${pnl(today)} (${parts}) is at or past -${usd(limit)}`
      : `this entry could breach the daily loss limit: today's P&L ${pnl(today)} (${parts}) plus this trade stopped out ${pnl(tradeWorstCase)} = ${pnl(worstCase)}, limit -${usd(limit)}`;
    return deny('DAILY_LOSS_LIMIT', message, context);
  },
};
