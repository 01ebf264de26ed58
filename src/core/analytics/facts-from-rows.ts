/**
 * The pure path: performance facts from plain trades and equity points, of any mode and any date
 * (they are selected here). A backtest report feeds it its simulated trades and curve; the live
 * API computes the same facts in SQL (performance.repo.ts), and a parity test holds the two equal.
 * Selection: only trades of the query's mode whose exit falls on an ET date in [from, to] (and
 * matching every trade filter) count; equity points of that mode whose session date is in [from, to].
 */
import { etDate } from '../../domain/market-time.js';
import type { Trade } from '../../domain/trade.js';
import { BREAKDOWN_DIMENSIONS, type BreakdownKey, type ClosedTrade, type DailyFacts, type DayAggregate, type GroupAggregate, type EquityPoint, type PerformanceFacts, type PerformanceQuery, type TradeAggregate } from './analytics.types.js';
import { breakdownKey } from './breakdown-keys.js';
import { byTime, dailyCloses, downsample, drawdown } from './equity-curve.js';
import { etDateRange, inRange } from './et-range.js';
import { streaks } from './streaks.js';
import { aggregate, aggregateOf, combineAggregates, emptyAggregate } from './trade-aggregate.js';

export function selectTrades(trades: readonly ClosedTrade[], q: PerformanceQuery): ClosedTrade[] {
  const range = etDateRange(q.from, q.to);
  return trades.filter((t) => t.mode === q.mode && inRange(t.exitAt, range)
    && (q.strategy === undefined || t.strategy === q.strategy)
    && (q.catalystType === undefined || t.catalystType === q.catalystType)
    && (q.symbol === undefined || t.symbol === q.symbol));
}

export function selectPoints(points: readonly EquityPoint[], q: Pick<PerformanceQuery, 'mode' | 'from' | 'to'>): EquityPoint[] {
  return points.filter((p) => p.mode === q.mode && p.sessionDate >= q.from && p.sessionDate <= q.to).sort(byTime);
}

function groupBy(trades: readonly ClosedTrade[], keyOf: (t: ClosedTrade) => BreakdownKey): Array<{ key: BreakdownKey; aggregate: GroupAggregate }> {
  const groups = new Map<BreakdownKey, TradeAggregate>();
  for (const t of trades) {
    const key = keyOf(t);
    groups.set(key, combineAggregates(groups.get(key) ?? emptyAggregate, aggregateOf(t)));
  }
  return [...groups].map(([key, agg]) => ({ key, aggregate: agg }));
}

export function performanceFacts(trades: readonly ClosedTrade[], points: readonly EquityPoint[], q: PerformanceQuery): PerformanceFacts {
  const selected = selectTrades(trades, q);
  const curve = selectPoints(points, q);
  return {
    total: aggregate(selected),
    streaks: streaks(selected),
    drawdown: drawdown(curve),
    firstEquity: curve[0]?.equity ?? null,
    lastEquity: curve[curve.length - 1]?.equity ?? null,
    dailyCloses: dailyCloses(curve),
    curve: downsample(curve),
    groups: Object.fromEntries(BREAKDOWN_DIMENSIONS.map((d) => [d, groupBy(selected, (t) => breakdownKey(t, d))])) as PerformanceFacts['groups'],
  };
}

function dayAggregate(a: TradeAggregate): DayAggregate {
  return { trades: a.trades, wins: a.wins, losses: a.losses, totalPnl: a.totalPnl, holdMs: a.holdMs, holdCount: a.holdCount, bestPnl: a.best?.pnl ?? null, worstPnl: a.worst?.pnl ?? null };
}

/** one entry per ET date with a trade exit or an equity point, oldest first */
export function dailyFacts(trades: readonly ClosedTrade[], points: readonly EquityPoint[], q: Pick<PerformanceQuery, 'mode' | 'from' | 'to'>): DailyFacts[] {
  const selected = selectTrades(trades, q);
  const curve = selectPoints(points, q);
  const dates = new Set<string>([...selected.map((t) => etDate(t.exitAt)), ...curve.map((p) => p.sessionDate)]);
  return [...dates].sort().map((date) => {
    const day = curve.filter((p) => p.sessionDate === date);
    return {
      date,
      aggregate: dayAggregate(aggregate(selected.filter((t) => etDate(t.exitAt) === date))),
      startEquity: day[0]?.equity ?? null,
      endEquity: dailyCloses(day)[0]?.equity ?? null,
      drawdownFraction: drawdown(day)?.fraction ?? null,
    };
  });
}

/** a journaled trade as the metrics see it; null unless it is closed with a P&L and an exit time */
export function toClosedTrade(t: Trade): ClosedTrade | null {
  if (t.status !== 'closed' || t.pnl === null || t.exitAt === null) return null;
  return {
    id: t.id, symbol: t.symbol, mode: t.mode, pnl: t.pnl, entryAt: t.entryAt, exitAt: t.exitAt, strategy: t.strategy,
    catalystType: t.catalystType, catalystTier: t.catalystTier, stars: t.stars, exitReason: t.exitReason,
  };
}
