/**
 * No entry from the day's forced close on: at that time (eodForceCloseTime ET, at the latest 15
 * minutes before an early close) every open position is sold, so an entry then would be bought and
 * sold at once — a spread paid and a day trade counted for nothing. Judged only while the market is
 * open and the forced close is known (the market-open check decides the rest).
 */
import { etClock } from '../../../domain/market-time.js';
import { toIso } from '../../../domain/time.js';
import type { EntryCheck } from '../check.types.js';
import { deny } from '../deny.js';

export const sessionClosingCheck: EntryCheck = {
  name: 'session-closing',
  check: ({ marketOpen, forceCloseAt, now }) => {
    if (marketOpen !== true || forceCloseAt === null || now < forceCloseAt) return null;
    return deny('SESSION_CLOSING', `the session is closing: open positions are sold from ${etClock(forceCloseAt)} ET (eodForceCloseTime), so no new entry`, {
      forceCloseAt: toIso(forceCloseAt), now: toIso(now),
    });
  },
};
