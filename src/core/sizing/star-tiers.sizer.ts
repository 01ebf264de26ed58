/** star_tiers: 3/4/5 stars → tradeSizeStars3/4/5 dollars (defaults 50/75/100). Below 3 never gets here. */
import type { Sizer } from './raw-size.js';

export const starTiersSizer: Sizer = ({ settings, stars }) => {
  const tier = stars >= 5 ? settings.tradeSizeStars5 : stars >= 4 ? settings.tradeSizeStars4 : settings.tradeSizeStars3;
  return { ok: true, notional: tier, inputs: { tierUsd: tier.toFixed() } };
};
