/** How the metrics are rounded for the answer: ratios to 4 decimals, money averages to 6. */
import { Decimal } from '../../domain/money.js';

export const RATIO_DECIMALS = 4;
export const MONEY_AVG_DECIMALS = 6;

export function ratio(x: number | Decimal | null): number | null {
  if (x === null) return null;
  const d = Decimal.isDecimal(x) ? (x as Decimal) : new Decimal(x as number);
  if (!d.isFinite()) return null;
  const r = d.toDecimalPlaces(RATIO_DECIMALS, Decimal.ROUND_HALF_UP).toNumber();
  return r === 0 ? 0 : r; // never -0
}

/** a ÷ b as a rounded ratio; null when b is zero */
export function ratioOf(a: Decimal | number, b: Decimal | number): number | null {
  const den = new Decimal(b);
  return den.isZero() ? null : ratio(new Decimal(a).div(den));
}

/** a money average (sum ÷ count); null over nothing */
export function moneyAvg(sum: Decimal, count: number): Decimal | null {
  return count === 0 ? null : sum.div(count).toDecimalPlaces(MONEY_AVG_DECIMALS, Decimal.ROUND_HALF_UP);
}

/** a mean of ms as seconds */
export function avgSeconds(ms: number, count: number): number | null {
  return count === 0 ? null : ratio(ms / count / 1000);
}
