/**
 * Profit target: price at or above the position's own target (the signal's), else entry ×
 * (1 + profitTargetPct/100) — unless a bracket's take-profit leg holds the target at the broker.
 */
import type { ExitRule } from './exit.types.js';
import { armedTargetOf, fmtPrice } from './thresholds.js';

export const profitTargetRule: ExitRule = (view, price, now, settings) => {
  const target = armedTargetOf(view.entryPrice, settings);
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
