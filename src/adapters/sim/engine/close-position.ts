/**
 * DELETE /v2/positions/{symbol}?qty|percentage → how many shares to sell (docs/alpaca.md §2.4):
 * qty and percentage are mutually exclusive; neither = the whole position; a percentage of a
 * whole-share position is rounded down to whole shares (fractions only for fractional positions).
 */
import { Decimal, isDecimalString } from '../../../domain/money.js';
import type { SimResult } from '../exchange.types.js';
import { invalid, ok } from './sim-errors.js';

export function closeQty(positionQty: Decimal, q: { qty?: string; percentage?: string }): SimResult<Decimal> {
  const hasQty = q.qty !== undefined && q.qty !== '';
  const hasPct = q.percentage !== undefined && q.percentage !== '';
  if (hasQty && hasPct) return invalid('only one of qty or percentage may be specified');
  if (hasQty) {
    if (!isDecimalString(q.qty!) || new Decimal(q.qty!).lte(0)) return invalid('invalid qty');
    return ok(new Decimal(q.qty!).toDecimalPlaces(9, Decimal.ROUND_DOWN));
  }
  if (hasPct) {
    if (!isDecimalString(q.percentage!)) return invalid('invalid percentage');
    const pct = new Decimal(q.percentage!);
    if (pct.lte(0) || pct.gt(100)) return invalid('percentage must be between 0 and 100');
    const raw = positionQty.mul(pct).div(100);
    const qty = positionQty.isInteger() ? raw.floor() : raw.toDecimalPlaces(9, Decimal.ROUND_DOWN);
    return qty.gt(0) ? ok(qty) : invalid('qty must be > 0');
  }
  return ok(positionQty);
}
