/**
 * Longest runs of consecutive wins and of consecutive losses, in exit order (exit time, then id).
 * A breakeven trade ends both runs: it is neither a win nor a loss.
 * The runs are counted over the signs alone ('W' win, 'L' loss, anything else breakeven), so the
 * SQL path sends one narrow string in exit order instead of computing runs with window functions.
 */
import type { ClosedTrade, Streaks } from './analytics.types.js';

export function exitOrder(a: ClosedTrade, b: ClosedTrade): number {
  return a.exitAt !== b.exitAt ? a.exitAt - b.exitAt : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function streaksOfSigns(signs: string): Streaks {
  let wins = 0, losses = 0, maxWins = 0, maxLosses = 0;
  for (let i = 0; i < signs.length; i++) {
    const c = signs.charCodeAt(i);
    wins = c === 87 /* W */ ? wins + 1 : 0;
    losses = c === 76 /* L */ ? losses + 1 : 0;
    if (wins > maxWins) maxWins = wins;
    if (losses > maxLosses) maxLosses = losses;
  }
  return { maxConsecutiveWins: maxWins, maxConsecutiveLosses: maxLosses };
}

export function streaks(trades: readonly ClosedTrade[]): Streaks {
  return streaksOfSigns([...trades].sort(exitOrder).map((t) => { const s = t.pnl.cmp(0); return s > 0 ? 'W' : s < 0 ? 'L' : '0'; }).join(''));
}
