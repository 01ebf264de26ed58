/**
 * Trailing stop (when trailingStopPct is set): price at or below max(peak, price) × (1 − pct/100).
 * The peak includes this price so the rule is right even if the caller has not raised the peak yet.
 */
import type { ExitRule } from './exit.types.js';
import { fmtPrice, trailFactor } from './thresholds.js';

export const trailingStopRule: ExitRule = (view, price, now, settings) => {
  const pct = settings.trailingStopPct;
  if (pct === null) return null;
  const peak = price > view.peakPrice ? price : view.peakPrice;
  const stop = peak * trailFactor(pct);
  if (!(price <= stop)) return null;
  return {
    tradeId: view.tradeId,
    symbol: view.symbol,
    reason: 'trailing_stop',
    price,
    at: now,
    detail: `price ${fmtPrice(price)} ≤ trailing stop ${fmtPrice(stop)} (${pct}% below peak ${fmtPrice(peak)})`,
  };
};
