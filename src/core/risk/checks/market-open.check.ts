/** The broker clock decides; an unknown market state denies too (never guess that it is open). */
import type { EntryCheck } from '../check.types.js';
import { deny } from '../deny.js';

export const marketOpenCheck: EntryCheck = {
  name: 'market-open',
  check: ({ marketOpen }) => {
    if (marketOpen === true) return null;
    return marketOpen === false
      ? deny('MARKET_CLOSED', 'market is closed (broker clock)', { marketOpen })
      : deny('MARKET_STATE_UNKNOWN', 'market state unknown: the broker clock could not be read', { marketOpen: null });
  },
};
