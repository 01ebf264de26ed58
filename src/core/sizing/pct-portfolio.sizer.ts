/**
 * pct_portfolio: equity × maxPortfolioAllocationPct / 100.
 * Unknown equity → BUYING_POWER_UNKNOWN: equity and buying power come from the same account read,
 * so "the account could not be read" is the true cause; there is no EQUITY_UNKNOWN code (yet).
 */
import { Decimal } from '../../domain/money.js';
import { deny } from '../risk/deny.js';
import type { Sizer } from './raw-size.js';

export const pctPortfolioSizer: Sizer = ({ settings, equity }) => {
  const pct = settings.maxPortfolioAllocationPct;
  if (equity === null) {
    return { ok: false, denial: deny('BUYING_POWER_UNKNOWN', 'account equity unknown: cannot size a percent-of-portfolio entry', { missing: 'equity', pct }) };
  }
  const notional = equity.times(new Decimal(pct)).div(100);
  return { ok: true, notional, inputs: { equity: equity.toFixed(), allocationPct: pct } };
};
