/** fixed_dollar: positionSizeUsd × the AI-confidence multiplier (no confidence → × 1). */
import { Decimal } from '../../domain/money.js';
import type { Sizer } from './raw-size.js';

export const fixedDollarSizer: Sizer = ({ settings, signal }) => {
  const c = signal.aiConfidence;
  const multiplier =
    c === 'high' ? settings.confidenceMultiplierHigh
    : c === 'medium' ? settings.confidenceMultiplierMed
    : c === 'low' ? settings.confidenceMultiplierLow
    : 1;
  // new Decimal(number) uses the shortest round-trip string (0.5 → "0.5"), so no binary noise
  const notional = settings.positionSizeUsd.times(new Decimal(multiplier));
  return { ok: true, notional, inputs: { positionSizeUsd: settings.positionSizeUsd.toFixed(), aiConfidence: c, multiplier } };
};
