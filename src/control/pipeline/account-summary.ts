/**
 * The account as GET /api/bot/status shows it, from the account cache's last read (never a broker
 * call per request): every money field is as of `asOf`, the clock ms when that read started.
 * Invariants (pure):
 *  - exposurePct = long market value ÷ equity × 100, rounded to 4 decimals; null when either is
 *    unknown or equity is not positive (a ratio of nothing is undefined, not 0);
 *  - unrealizedPnl is Keel's open positions at their last prices (the position supervisor); the
 *    caller passes null when nothing watches open positions (the bot is stopped with some open);
 *  - buyingPower is the broker's figure at asOf: entries Keel reserved since are not subtracted.
 */
import type { Decimal } from '../../domain/money.js';
import type { EpochMs } from '../../domain/time.js';
import type { AccountReading } from './account-cache.js';

export interface AccountSummary {
  equity: Decimal;
  cash: Decimal;
  buyingPower: Decimal;
  longMarketValue: Decimal | null;
  unrealizedPnl: Decimal | null;
  exposurePct: number | null;
  asOf: EpochMs;
}

export function accountSummary(reading: AccountReading, unrealizedPnl: Decimal | null): AccountSummary {
  const { equity, longMarketValue } = reading;
  const exposurePct = longMarketValue !== null && equity.isFinite() && equity.gt(0) && longMarketValue.isFinite()
    ? longMarketValue.div(equity).times(100).toDecimalPlaces(4).toNumber()
    : null;
  return {
    equity, cash: reading.cash, buyingPower: reading.buyingPower, longMarketValue, unrealizedPnl, exposurePct, asOf: reading.at,
  };
}
