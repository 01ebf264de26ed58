/**
 * The trade statistics against values worked out by hand. Every trade exits on an ET date inside
 * the queried range unless a test says otherwise; the figures are written in each test.
 */
import { describe, expect, it } from 'vitest';
import type { ClosedTrade, EquityPoint, PerformanceQuery } from '../../src/core/analytics/analytics.types.js';
import { performanceFacts } from '../../src/core/analytics/facts-from-rows.js';
import { reportFromFacts } from '../../src/core/analytics/report.js';
import { aggregate, aggregateOf, combineAggregates, emptyAggregate } from '../../src/core/analytics/trade-aggregate.js';
import { toJson } from '../../src/http/to-json.js';
import { aClosedTrade, aPoint, et } from '../support/analytics-builders.js';

const Q: PerformanceQuery = { mode: 'paper', from: '2026-11-23', to: '2026-11-27' };

function report(trades: ClosedTrade[], points: EquityPoint[] = [], q: PerformanceQuery = Q) {
  return toJson(reportFromFacts(performanceFacts(trades, points, q))) as Record<string, any>;
}

/** exits a minute apart from 10:01 ET on the Monday, in the order given */
const inOrder = (pnls: string[], over: Partial<ClosedTrade> = {}) =>
  pnls.map((pnl, i) => aClosedTrade({ pnl, entryAt: et('2026-11-23', 10, i), exitAt: et('2026-11-23', 10, i + 1), ...over }));

