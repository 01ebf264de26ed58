/** The trader may switch catalyst tiers off (enabledCatalystTiers). */
import type { EntryCheck } from '../check.types.js';
import { deny } from '../deny.js';

export const catalystTierEnabledCheck: EntryCheck = {
  name: 'catalyst-tier-enabled',
  check: ({ signal, settings }) =>
    settings.enabledCatalystTiers.includes(signal.catalystTier)
      ? null
      : deny('CATALYST_TIER_DISABLED', `catalyst tier ${signal.catalystTier} is disabled (enabled: ${settings.enabledCatalystTiers.join(', ') || 'none'})`, {
          tier: signal.catalystTier,
          enabled: [...settings.enabledCatalystTiers],
        }),
};
