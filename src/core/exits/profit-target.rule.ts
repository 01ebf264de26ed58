/** Profit target: price at or above the position's own target (the signal's), else entry × (1 + profitTargetPct/100). */
import type { ExitRule } from './exit.types.js';
import { fmtPrice, targetLevelOf } from './thresholds.js';

export const profitTargetRule: ExitRule = (view, price, now, settings) => {
  const target = targetLevelOf(view.entryPrice, settings);
  if (!(price >= target)) return null;
  return {
    tradeId: view.tradeId,
    symbol: view.symbol,
    reason: 'profit_target',
    price,
    at: now,
    detail: settings.targetPrice != null
      ? `price ${fmtPrice(price)} ≥ target ${fmtPrice(target)} (the signal's own target; entry ${fmtPrice(view.entryPrice)})`
      : `price ${fmtPrice(price)} ≥ target ${fmtPrice(target)} (${settings.profitTargetPct}% above entry ${fmtPrice(view.entryPrice)})`,
  };
};
