/** CONTRACT: the star rating → 1..5, or null when it cannot be rated (tier 3–4 without confidence). */
import type { SignalInput } from '../../domain/signal.js';

export type RateStars = (signal: SignalInput) => number | null;
