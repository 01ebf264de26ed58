/**
 * The win-rate guard at the entry: while the latest closed trades of the current mode win less
 * than minWinRate, no new entry (the guard pauses a running bot when the losing trade closes; this
 * check keeps the decision the same where the pause has not landed, and shows the verdict in the
 * what-if). Off (minWinRate null) and fewer closed trades than the lookback in the window pass:
 * the guard judges nothing before it has its sample. A resume or a start begins a fresh window.
 */
import { describeWinRate } from '../../safety/win-rate.js';
import type { EntryCheck } from '../check.types.js';
import { deny } from '../deny.js';

export const winRateCheck: EntryCheck = {
  name: 'win-rate',
  check: ({ safety }) => {
    const v = safety.winRate;
    if (v.status !== 'below') return null;
    return deny('WIN_RATE_BELOW_MIN', `${describeWinRate(v)}: no new entries until a resume starts a fresh window`, {
      winRate: v.winRate, minWinRate: v.minWinRate, wins: v.wins, trades: v.trades, lookback: v.lookback,
    });
  },
};
