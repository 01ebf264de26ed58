/**
 * The exit thresholds as plain float math, shared by the rules and the symbol book so both decide
 * on bit-identical numbers (the book precomputes them per position; the rules compute them per
 * call). Keep every formula here: changing one in only one place would let the book fire a
 * position the rules then refuse to explain.
 * Fixed thresholds are rounded to 1e-8 so that float noise does not move them off the decimal a
 * trader expects (100 × 1.1 is 110.00000000000001 in binary; a print at 110 must hit the target).
 * Traded prices have at most 4 decimals, so the rounding never moves a threshold across a price.
 * The trailing stop moves with every tick and is not rounded (it stays a plain multiply in the loop).
 */
import type { EpochMs } from '../../domain/time.js';

function roundPx(x: number): number {
  return Math.round(x * 1e8) / 1e8;
}

export function hardStopPrice(entryPrice: number, hardStopLossPct: number): number {
  return roundPx(entryPrice * (1 - hardStopLossPct / 100));
}

export function profitTargetPrice(entryPrice: number, profitTargetPct: number): number {
  return roundPx(entryPrice * (1 + profitTargetPct / 100));
}

/** the hard stop a position is armed with: its own absolute stop, else entry × (1 − pct) */
export function stopLevelOf(entryPrice: number, s: { hardStopLossPct: number; stopPrice?: number | null }): number {
  return s.stopPrice != null ? s.stopPrice : hardStopPrice(entryPrice, s.hardStopLossPct);
}

/** the profit target a position is armed with: its own absolute target, else entry × (1 + pct) */
export function targetLevelOf(entryPrice: number, s: { profitTargetPct: number; targetPrice?: number | null }): number {
  return s.targetPrice != null ? s.targetPrice : profitTargetPrice(entryPrice, s.profitTargetPct);
}

/** the price Keel's own target fires at: none (Infinity) while a bracket's take-profit leg holds it */
export function armedTargetOf(entryPrice: number, s: { profitTargetPct: number; targetPrice?: number | null; targetAtBroker?: boolean }): number {
  return s.targetAtBroker === true ? Number.POSITIVE_INFINITY : targetLevelOf(entryPrice, s);
}

/** multiply the peak by this; 0 when the trailing stop is off (no positive price is ≤ 0) */
export function trailFactor(trailingStopPct: number | null): number {
  return trailingStopPct === null ? 0 : 1 - trailingStopPct / 100;
}

export function holdDeadline(entryAt: EpochMs, maxHoldDurationSec: number): EpochMs {
  return entryAt + maxHoldDurationSec * 1000;
}

/** prices in one-line explanations: cents, or 4 places for sub-dollar stocks */
export function fmtPrice(price: number): string {
  return Math.abs(price) < 1 ? price.toFixed(4) : price.toFixed(2);
}
