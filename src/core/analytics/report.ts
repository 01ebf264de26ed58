/**
 * From facts to the answer: the summary, the breakdown rows and the daily rows. Shared by the SQL
 * and the pure paths, so rounding and the undefined cases (null) are decided in one place.
 * Definitions: winRate = wins ÷ trades (breakeven trades count as trades, not wins);
 * profitFactor = grossProfit ÷ grossLoss (null with no losing trade); expectancy = totalPnl ÷ trades;
 * avgWin / avgLoss = mean P&L of the winners / losers (avgLoss is negative);
 * payoffRatio = avgWin ÷ |avgLoss|; returnPct = (last ÷ first equity − 1) × 100.
 */
import { Decimal } from '../../domain/money.js';
import { BREAKDOWN_DIMENSIONS, type BreakdownKey, type BreakdownRow, type DailyFacts, type DailyRow, type PerformanceFacts, type PerformanceReport, type PerformanceSummary, type GroupAggregate, type TradeRef } from './analytics.types.js';
import { returnRatios } from './daily-returns.js';
import { avgSeconds, moneyAvg, ratio, ratioOf } from './rounding.js';

const pct = (fraction: Decimal | null): number | null => (fraction === null ? null : ratio(fraction.times(100)));

function returnPct(first: Decimal | null, last: Decimal | null): number | null {
  if (first === null || last === null || !first.gt(0)) return null;
  return pct(last.div(first).minus(1));
}

const refOut = (r: TradeRef | null) => (r === null ? null : { id: r.id, symbol: r.symbol, pnl: r.pnl });

export function summarize(facts: PerformanceFacts): PerformanceSummary {
  const a = facts.total;
  const avgWin = moneyAvg(a.grossProfit, a.wins);
  const avgLoss = a.losses === 0 ? null : moneyAvg(a.grossLoss.neg(), a.losses);
  const ratios = returnRatios(facts.dailyCloses, facts.drawdown?.fraction ?? null);
  return {
    trades: a.trades,
    wins: a.wins,
    losses: a.losses,
    breakeven: a.breakeven,
    winRate: ratioOf(a.wins, a.trades),
    totalPnl: a.totalPnl,
    grossProfit: a.grossProfit,
    grossLoss: a.grossLoss,
    profitFactor: a.losses === 0 ? null : ratioOf(a.grossProfit, a.grossLoss),
    expectancy: moneyAvg(a.totalPnl, a.trades),
    avgWin,
    avgLoss,
    payoffRatio: avgWin === null || avgLoss === null ? null : ratioOf(avgWin, avgLoss.abs()),
    bestTrade: refOut(a.best),
    worstTrade: refOut(a.worst),
    avgHoldSeconds: avgSeconds(a.holdMs, a.holdCount),
    avgHoldSecondsWinners: avgSeconds(a.winHoldMs, a.winHoldCount),
    avgHoldSecondsLosers: avgSeconds(a.lossHoldMs, a.lossHoldCount),
    maxConsecutiveWins: facts.streaks.maxConsecutiveWins,
    maxConsecutiveLosses: facts.streaks.maxConsecutiveLosses,
    maxDrawdownUsd: facts.drawdown?.usd ?? null,
    maxDrawdownPct: pct(facts.drawdown?.fraction ?? null),
    sharpe: ratio(ratios.sharpe),
    sortino: ratio(ratios.sortino),
    calmar: ratio(ratios.calmar),
    returnPct: returnPct(facts.firstEquity, facts.lastEquity),
  };
}

export function breakdownRow(key: BreakdownKey, a: GroupAggregate): BreakdownRow {
  return {
    key,
    trades: a.trades,
    wins: a.wins,
    winRate: ratioOf(a.wins, a.trades),
    totalPnl: a.totalPnl,
    avgPnl: moneyAvg(a.totalPnl, a.trades),
    profitFactor: a.losses === 0 ? null : ratioOf(a.grossProfit, a.grossLoss),
  };
}

const keyText = (k: BreakdownKey): string => (k === null ? '\uffff' : typeof k === 'number' ? String(k).padStart(12, '0') : k);

/** largest total P&L first; equal totals by key (null last), so the order never depends on the path */
export function byTotalPnl(a: BreakdownRow, b: BreakdownRow): number {
  const c = b.totalPnl.cmp(a.totalPnl);
  if (c !== 0) return c;
  const ka = keyText(a.key), kb = keyText(b.key);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

export function reportFromFacts(facts: PerformanceFacts): PerformanceReport {
  const breakdowns = Object.fromEntries(BREAKDOWN_DIMENSIONS.map((d) => [
    d, facts.groups[d].map((g) => breakdownRow(g.key, g.aggregate)).sort(byTotalPnl),
  ])) as PerformanceReport['breakdowns'];
  return { summary: summarize(facts), equityCurve: facts.curve, breakdowns };
}

export function dailyRow(f: DailyFacts): DailyRow {
  const a = f.aggregate;
  return {
    date: f.date,
    trades: a.trades,
    wins: a.wins,
    losses: a.losses,
    winRate: ratioOf(a.wins, a.trades),
    realizedPnl: a.totalPnl,
    bestTradePnl: a.bestPnl,
    worstTradePnl: a.worstPnl,
    avgHoldSeconds: avgSeconds(a.holdMs, a.holdCount),
    startEquity: f.startEquity,
    endEquity: f.endEquity,
    returnPct: returnPct(f.startEquity, f.endEquity),
    maxDrawdownPct: pct(f.drawdownFraction),
  };
}
