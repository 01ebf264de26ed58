/**
 * What is invested after this entry may be at most maxTotalInvestedPct of account equity:
 * (investedValue + notional) / equity × 100 above the limit → MAX_TOTAL_INVESTED; exactly the
 * limit passes. investedValue is the broker's long market value plus Keel's entries in flight.
 * Invariants: unknown equity or invested value denies (EQUITY_UNKNOWN, never guess); the test is
 * written without dividing by equity, so zero or negative equity denies and a NaN fails closed.
 */
import type { EntryCheck } from '../check.types.js';
import { deny, usd } from '../deny.js';

export const totalInvestedCheck: EntryCheck = {
  name: 'total-invested',
  check: ({ safety, settings, notional }) => {
    const { equity, investedValue } = safety;
    const pct = settings.maxTotalInvestedPct;
    if (equity === null || investedValue === null) {
      const missing = [...(equity === null ? ['equity'] : []), ...(investedValue === null ? ['investedValue'] : [])];
      return deny('EQUITY_UNKNOWN', `${missing.join(' and ')} unknown (no fresh account snapshot): cannot judge the total invested limit`, {
        missing,
        notional: notional.toFixed(),
        limitPct: pct,
      });
    }
    const after = investedValue.plus(notional);
    const maxInvested = equity.times(pct).div(100);
    if (after.lte(maxInvested)) return null;
    return deny(
      'MAX_TOTAL_INVESTED',
      `invested ${usd(investedValue)} + this entry ${usd(notional)} = ${usd(after)} exceeds ${pct}% of equity ${usd(equity)} (max ${usd(maxInvested)})`,
      {
        investedValue: investedValue.toFixed(),
        notional: notional.toFixed(),
        investedAfter: after.toFixed(),
        equity: equity.toFixed(),
        investedPct: equity.gt(0) ? after.div(equity).times(100).toFixed(2) : null,
        limitPct: pct,
        maxInvested: maxInvested.toFixed(),
      },
    );
  },
};
