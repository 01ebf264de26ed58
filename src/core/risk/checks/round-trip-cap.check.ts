/**
 * The trader's own optional cap on same-day round trips (maxRoundTripsPerDay; null = no cap). Every
 * Keel entry is a potential round trip today: it is force-closed at the session close at the latest,
 * so an entry is denied once today's count has reached the cap. At the cap denies.
 * This is a self-imposed speed bump, not a regulatory rule (the broker's own intraday rule is the
 * intraday-margin check).
 */
import type { EntryCheck } from '../check.types.js';
import { deny } from '../deny.js';

export const roundTripCapCheck: EntryCheck = {
  name: 'round-trip-cap',
  check: ({ safety, settings }) => {
    const limit = settings.maxRoundTripsPerDay;
    const { roundTripCount, date } = safety.today;
    if (limit === null || roundTripCount < limit) return null;
    return deny('MAX_ROUND_TRIPS', `${roundTripCount} round trips today, your cap is ${limit}: this entry would be another`, {
      limit,
      today: roundTripCount,
      date,
    });
  },
};