describe('trade statistics', () => {
  it('with no trades: zero counts, zero sums, null for every ratio and average', () => {
    const { summary, breakdowns, equityCurve } = report([]);
    expect(summary).toEqual({
      trades: 0, wins: 0, losses: 0, breakeven: 0, winRate: null, totalPnl: '0', grossProfit: '0', grossLoss: '0',
      profitFactor: null, expectancy: null, avgWin: null, avgLoss: null, payoffRatio: null, bestTrade: null, worstTrade: null,
      avgHoldSeconds: null, avgHoldSecondsWinners: null, avgHoldSecondsLosers: null, maxConsecutiveWins: 0, maxConsecutiveLosses: 0,
      maxDrawdownUsd: null, maxDrawdownPct: null, sharpe: null, sortino: null, calmar: null, returnPct: null,
    });
    expect(equityCurve).toEqual([]);
    expect(Object.values(breakdowns).every((rows) => (rows as unknown[]).length === 0)).toBe(true);
  });

  it('with one winning trade: it is the best and the worst; no loss, so profit factor and payoff are null', () => {
    // held 10:00:00 → 10:01:30 = 90 s
    const t = aClosedTrade({ id: 'only', symbol: 'WXYZ', pnl: '12.5' });
    const { summary } = report([t]);
    expect(summary).toMatchObject({
      trades: 1, wins: 1, losses: 0, breakeven: 0, winRate: 1, totalPnl: '12.5', grossProfit: '12.5', grossLoss: '0',
      profitFactor: null, expectancy: '12.5', avgWin: '12.5', avgLoss: null, payoffRatio: null,
      bestTrade: { id: 'only', symbol: 'WXYZ', pnl: '12.5' }, worstTrade: { id: 'only', symbol: 'WXYZ', pnl: '12.5' },
      avgHoldSeconds: 90, avgHoldSecondsWinners: 90, avgHoldSecondsLosers: null, maxConsecutiveWins: 1, maxConsecutiveLosses: 0,
    });
  });

  it('with only losses: win rate 0, profit factor 0 (0 ÷ 30), the smallest loss is the best trade', () => {
    // −5, −10, −15: grossLoss 30, expectancy −30 ÷ 3 = −10, avgLoss −10; holds 60 s each
    const { summary } = report(inOrder(['-5', '-10', '-15']));
    expect(summary).toMatchObject({
      trades: 3, wins: 0, losses: 3, breakeven: 0, winRate: 0, totalPnl: '-30', grossProfit: '0', grossLoss: '30',
      profitFactor: 0, expectancy: '-10', avgWin: null, avgLoss: '-10', payoffRatio: null,
      bestTrade: { pnl: '-5' }, worstTrade: { pnl: '-15' }, avgHoldSeconds: 60, avgHoldSecondsWinners: null, avgHoldSecondsLosers: 60,
      maxConsecutiveWins: 0, maxConsecutiveLosses: 3,
    });
  });

  it('counts breakeven trades apart: they lower the win rate and break a streak', () => {
    // exit order W(10) W(20) 0 W(1) W(2) W(3) L(−4) 0 L(−2):
    //   wins 5, losses 2, breakeven 2, trades 9 → winRate 5 ÷ 9 = 0.5556
    //   grossProfit 36, grossLoss 6 → profitFactor 6; total 30 → expectancy 30 ÷ 9 = 3.333333
    //   avgWin 36 ÷ 5 = 7.2, avgLoss −6 ÷ 2 = −3 → payoff 2.4
    //   streaks: wins 2 then (breakeven) 3 → 3; losses 1, (breakeven) 1 → 1
    const { summary } = report(inOrder(['10', '20', '0', '1', '2', '3', '-4', '0', '-2']));
    expect(summary).toMatchObject({
      trades: 9, wins: 5, losses: 2, breakeven: 2, winRate: 0.5556, totalPnl: '30', grossProfit: '36', grossLoss: '6',
      profitFactor: 6, expectancy: '3.333333', avgWin: '7.2', avgLoss: '-3', payoffRatio: 2.4,
      maxConsecutiveWins: 3, maxConsecutiveLosses: 1,
    });
  });

  it('never mixes modes: a live trade and a live equity row are invisible to the paper figures', () => {
    const paper = inOrder(['10', '-4']);
    const live = inOrder(['1000', '-1000', '5'], { mode: 'live' });
    const points = [aPoint('2026-11-23', 10, 0, '1000'), aPoint('2026-11-23', 10, 0, '50000', { mode: 'live', t: et('2026-11-23', 10, 0, 1) }),
      aPoint('2026-11-23', 16, 0, '1006', { kind: 'close' }), aPoint('2026-11-23', 16, 0, '1', { mode: 'live', kind: 'close', t: et('2026-11-23', 16, 0, 1) })];
    const paperReport = report([...live, ...paper], points);
    expect(paperReport.summary).toMatchObject({ trades: 2, totalPnl: '6', returnPct: 0.6, maxDrawdownUsd: '0' });
    expect(paperReport.equityCurve.map((p: { equity: string }) => p.equity)).toEqual(['1000', '1006']);
    const liveReport = report([...live, ...paper], points, { ...Q, mode: 'live' });
    // live: 50000 → 1: fell 49999 = 99.998 % of its peak
    expect(liveReport.summary).toMatchObject({ trades: 3, totalPnl: '5', maxDrawdownUsd: '49999', maxDrawdownPct: 99.998 });
  });

  it('counts a trade on the ET date of its exit and honours the trade filters', () => {
    const trades = [
      aClosedTrade({ pnl: '1', exitAt: et('2026-11-22', 23, 59), entryAt: et('2026-11-22', 23, 0) }), // the Sunday before: out
      aClosedTrade({ pnl: '2', exitAt: et('2026-11-23', 0, 0) }), // first instant of the range: in
      aClosedTrade({ pnl: '4', exitAt: et('2026-11-27', 23, 59, 59), strategy: 'gap' }), // last second: in
      aClosedTrade({ pnl: '8', exitAt: et('2026-11-28', 0, 0) }), // the day after: out
    ];
    expect(report(trades).summary).toMatchObject({ trades: 2, totalPnl: '6' });
    expect(report(trades, [], { ...Q, strategy: 'gap' }).summary).toMatchObject({ trades: 1, totalPnl: '4' });
    expect(report(trades, [], { ...Q, symbol: 'NOPE' }).summary).toMatchObject({ trades: 0 });
  });

  it('breaks trades down by every dimension, largest total P&L first', () => {
    const trades = [
      aClosedTrade({ pnl: '5', strategy: 'gap', catalystTier: 1, stars: 5, entryAt: et('2026-11-24', 9, 45), exitAt: et('2026-11-24', 10) }),
      aClosedTrade({ pnl: '-3', strategy: 'gap', catalystTier: 2, stars: 3, entryAt: et('2026-11-24', 11, 5), exitAt: et('2026-11-24', 11, 30) }),
      aClosedTrade({ pnl: '7', strategy: null, catalystTier: 1, stars: 5, entryAt: et('2026-11-25', 9, 50), exitAt: et('2026-11-25', 10), exitReason: 'hard_stop' }),
    ];
    const { breakdowns } = report(trades);
    expect(breakdowns.strategy).toEqual([
      { key: null, trades: 1, wins: 1, winRate: 1, totalPnl: '7', avgPnl: '7', profitFactor: null },
      // gap: +5 −3 → total 2, profit factor 5 ÷ 3 = 1.6667
      { key: 'gap', trades: 2, wins: 1, winRate: 0.5, totalPnl: '2', avgPnl: '1', profitFactor: 1.6667 },
    ]);
    expect(breakdowns.catalystTier.map((r: { key: number }) => r.key)).toEqual([1, 2]);
    expect(breakdowns.entryHourEt.map((r: { key: number; totalPnl: string }) => [r.key, r.totalPnl])).toEqual([[9, '12'], [11, '-3']]);
    expect(breakdowns.weekday.map((r: { key: string }) => r.key)).toEqual(['Wednesday', 'Tuesday']);
    expect(breakdowns.exitReason.map((r: { key: string }) => r.key)).toEqual(['hard_stop', 'profit_target']);
  });
});

describe('the trade aggregate is a monoid', () => {
  it('has an identity and folds the same whichever way it is grouped', () => {
    const ts = inOrder(['3', '-1', '0', '3', '-7']).map(aggregateOf);
    const [a, b, c, d, e] = ts as [typeof ts[0], typeof ts[0], typeof ts[0], typeof ts[0], typeof ts[0]];
    const left = combineAggregates(combineAggregates(combineAggregates(a, b), c), combineAggregates(d, e));
    const right = combineAggregates(a, combineAggregates(b, combineAggregates(c, combineAggregates(d, e))));
    expect(toJson(left)).toEqual(toJson(right));
    expect(toJson(combineAggregates(emptyAggregate, a))).toEqual(toJson(a));
    // equal best P&Ls (3 and 3): the earlier exit is kept
    expect(left.best?.exitAt).toBe(ts[0]!.best!.exitAt);
    expect(toJson(aggregate([]))).toEqual(toJson(emptyAggregate));
  });
});
