/**
 * A signal's numeric confidence (0–100) must be at least minConfidence; equal passes.
 * No confidence on the signal → not judged here: the scanner's aiConfidence (high/medium/low)
 * already drives the star rating, and fewer than 3 stars never trade (STARS_TOO_LOW), so a signal
 * without a number is still gated on confidence, only coarser. The comparison fails closed (a
 * non-number confidence denies).
 */
import type { EntryCheck } from '../check.types.js';
import { deny } from '../deny.js';

export const minConfidenceCheck: EntryCheck = {
  name: 'min-confidence',
  check: ({ signal, settings }) => {
    const confidence = signal.confidence;
    if (confidence === null || confidence >= settings.minConfidence) return null;
    return deny('MIN_CONFIDENCE', `confidence ${confidence} is below the minimum ${settings.minConfidence}`, {
      confidence,
      limit: settings.minConfidence,
    });
  },
};
