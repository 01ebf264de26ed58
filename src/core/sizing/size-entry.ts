/**
 * Sizing: dispatch on settings.sizingMode, then the rules every mode shares.
 * Invariants: fewer than 3 stars never trade (STARS_TOO_LOW, in every mode); the notional never
 * exceeds maxPerTradeUsd (inputs.cappedBy says when the cap bit); it is rounded DOWN to cents
 * (never send more than decided); a result ≤ 0 is SIZE_NOT_POSITIVE. Decimal arithmetic throughout.
 */
import type { SizingMode } from '../../domain/bot-config.js';
import { Decimal } from '../../domain/money.js';
import { deny, usd } from '../risk/deny.js';
import { fixedDollarSizer } from './fixed-dollar.sizer.js';
import { pctPortfolioSizer } from './pct-portfolio.sizer.js';
import type { Sizer } from './raw-size.js';
import { riskBasedSizer } from './risk-based.sizer.js';
import type { SizingInput, SizingResult } from './sizing.types.js';
import { starTiersSizer } from './star-tiers.sizer.js';

const SIZERS: Readonly<Record<SizingMode, Sizer>> = {
  star_tiers: starTiersSizer,
  fixed_dollar: fixedDollarSizer,
  pct_portfolio: pctPortfolioSizer,
  risk_based: riskBasedSizer,
};

export const MIN_STARS = 3;

export function sizeEntry(input: SizingInput): SizingResult {
  const { settings, stars } = input;
  const mode = settings.sizingMode;
  if (stars < MIN_STARS) {
    return { ok: false, denial: deny('STARS_TOO_LOW', `${stars} star(s): entries need at least ${MIN_STARS}`, { stars, min: MIN_STARS }) };
  }
  const raw = SIZERS[mode](input);
  if (!raw.ok) return raw;

  const cap = settings.maxPerTradeUsd;
  const capped = raw.notional.gt(cap);
  const notional = Decimal.min(raw.notional, cap).toDecimalPlaces(2, Decimal.ROUND_DOWN);
  const inputs = {
    mode,
    stars,
    ...raw.inputs,
    uncapped: raw.notional.toFixed(),
    maxPerTradeUsd: cap.toFixed(),
    cappedBy: capped ? 'maxPerTradeUsd' : null,
  };
  if (notional.lte(0)) {
    return { ok: false, denial: deny('SIZE_NOT_POSITIVE', `size ${usd(notional)} is not positive (${mode})`, { ...inputs, notional: notional.toFixed() }) };
  }
  return { ok: true, size: { notional, inputs } };
}
