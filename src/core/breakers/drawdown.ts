/**
 * The session's drawdown in percent: (session-start equity − equity) / session-start equity × 100
 *. Equity already carries realized and unrealized P&L, so the drawdown does too.
 * Invariants:
 *  - a gain is a negative drawdown (never clamped: the worst drawdown is kept elsewhere);
 *  - no anchor we can divide by (start ≤ 0, NaN, ±Infinity) or a non-finite equity → null
 *    ("unknown"), never NaN or Infinity.
 */
import type { Decimal } from '../../domain/money.js';

export function drawdownPct(sessionStartEquity: Decimal | null, equity: Decimal): Decimal | null {
  if (sessionStartEquity === null || !sessionStartEquity.isFinite() || !equity.isFinite()) return null;
  if (!sessionStartEquity.gt(0)) return null;
  return sessionStartEquity.minus(equity).div(sessionStartEquity).times(100);
}
