/**
 * One entry may be at most maxPortfolioAllocationPct of account equity: notional / equity × 100
 * above the limit → MAX_POSITION_ALLOCATION; exactly the limit passes.
 * Invariants: unknown equity denies (EQUITY_UNKNOWN, never guess); the test is written as
 * notional <= equity × pct / 100 (no division by equity), so zero or negative equity denies and a
 * NaN fails closed. allocationPct in the context is for people (2 places, null without positive equity).
 */
import type { EntryCheck } from '../check.types.js';
import { deny, usd } from '../deny.js';

export const positionAllocationCheck: EntryCheck = {
  name: 'position-allocation',
  check: ({ safety, settings, notional }) => {
    const equity = safety.equity;
    const pct = settings.maxPortfolioAllocationPct;
    if (equity === null) {
      return deny('EQUITY_UNKNOWN', 'account equity unknown (no fresh account snapshot): cannot judge the position allocation limit', {
        missing: ['equity'],
        notional: notional.toFixed(),
        limitPct: pct,
      });
    }
    const maxNotional = equity.times(pct).div(100);
    if (notional.lte(maxNotional)) return null;
    return deny('MAX_POSITION_ALLOCATION', `notional ${usd(notional)} exceeds ${pct}% of equity ${usd(equity)} (max ${usd(maxNotional)} per position)`, {
      notional: notional.toFixed(),
      equity: equity.toFixed(),
      allocationPct: equity.gt(0) ? notional.div(equity).times(100).toFixed(2) : null,
      limitPct: pct,
      maxNotional: maxNotional.toFixed(),
    });
  },
};
