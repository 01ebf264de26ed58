/** Max hold: the position has been open maxHoldDurationSec or longer (now − entryAt). */
import type { ExitRule } from './exit.types.js';
import { holdDeadline } from './thresholds.js';

export const maxHoldRule: ExitRule = (view, price, now, settings) => {
  if (!(now >= holdDeadline(view.entryAt, settings.maxHoldDurationSec))) return null;
  const heldSec = Math.floor((now - view.entryAt) / 1000);
  return {
    tradeId: view.tradeId,
    symbol: view.symbol,
    reason: 'time_exit',
    price,
    at: now,
    detail: `held ${heldSec}s ≥ max hold ${settings.maxHoldDurationSec}s`,
  };
};
