/**
 * Longest runs of consecutive wins and of consecutive losses, in exit order (exit time, then id).
 * A breakeven trade ends both runs: it is neither a win nor a loss.
 */
import type { ClosedTrade, Streaks } from './analytics.types.js';

export function exitOrder(a: ClosedTrade, b: ClosedTrade): number {
  return a.exitAt !== b.exitAt ? a.exitAt - b.exitAt : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function streaks(trades: readonly ClosedTrade[]): Streaks {
  let wins = 0, losses = 0, maxWins = 0, maxLosses = 0;
  for (const t of [...trades].sort(exitOrder)) {
    const sign = t.pnl.cmp(0);
    wins = sign > 0 ? wins + 1 : 0;
    losses = sign < 0 ? losses + 1 : 0;
    maxWins = Math.max(maxWins, wins);
    maxLosses = Math.max(maxLosses, losses);
  }
  return { maxConsecutiveWins: maxWins, maxConsecutiveLosses: maxLosses };
}
