/**
 * At most maxTradesPerDay entries per America/New_York trading date. tradeCount counts every entry
 * fired today, whatever became of it, so a cancelled or rejected entry still uses up a slot (a
 * runaway loop is contained by attempts, not by fills). At the limit denies: the limit-th entry was
 * the last one.
 */
import type { EntryCheck } from '../check.types.js';
import { deny } from '../deny.js';

export const maxTradesPerDayCheck: EntryCheck = {
  name: 'max-trades-per-day',
  check: ({ safety, settings }) => {
    const { tradeCount, date } = safety.today;
    const limit = settings.maxTradesPerDay;
    if (tradeCount < limit) return null;
    return deny('MAX_TRADES_PER_DAY', `${tradeCount} entries today, limit ${limit} per day`, { limit, today: tradeCount, date });
  },
};
