/**
 * The daily loss limit as a trip wire: today's realized P&L plus the open positions'
 * unrealized P&L against dailyLossLimitUsd. The gateway's daily-loss check asks "may THIS entry
 * go ahead"; this asks "has the day lost enough that the bot must pause".
 * Invariants:
 *  - reaching the limit trips it: a loss of exactly the limit is tripped, one cent short is not;
 *  - there must be a loss: a limit of 0 is taken literally ("no loss at all", as the gateway reads
 *    it) and trips on the first cent lost, but a flat or winning day never trips (otherwise a 0
 *    limit would pause the bot at every session open). 0 is NOT "off": a setting cannot switch a
 *    safety off, and the gateway already denies every entry with a 0 limit. A negative limit
 *    behaves as 0;
 *  - unknown unrealized P&L (null) counts as 0 here: the equity-based breaker covers open
 *    positions, and the gateway denies entries while unrealized P&L is unknown;
 *  - fails closed: a NaN anywhere trips.
 */
import { Decimal } from '../../domain/money.js';

export function dayLoss(realizedPnl: Decimal, unrealizedPnl: Decimal | null): Decimal {
  return realizedPnl.plus(unrealizedPnl ?? new Decimal(0)).neg();
}

export function tripped(realizedPnl: Decimal, unrealizedPnl: Decimal | null, limitUsd: Decimal): boolean {
  const loss = dayLoss(realizedPnl, unrealizedPnl);
  if (loss.isNaN() || limitUsd.isNaN()) return true;
  return loss.gt(0) && loss.gte(limitUsd);
}
