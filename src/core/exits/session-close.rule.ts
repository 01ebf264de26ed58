/**
 * Session close: at or after today's forced close (15:45 ET, or 15 min before an early close) every
 * position goes. forceCloseAt is computed by the calendar module; this rule only compares times.
 */
import { toIso } from '../../domain/time.js';
import type { ExitRule } from './exit.types.js';

export const sessionCloseRule: ExitRule = (view, price, now, settings) => {
  const at = settings.forceCloseAt;
  if (at === null || !(now >= at)) return null;
  return {
    tradeId: view.tradeId,
    symbol: view.symbol,
    reason: 'force_close_eod',
    price,
    at: now,
    detail: `session force close at ${toIso(at)}`,
  };
};
