/**
 * 5 Pillars: share price at most maxSharePrice — judged only when the SIGNAL carries a price
 * ("5 Pillars when the signal carries price / float / relative volume"). The pillars
 * describe the stock the scanner picked; Keel's own latest price decides nothing here.
 */
import type { EntryCheck } from '../check.types.js';
import { deny, usd } from '../deny.js';

export const pillarSharePriceCheck: EntryCheck = {
  name: 'pillar-share-price',
  check: ({ signal, settings }) => {
    const p = signal.priceAtSignal;
    if (p === null) return null;
    if (p.lte(settings.maxSharePrice)) return null;
    return deny('PILLAR_SHARE_PRICE', `price at signal ${usd(p)} is above the ${usd(settings.maxSharePrice)} share-price pillar`, {
      priceAtSignal: p.toFixed(),
      limit: settings.maxSharePrice.toFixed(),
    });
  },
};
