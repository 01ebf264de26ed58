/**
 * PARITY: on the same rows, the performance facts computed in PostgreSQL (performance.repo.ts) give
 * exactly the answer of the pure path (core/analytics/facts-from-rows.ts): both modes present,
 * ranges across the DST change and ET midnight, every trade filter, rows that must not count.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDailyFacts, loadPerformanceFacts } from '../../src/adapters/postgres/performance.repo.js';
import { tradeFromRow } from '../../src/adapters/postgres/trade.mapper.js';
import type { ClosedTrade, EquityPoint, PerformanceQuery } from '../../src/core/analytics/analytics.types.js';
import { dailyFacts, performanceFacts, toClosedTrade } from '../../src/core/analytics/facts-from-rows.js';
import { dailyRow, reportFromFacts } from '../../src/core/analytics/report.js';
import { etWallToEpoch } from '../../src/domain/market-time.js';
import { toJson } from '../../src/http/to-json.js';
import { insertEquityRows, insertTradeRows, randomEquity, randomTrades, seeded, tradingDays, type TradeRowSpec } from '../support/performance-rows.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

// 15 trading days across the end of daylight saving time (Sunday 2026-11-01)
const DAYS = tradingDays('2026-10-22', 15);
const FIRST = DAYS[0]!, LAST = DAYS[DAYS.length - 1]!;

const edge = (over: Partial<TradeRowSpec>): TradeRowSpec => ({
  mode: 'paper', status: 'closed', symbol: 'ABCD', pnl: '1.00', entryAt: etWallToEpoch('2026-10-30', 23, 0), exitAt: etWallToEpoch('2026-10-30', 23, 59, 59),
  strategy: 'gap', catalystType: 'fda', catalystTier: 1, stars: 5, exitReason: 'manual', ...over,
});

describe('performance facts: SQL and pure paths agree (real PostgreSQL)', () => {
  let t: TestDb;
  let trades: ClosedTrade[];
  let points: EquityPoint[];

  beforeAll(async () => {
    t = await createTestDb();
    const rand = seeded(20261101);
    const rows = [
      ...randomTrades(rand, 'paper', DAYS, 400), ...randomTrades(rand, 'live', DAYS, 150),
      edge({}), // 23:59:59 ET on Friday: counts on Friday
      edge({ exitAt: etWallToEpoch('2026-10-31', 0, 0), pnl: '-2.00' }), // midnight: Saturday
      edge({ status: 'open', pnl: null, exitAt: null }), // not closed: never counts
      edge({ status: 'cancelled', pnl: '5.00' }),
      edge({ status: 'closed', pnl: null }), // closed without a P&L: never counts
      edge({ pnl: '0.00', entryAt: null }), // breakeven with no entry time
    ];
    await insertTradeRows(t.db, rows);
    points = [...randomEquity(rand, 'paper', DAYS, 5), ...randomEquity(rand, 'live', DAYS, 30, 25_000)];
    await insertEquityRows(t.db, points);
    const all = await t.db.selectFrom('bot_trade').selectAll().execute();
    trades = all.map(tradeFromRow).map(toClosedTrade).filter((x): x is ClosedTrade => x !== null);
  });
  afterAll(async () => { await t.close(); });

  const queries: Array<[string, PerformanceQuery]> = [
    ['paper, whole range (curve downsampled)', { mode: 'paper', from: FIRST, to: LAST }],
    ['live, whole range', { mode: 'live', from: FIRST, to: LAST }],
    ['paper, across the DST change', { mode: 'paper', from: '2026-10-29', to: '2026-11-03' }],
    ['paper, one day', { mode: 'paper', from: '2026-10-30', to: '2026-10-30' }],
    ['paper, strategy', { mode: 'paper', from: FIRST, to: LAST, strategy: 'gap' }],
    ['live, catalyst and symbol', { mode: 'live', from: FIRST, to: LAST, catalystType: 'fda', symbol: 'ABCD' }],
    ['paper, no rows', { mode: 'paper', from: '2025-01-01', to: '2025-01-31' }],
  ];

  it.each(queries)('the report: %s', async (_name, q) => {
    const expected = toJson(reportFromFacts(performanceFacts(trades, points, q)));
    const actual = toJson(reportFromFacts(await loadPerformanceFacts(t.db, q)));
    expect(actual).toEqual(expected);
  });

  it.each(queries.filter(([, q]) => q.strategy === undefined && q.symbol === undefined))('the daily rows: %s', async (_name, q) => {
    const expected = toJson(dailyFacts(trades, points, q).map(dailyRow));
    const actual = toJson((await loadDailyFacts(t.db, q)).map(dailyRow));
    expect(actual).toEqual(expected);
  });

  it('exercises what it claims: both modes, downsampling, breakeven and edge exits', () => {
    const paper = reportFromFacts(performanceFacts(trades, points, queries[0]![1]));
    expect(paper.equityCurve.length).toBeLessThanOrEqual(1000);
    expect(points.filter((p) => p.mode === 'paper').length).toBeGreaterThan(1000);
    expect(paper.summary.breakeven).toBeGreaterThan(0);
    expect(paper.summary.sharpe).not.toBeNull();
    const oneDay = reportFromFacts(performanceFacts(trades, points, queries[3]![1]));
    expect(oneDay.summary.trades).toBeGreaterThan(0);
    expect(reportFromFacts(performanceFacts(trades, points, queries[1]![1])).summary.trades).toBe(150);
  });
});
