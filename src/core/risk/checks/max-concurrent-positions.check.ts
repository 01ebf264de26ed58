/** Caps live trades (pending entries count: they become positions); null means no cap. */
import type { EntryCheck } from '../check.types.js';
import { deny } from '../deny.js';

export const maxConcurrentPositionsCheck: EntryCheck = {
  name: 'max-concurrent-positions',
  check: ({ settings, liveTradeCount }) => {
    const limit = settings.maxConcurrentPositions;
    if (limit === null || liveTradeCount < limit) return null;
    return deny('MAX_CONCURRENT_POSITIONS', `${liveTradeCount} live trades, limit ${limit}`, { limit, open: liveTradeCount });
  },
};
