/**
 * Keel's star rating (README: how a signal becomes a trade). Invariants: an explicit rating of 1–5 always wins; tier 1–2 catalysts are
 * 5 stars; tier 3–4 lean on the AI confidence and are unrated (null → skip) without it.
 * An explicit value outside 1–5 is treated as absent (the edge validates it; this is the backstop).
 */
import type { RateStars } from './stars.types.js';

const BY_CONFIDENCE = { high: 5, medium: 4, low: 3 } as const;

export const rateStars: RateStars = (signal) => {
  const explicit = signal.stars;
  if (explicit !== null && Number.isInteger(explicit) && explicit >= 1 && explicit <= 5) return explicit;
  if (signal.catalystTier <= 2) return 5;
  return signal.aiConfidence === null ? null : BY_CONFIDENCE[signal.aiConfidence];
};
