/** Hard stop: price at or below entry × (1 − hardStopLossPct/100). Keel's own monitor is the stop. */
import type { ExitRule } from './exit.types.js';
import { fmtPrice, hardStopPrice } from './thresholds.js';

export const hardStopRule: ExitRule = (view, price, now, settings) => {
  const stop = hardStopPrice(view.entryPrice, settings.hardStopLossPct);
  if (!(price <= stop)) return null;
  return {
    tradeId: view.tradeId,
    symbol: view.symbol,
    reason: 'hard_stop',
    price,
    at: now,
    detail: `price ${fmtPrice(price)} ≤ stop ${fmtPrice(stop)} (${settings.hardStopLossPct}% below entry ${fmtPrice(view.entryPrice)})`,
  };
};
