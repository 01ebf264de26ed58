/**
 * The equity figures against values worked out by hand: drawdown, Sharpe, Sortino, Calmar,
 * returnPct, the daily rows and the curve's downsampling.
 */
import { describe, expect, it } from 'vitest';
import type { EquityPoint, PerformanceQuery } from '../../src/core/analytics/analytics.types.js';
import { downsample, MAX_CURVE_POINTS } from '../../src/core/analytics/equity-curve.js';
import { dailyFacts, performanceFacts } from '../../src/core/analytics/facts-from-rows.js';
import { dailyRow, reportFromFacts } from '../../src/core/analytics/report.js';
import { addDays } from '../../src/domain/market-time.js';
import { toJson } from '../../src/http/to-json.js';
import { aClosedTrade, aPoint, et } from '../support/analytics-builders.js';

const Q: PerformanceQuery = { mode: 'paper', from: '2026-11-23', to: '2026-11-30' };

describe('equity figures', () => {
  it('Sharpe, Sortino, Calmar and max drawdown of a quantstats-style series, recomputed by hand', () => {
    // Closing equity Mon–Fri: 100, 110, 99, 108.9, 119.79 → daily returns +0.1, −0.1, +0.1, +0.1 (N = 4)
    //   mean = 0.2 ÷ 4 = 0.05
    //   sample variance = ((0.05)² + (−0.15)² + (0.05)² + (0.05)²) ÷ (4 − 1) = 0.03 ÷ 3 = 0.01 → sd 0.1
    //   Sharpe = 0.05 ÷ 0.1 × √252 = 0.5 × 15.874508 = 7.937254 → 7.9373
    //   downside deviation = √((−0.1)² ÷ 4) = √0.0025 = 0.05 (over ALL four days)
    //   Sortino = 0.05 ÷ 0.05 × √252 = 15.874508 → 15.8745
    //   max drawdown: peak 110 → trough 99 = 11 dollars = 11 ÷ 110 = 10 %
    //   Calmar = ((119.79 ÷ 100)^(252 ÷ 4) − 1) ÷ 0.10 = (1.1979^63 − 1) ÷ 0.1
    //   returnPct = (119.79 ÷ 100 − 1) × 100 = 19.79
    const closes = ['100', '110', '99', '108.9', '119.79'];
    const points = closes.map((e, i) => aPoint(addDays('2026-11-23', i), 16, 0, e, { kind: 'close' }));
    const s = reportFromFacts(performanceFacts([], points, Q)).summary;
    expect(s.sharpe).toBe(7.9373);
    expect(s.sortino).toBe(15.8745);
    expect(s.maxDrawdownUsd?.toFixed()).toBe('11');
    expect(s.maxDrawdownPct).toBe(10);
    expect(s.calmar).toBe(Number(((1.1979 ** 63 - 1) / 0.1).toFixed(4)));
    expect(s.returnPct).toBe(19.79);
  });

  it('takes a day\'s close row as its closing equity, else its last minute row, and needs 2 daily returns', () => {
    // Mon: minute 100, close 102 (a later minute row 150 is not the close) ; Tue: minutes 51, 102 → 102.
    // Two days = one return (0): ratios undefined
    const points = [aPoint('2026-11-23', 10, 0, '100'), aPoint('2026-11-23', 16, 0, '102', { kind: 'close' }), aPoint('2026-11-23', 16, 5, '150'),
      aPoint('2026-11-24', 10, 0, '51'), aPoint('2026-11-24', 15, 59, '102')];
    const facts = performanceFacts([], points, Q);
    expect(facts.dailyCloses.map((c) => [c.date, c.equity.toFixed()])).toEqual([['2026-11-23', '102'], ['2026-11-24', '102']]);
    const s = reportFromFacts(facts).summary;
    expect(s).toMatchObject({ sharpe: null, sortino: null, calmar: null });
    // the curve's fall 150 → 51 = 99 dollars, 66 % of 150
    expect(s.maxDrawdownUsd?.toFixed()).toBe('99');
    expect(s.maxDrawdownPct).toBe(66);
    expect(s.returnPct).toBe(2); // first point 100 → last 102
  });

  it('gives null ratios when nothing moves (no spread, no down day, no drawdown)', () => {
    const points = ['100', '100', '100'].map((e, i) => aPoint(addDays('2026-11-23', i), 16, 0, e, { kind: 'close' }));
    expect(reportFromFacts(performanceFacts([], points, Q)).summary).toMatchObject({ sharpe: null, sortino: null, calmar: null, maxDrawdownPct: 0, returnPct: 0 });
  });

  it('downsamples a long curve to at most 1,000 points, keeping first, last, the lowest and the highest', () => {
    // 5,000 minute rows drifting up by a cent, with one spike and one crash in the middle
    const points: EquityPoint[] = Array.from({ length: 5000 }, (_, i) => aPoint('2026-11-23', 0, 0, (1000 + i / 100).toFixed(2), { t: et('2026-11-23', 0) + i * 1000 }));
    points[2001] = { ...points[2001]!, equity: points[2001]!.equity.plus(500) };
    points[3003] = { ...points[3003]!, equity: points[3003]!.equity.minus(900) };
    const curve = downsample(points);
    expect(curve.length).toBeLessThanOrEqual(MAX_CURVE_POINTS);
    expect(curve.length).toBeGreaterThan(MAX_CURVE_POINTS / 2);
    const ts = curve.map((p) => p.t);
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
    expect(ts).toEqual(expect.arrayContaining([points[0]!.t, points[4999]!.t, points[2001]!.t, points[3003]!.t]));
    expect(downsample(points.slice(0, 1000))).toHaveLength(1000);
  });

  it('gives one daily row per ET date with a trade or a snapshot', () => {
    // Mon: snapshots 1000 → 990 → 1010 (close), trades +15 (held 60 s) and −5 (held 120 s)
    //   winRate 0.5, realized 10, best 15, worst −5, avg hold 90 s, return (1010 ÷ 1000 − 1) = 1 %, drawdown 10 ÷ 1000 = 1 %
    // Tue: a trade, no snapshot. Wed: a snapshot, no trade.
    const trades = [
      aClosedTrade({ pnl: '15', entryAt: et('2026-11-23', 10), exitAt: et('2026-11-23', 10, 1) }),
      aClosedTrade({ pnl: '-5', entryAt: et('2026-11-23', 11), exitAt: et('2026-11-23', 11, 2) }),
      aClosedTrade({ pnl: '3', entryAt: et('2026-11-24', 10), exitAt: et('2026-11-24', 10, 1) }),
      aClosedTrade({ pnl: '99', mode: 'live', exitAt: et('2026-11-26', 10) }),
    ];
    const points = [aPoint('2026-11-23', 9, 30, '1000'), aPoint('2026-11-23', 12, 0, '990'), aPoint('2026-11-23', 16, 0, '1010', { kind: 'close' }),
      aPoint('2026-11-25', 16, 0, '1013', { kind: 'close' })];
    const days = toJson(dailyFacts(trades, points, Q).map(dailyRow));
    expect(days).toEqual([
      { date: '2026-11-23', trades: 2, wins: 1, losses: 1, winRate: 0.5, realizedPnl: '10', bestTradePnl: '15', worstTradePnl: '-5',
        avgHoldSeconds: 90, startEquity: '1000', endEquity: '1010', returnPct: 1, maxDrawdownPct: 1 },
      { date: '2026-11-24', trades: 1, wins: 1, losses: 0, winRate: 1, realizedPnl: '3', bestTradePnl: '3', worstTradePnl: '3',
        avgHoldSeconds: 60, startEquity: null, endEquity: null, returnPct: null, maxDrawdownPct: null },
      { date: '2026-11-25', trades: 0, wins: 0, losses: 0, winRate: null, realizedPnl: '0', bestTradePnl: null, worstTradePnl: null,
        avgHoldSeconds: null, startEquity: '1013', endEquity: '1013', returnPct: 0, maxDrawdownPct: 0 },
    ]);
  });
});
