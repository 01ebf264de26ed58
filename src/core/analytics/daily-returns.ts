/**
 * Risk-adjusted ratios from DAILY returns of closing equity (r = close ÷ previous close − 1),
 * annualised with 252 trading days and a zero risk-free rate:
 *   Sharpe  = mean(r) ÷ sample std dev(r) (n − 1) × √252
 *   Sortino = mean(r) ÷ downside deviation × √252, downside deviation = √(Σ min(r, 0)² ÷ N) over ALL days
 *   Calmar  = annualised return ÷ |max drawdown|, annualised return = (last ÷ first)^(252 ÷ N) − 1
 * Each is null with fewer than 2 daily returns, or when its denominator is zero (no spread, no
 * down day, no drawdown) or the first close is not positive: undefined, never Infinity or NaN.
 * Plain floats are fine here: these are ratios, not money.
 */
import type { Decimal } from '../../domain/money.js';
import type { DailyClose } from './analytics.types.js';

export const TRADING_DAYS_PER_YEAR = 252;

export interface ReturnRatios {
  sharpe: number | null;
  sortino: number | null;
  calmar: number | null;
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

export function dailyReturns(closes: readonly DailyClose[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < closes.length; i++) {
    const prev = closes[i - 1]!.equity;
    if (!prev.gt(0)) return [];
    out.push(closes[i]!.equity.div(prev).minus(1).toNumber());
  }
  return out;
}

/** per-period (not annualised) Sharpe and Sortino of a return series, zero risk-free rate and
 *  target; null with fewer than 2 returns or a zero denominator */
export function periodRatios(r: readonly number[]): { mean: number; sd: number; downside: number; sharpe: number | null; sortino: number | null } {
  const n = r.length;
  const mean = n === 0 ? 0 : r.reduce((s, x) => s + x, 0) / n;
  const sd = n < 2 ? 0 : Math.sqrt(r.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  const downside = n === 0 ? 0 : Math.sqrt(r.reduce((s, x) => s + Math.min(x, 0) ** 2, 0) / n);
  return { mean, sd, downside, sharpe: n >= 2 && sd > 0 ? mean / sd : null, sortino: n >= 2 && downside > 0 ? mean / downside : null };
}

/** maxDrawdown: the equity curve's largest fall as a fraction of its peak (null = no curve) */
export function returnRatios(closes: readonly DailyClose[], maxDrawdown: Decimal | null): ReturnRatios {
  const r = dailyReturns(closes);
  const n = r.length;
  if (n < 2) return { sharpe: null, sortino: null, calmar: null };
  const { sharpe, sortino } = periodRatios(r);
  const annual = Math.sqrt(TRADING_DAYS_PER_YEAR);
  const growth = closes[closes.length - 1]!.equity.div(closes[0]!.equity).toNumber();
  const annualReturn = growth ** (TRADING_DAYS_PER_YEAR / n) - 1;
  const dd = maxDrawdown === null ? 0 : maxDrawdown.abs().toNumber();
  return {
    sharpe: sharpe === null ? null : finiteOrNull(sharpe * annual),
    sortino: sortino === null ? null : finiteOrNull(sortino * annual),
    calmar: dd > 0 ? finiteOrNull(annualReturn / dd) : null,
  };
}
