/** The order must fit the broker's buying power; unknown buying power denies (never guess). */
import type { EntryCheck } from '../check.types.js';
import { deny, usd } from '../deny.js';

export const buyingPowerCheck: EntryCheck = {
  name: 'buying-power',
  check: ({ notional, buyingPower }) => {
    if (buyingPower === null) {
      return deny('BUYING_POWER_UNKNOWN', 'buying power unknown: no fresh account snapshot (the broker could not be read recently)', { notional: notional.toFixed() });
    }
    if (notional.lte(buyingPower)) return null;
    return deny('INSUFFICIENT_BUYING_POWER', `notional ${usd(notional)} exceeds buying power ${usd(buyingPower)}`, {
      notional: notional.toFixed(),
      buyingPower: buyingPower.toFixed(),
    });
  },
};
