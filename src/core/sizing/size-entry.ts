/**
 * Sizing, pure: a signal's notional (capped by maxPerTradeUsd) or a denial. Each mode gives an
 * uncapped notional and the inputs it came from; the rules every mode shares follow.
 * Invariants: fewer than 3 stars never trade (STARS_TOO_LOW, in every mode); the notional never
 * exceeds maxPerTradeUsd (inputs.cappedBy says when the cap bit), nor, with equity known and
 * positive, maxPortfolioAllocationPct of it: each reduction is an adjustment ({ field, from, to,
 * reason }) in the order applied; it is rounded DOWN to cents
 * (never send more than decided); a result ≤ 0 is SIZE_NOT_POSITIVE. Decimal arithmetic throughout.
 * Unknown equity (pct_portfolio, risk_based) → BUYING_POWER_UNKNOWN: equity and buying power come
 * from the same account read, so "the account could not be read" is the true cause.
 */
import type { BotSettings, SizingMode } from '../../domain/bot-config.js';
import type { Denial } from '../../domain/denial.js';
import { Decimal } from '../../domain/money.js';
import type { SignalInput, SizeAdjustment, SizeDecision } from '../../domain/signal.js';
import { deny, usd } from '../risk/deny.js';

export interface SizingInput {
  settings: BotSettings;
  signal: SignalInput;
  stars: number;
  /** account equity (pct_portfolio, risk_based); null = unknown */
  equity: Decimal | null;
  /** entry price estimate (risk_based); null = unknown */
  price: number | null;
}

export type SizingResult = { ok: true; size: SizeDecision } | { ok: false; denial: Denial };

type SizeInputs = Record<string, string | number | null>;
/** what one mode produces before the shared cap, rounding and positivity rules */
type RawSize = { ok: true; notional: Decimal; inputs: SizeInputs } | { ok: false; denial: Denial };
type Sizer = (input: SizingInput) => RawSize;

/** star_tiers: 3/4/5 stars → tradeSizeStars3/4/5 dollars (defaults 50/75/100); below 3 never gets here */
const starTiers: Sizer = ({ settings, stars }) => {
  const tier = stars >= 5 ? settings.tradeSizeStars5 : stars >= 4 ? settings.tradeSizeStars4 : settings.tradeSizeStars3;
  return { ok: true, notional: tier, inputs: { tierUsd: tier.toFixed() } };
};

/** fixed_dollar: positionSizeUsd × the AI-confidence multiplier (no confidence → × 1) */
const fixedDollar: Sizer = ({ settings, signal }) => {
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

/** pct_portfolio: equity × maxPortfolioAllocationPct / 100 */
const pctPortfolio: Sizer = ({ settings, equity }) => {
  const pct = settings.maxPortfolioAllocationPct;
  if (equity === null) {
    return { ok: false, denial: deny('BUYING_POWER_UNKNOWN', 'account equity unknown: cannot size a percent-of-portfolio entry', { missing: 'equity', pct }) };
  }
  const notional = equity.times(new Decimal(pct)).div(100);
  return { ok: true, notional, inputs: { equity: equity.toFixed(), allocationPct: pct } };
};

/**
 * risk_based: risk dollars = equity × riskPctPerTrade / 100; stop distance (a fraction of price) =
 * (price − stopLossPrice) / price when the signal carries a stop below a known price, else
 * hardStopLossPct / 100 (Keel's own monitor stop); notional = risk dollars / distance. A
 * non-positive distance → SIZE_NOT_POSITIVE (dividing by it would be meaningless).
 */
const riskBased: Sizer = ({ settings, signal, equity, price }) => {
  if (equity === null) {
    return { ok: false, denial: deny('BUYING_POWER_UNKNOWN', 'account equity unknown: cannot size a risk-based entry', { missing: 'equity' }) };
  }
  const riskUsd = equity.times(new Decimal(settings.riskPctPerTrade)).div(100);
  const stop = signal.stopLossPrice;
  const px = price === null ? null : new Decimal(price);
  const useSignalStop = stop !== null && px !== null && px.gt(0) && stop.lt(px);
  const distance = useSignalStop ? px.minus(stop).div(px) : new Decimal(settings.hardStopLossPct).div(100);
  const inputs = {
    equity: equity.toFixed(),
    riskPctPerTrade: settings.riskPctPerTrade,
    riskUsd: riskUsd.toFixed(),
    stopSource: useSignalStop ? 'signal_stop' : 'hard_stop_pct',
    stopDistance: distance.toFixed(),
    price: px === null ? null : px.toFixed(),
  };
  if (distance.lte(0)) {
    return { ok: false, denial: deny('SIZE_NOT_POSITIVE', 'stop distance is zero: cannot size a risk-based entry', inputs) };
  }
  return { ok: true, notional: riskUsd.div(distance), inputs };
};

const SIZERS: Readonly<Record<SizingMode, Sizer>> = {
  star_tiers: starTiers,
  fixed_dollar: fixedDollar,
  pct_portfolio: pctPortfolio,
  risk_based: riskBased,
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
  const adjustments: SizeAdjustment[] = [];
  let notional = raw.notional;
  if (capped) {
    adjustments.push({ field: 'notional', from: notional, to: cap, reason: `capped at maxPerTradeUsd ${usd(cap)}` });
    notional = cap;
  }
  // the position-allocation limit reduces the size to fit rather than refusing it (the gateway
  // still refuses when equity is unknown or not positive: nothing to size against)
  const pct = settings.maxPortfolioAllocationPct;
  const allocationCap = input.equity !== null && input.equity.gt(0) ? input.equity.times(new Decimal(pct)).div(100).toDecimalPlaces(2, Decimal.ROUND_DOWN) : null;
  if (allocationCap !== null && notional.gt(allocationCap) && allocationCap.gt(0)) {
    adjustments.push({ field: 'notional', from: notional, to: allocationCap, reason: `reduced to maxPortfolioAllocationPct ${pct}% of equity ${usd(input.equity!)}` });
    notional = allocationCap;
  }
  notional = notional.toDecimalPlaces(2, Decimal.ROUND_DOWN);
  const inputs = {
    mode,
    stars,
    ...raw.inputs,
    uncapped: raw.notional.toFixed(),
    maxPerTradeUsd: cap.toFixed(),
    cappedBy: capped ? 'maxPerTradeUsd' : null,
    ...(allocationCap !== null ? { allocationCapUsd: allocationCap.toFixed() } : {}),
  };
  if (notional.lte(0)) {
    return { ok: false, denial: deny('SIZE_NOT_POSITIVE', `size ${usd(notional)} is not positive (${mode})`, { ...inputs, notional: notional.toFixed() }) };
  }
  return { ok: true, size: { notional, inputs, adjustments } };
}

/** the size's reductions as warnings a trader reads (non-blocking: the entry goes at the reduced size) */
export function sizeWarnings(size: SizeDecision | null): string[] {
  return (size?.adjustments ?? []).map((a) => `size reduced from ${usd(a.from)} to ${usd(a.to)}: ${a.reason}`);
}
