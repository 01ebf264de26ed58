/**
 * Pre-check of the broker's intraday margin (FINRA's intraday-margin standard replaced the PDT
 * rule on 2026-06-04, docs/alpaca.md §0 and §6): the intraday exposure after this entry (investedValue +
 * notional) may be at most equity × the account's margin multiplier. Exactly the cap passes.
 * Invariants:
 * - multiplier unknown (null) → 1 (a cash account: the most conservative reading); capped at 4,
 *   the most intraday leverage Alpaca grants, whatever the account reports.
 * - unknown equity or invested value → EQUITY_UNKNOWN (never guess).
 * - written without division, so zero or negative equity denies and a NaN fails closed.
 * Alpaca's own rejection wording for this rule is not known (docs/alpaca.md §12): this check exists so
 * the trader sees the numbers instead of a bare broker refusal.
 */
import type { EntryCheck } from '../check.types.js';
import { deny, usd } from '../deny.js';
import { Decimal } from '../../../domain/money.js';

/** the most intraday leverage Alpaca grants (multiplier "4") */
export const MAX_INTRADAY_MULTIPLIER = new Decimal(4);

export const intradayMarginCheck: EntryCheck = {
  name: 'intraday-margin',
  check: ({ safety, notional }) => {
    const { equity, investedValue, marginMultiplier } = safety;
    if (equity === null || investedValue === null) {
      const missing = [...(equity === null ? ['equity'] : []), ...(investedValue === null ? ['investedValue'] : [])];
      return deny('EQUITY_UNKNOWN', `${missing.join(' and ')} unknown (no fresh account snapshot): cannot judge intraday margin`, {
        missing,
        notional: notional.toFixed(),
      });
    }
    const multiplier = Decimal.min(marginMultiplier ?? new Decimal(1), MAX_INTRADAY_MULTIPLIER);
    const exposure = investedValue.plus(notional);
    const maxExposure = equity.times(multiplier);
    if (exposure.lte(maxExposure)) return null;
    return deny(
      'INTRADAY_MARGIN',
      `intraday exposure after this entry ${usd(exposure)} (invested ${usd(investedValue)} + ${usd(notional)}) exceeds equity ${usd(equity)} × ${multiplier.toFixed()} margin = ${usd(maxExposure)}`,
      {
        investedValue: investedValue.toFixed(),
        notional: notional.toFixed(),
        exposure: exposure.toFixed(),
        equity: equity.toFixed(),
        multiplier: multiplier.toFixed(),
        reportedMultiplier: marginMultiplier === null ? null : marginMultiplier.toFixed(),
        maxExposure: maxExposure.toFixed(),
      },
    );
  },
};
