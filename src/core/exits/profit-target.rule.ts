/** Profit target: price at or above entry × (1 + profitTargetPct/100). */
import type { ExitRule } from './exit.types.js';
import { fmtPrice, profitTargetPrice } from './thresholds.js';

export const profitTargetRule: ExitRule = (view, price, now, settings) => {
  const target = profitTargetPrice(view.entryPrice, settings.profitTargetPct);
  if (!(price >= target)) return null;
  return {
    tradeId: view.tradeId,
    symbol: view.symbol,
    reason: 'profit_target',
    price,
    at: now,
    detail: `price ${fmtPrice(price)} ≥ target ${fmtPrice(target)} (${settings.profitTargetPct}% above entry ${fmtPrice(view.entryPrice)})`,
  };
};
