/**
 * The ratio and drawdown functions against published worked examples (not only our own arithmetic):
 *  - Rollinger & Hoffman, "Sortino: A 'Sharper' Ratio" (Red Rock Capital): annual returns 17, 15, 23,
 *    −5, 12, 9, 13, −4 % with a 0 % target → mean 10 %, downside deviation √((5² + 4²) ÷ 8) % =
 *    2.264 %, Sortino 4.417 (their point: divide by ALL periods, not by the losing ones only — that
 *    mistake gives √(41 ÷ 2) = 4.53 % and 2.21). The sample standard deviation of the same series is
 *    √(678 ÷ 7) % = 9.842 %, so the per-period Sharpe is 1.016.
 *  - Investopedia's maximum drawdown example: 500,000 → 750,000 → 400,000 → 600,000 → 350,000 →
 *    800,000 has a maximum drawdown of (350,000 − 750,000) ÷ 750,000 = −53.33 %, 400,000 dollars.
 */
import { describe, expect, it } from 'vitest';
import { periodRatios } from '../../src/core/analytics/daily-returns.js';
import { drawdown } from '../../src/core/analytics/equity-curve.js';
import { aPoint } from '../support/analytics-builders.js';

describe('published examples', () => {
  it('Sortino and Sharpe of the Red Rock Capital series', () => {
    const r = periodRatios([0.17, 0.15, 0.23, -0.05, 0.12, 0.09, 0.13, -0.04]);
    expect(r.mean).toBeCloseTo(0.1, 12);
    expect(r.downside).toBeCloseTo(0.022638, 6);
    expect(r.sortino).toBeCloseTo(4.417, 3);
    expect(r.sd).toBeCloseTo(0.098416, 6);
    expect(r.sharpe).toBeCloseTo(1.016, 3);
  });

  it('maximum drawdown of the Investopedia portfolio', () => {
    const values = ['500000', '750000', '400000', '600000', '350000', '800000'];
    const dd = drawdown(values.map((v, i) => aPoint('2026-11-23', 10 + i, 0, v)))!;
    expect(dd.usd.toFixed()).toBe('400000');
    expect(dd.fraction.times(100).toDecimalPlaces(2).toNumber()).toBe(53.33);
  });

  it('gives no ratio with fewer than two returns or nothing to divide by', () => {
    expect(periodRatios([0.1])).toMatchObject({ sharpe: null, sortino: null });
    expect(periodRatios([0.1, 0.1])).toMatchObject({ sharpe: null, sortino: null });
  });
});
