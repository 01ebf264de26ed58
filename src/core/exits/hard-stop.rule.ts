/** Hard stop: price at or below the position's own stop (the signal's), else entry × (1 − hardStopLossPct/100). */
import type { ExitRule } from './exit.types.js';
import { fmtPrice, stopLevelOf } from './thresholds.js';

export const hardStopRule: ExitRule = (view, price, now, settings) => {
  const stop = stopLevelOf(view.entryPrice, settings);
  if (!(price <= stop)) return null;
  return {
    tradeId: view.tradeId,
    symbol: view.symbol,
    reason: 'hard_stop',
    price,
    at: now,
    detail: settings.stopPrice != null
      ? `price ${fmtPrice(price)} ≤ stop ${fmtPrice(stop)} (the signal's own stop; entry ${fmtPrice(view.entryPrice)})`
      : `price ${fmtPrice(price)} ≤ stop ${fmtPrice(stop)} (${settings.hardStopLossPct}% below entry ${fmtPrice(view.entryPrice)})`,
  };
};
