/** 5 Pillars: share price at most maxSharePrice — judged only when a price is known. */
import { Decimal } from '../../../domain/money.js';
import type { EntryCheck } from '../check.types.js';
import { deny, usd } from '../deny.js';

export const pillarSharePriceCheck: EntryCheck = {
  name: 'pillar-share-price',
  check: ({ price, settings }) => {
    if (price === null) return null;
    const p = new Decimal(price);
    if (p.lte(settings.maxSharePrice)) return null;
    return deny('PILLAR_SHARE_PRICE', `price ${usd(p)} is above the ${usd(settings.maxSharePrice)} share-price pillar`, {
      price: p.toFixed(),
      limit: settings.maxSharePrice.toFixed(),
    });
  },
};
