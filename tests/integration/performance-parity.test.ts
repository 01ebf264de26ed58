/**
 * PARITY: on the same rows, the performance facts computed in PostgreSQL (performance.repo.ts) give
 * exactly the answer of the pure path (core/analytics/facts-from-rows.ts): both modes present,
 * ranges across the DST change and ET midnight, every trade filter, rows that must not count.
 * The equity figures come from the per-day rollup (equity_day): its parity cases cover a drawdown
 * decided across days and one decided inside a day, a curve drawn from day summaries (more minute
 * rows than ROW_CURVE_LIMIT, written out of time order), and updates and deletes of snapshots.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDailyFacts, loadPerformanceFacts } from '../../src/adapters/postgres/performance.repo.js';
import { tradeFromRow } from '../../src/adapters/postgres/trade.mapper.js';
import type { ClosedTrade, EquityPoint, PerformanceQuery } from '../../src/core/analytics/analytics.types.js';
import { dailyFacts, performanceFacts, toClosedTrade } from '../../src/core/analytics/facts-from-rows.js';
import { ROW_CURVE_LIMIT } from '../../src/core/analytics/equity-curve.js';
import { dailyRow, reportFromFacts } from '../../src/core/analytics/report.js';
import { etWallToEpoch } from '../../src/domain/market-time.js';
import { Decimal } from '../../src/domain/money.js';
import { toJson } from '../../src/http/to-json.js';
import { aPoint } from '../support/analytics-builders.js';
import { insertEquityRows, insertTradeRows, randomEquity, randomTrades, seeded, tradingDays, type TradeRowSpec } from '../support/performance-rows.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

// 15 trading days across the end of daylight saving time (Sunday 2026-11-01)
const DAYS = tradingDays('2026-10-22', 15);
const FIRST = DAYS[0]!, LAST = DAYS[DAYS.length - 1]!;

// 30 trading days of paper minute rows in 2027: more rows than ROW_CURVE_LIMIT, so the curve comes from day summaries
const LONG = tradingDays('2027-03-01', 30);
// live, by hand: day 1 peaks at 120; day 2 falls to 90 (30 below day 1's peak, its own fall only 5);
// day 3 climbs to 200 and falls to 100 (its own fall, half its peak, is the largest fraction)
const HAND: EquityPoint[] = [
  aPoint('2027-03-01', 10, 0, '100'), aPoint('2027-03-01', 11, 0, '120'), aPoint('2027-03-01', 16, 0, '115', { kind: 'close' }),
  aPoint('2027-03-02', 10, 0, '110'), aPoint('2027-03-02', 11, 0, '90'), aPoint('2027-03-02', 12, 0, '130'), aPoint('2027-03-02', 13, 0, '125'),
  aPoint('2027-03-03', 10, 0, '130'), aPoint('2027-03-03', 11, 0, '200'), aPoint('2027-03-03', 12, 0, '100'), aPoint('2027-03-03', 13, 0, '150'),
].map((p) => ({ ...p, mode: 'live' as const, realizedPnl: p.equity.minus(100) }));

/** a fixed shuffle, so rows reach the database out of time order */
function shuffled<T>(xs: readonly T[], rand: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

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
      // ties for the best and the worst trade: the earlier exit wins, then the smaller id
      ...(['12:00:01', '12:00:00', '12:00:00'] as const).map((at) => edge({ pnl: '9999.00', entryAt: etWallToEpoch('2026-10-30', 11, 0), exitAt: etWallToEpoch('2026-10-30', 12, 0, Number(at.slice(-2))) })),
      ...(['13:00:00', '13:00:01', '13:00:00'] as const).map((at) => edge({ pnl: '-9999.00', entryAt: etWallToEpoch('2026-10-30', 11, 0), exitAt: etWallToEpoch('2026-10-30', 13, 0, Number(at.slice(-2))) })),
    ];
    await insertTradeRows(t.db, rows);
    points = [...randomEquity(rand, 'paper', DAYS, 5), ...randomEquity(rand, 'live', DAYS, 30, 25_000)];
    await insertEquityRows(t.db, points);
    const long = randomEquity(rand, 'paper', LONG, 1, 50_000);
    await insertEquityRows(t.db, [...shuffled(long, rand), ...HAND]);
    points = [...points, ...long, ...HAND];
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
    ['paper, 30 days of minute rows (curve from day summaries)', { mode: 'paper', from: LONG[0]!, to: LONG[LONG.length - 1]! }],
    ['paper, across both periods', { mode: 'paper', from: FIRST, to: LONG[LONG.length - 1]! }],
    ['live, drawdowns across days and inside a day', { mode: 'live', from: '2027-03-01', to: '2027-03-05' }],
    ['live, only the day falling below the day before', { mode: 'live', from: '2027-03-02', to: '2027-03-02' }],
  ];

  it('breaks ties for the best and the worst trade alike (earlier exit, then smaller id)', async () => {
    const q: PerformanceQuery = { mode: 'paper', from: '2026-10-30', to: '2026-10-30' };
    const sql = await loadPerformanceFacts(t.db, q);
    const pure = performanceFacts(trades, points, q);
    expect(sql.total.best?.pnl.toFixed()).toBe('9999');
    expect(sql.total.worst?.pnl.toFixed()).toBe('-9999');
    expect([sql.total.best?.id, sql.total.worst?.id]).toEqual([pure.total.best?.id, pure.total.worst?.id]);
    expect(sql.total.best?.exitAt).toBe(etWallToEpoch('2026-10-30', 12, 0, 0));
  });

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
    const long = points.filter((p) => p.mode === 'paper' && p.sessionDate >= LONG[0]!);
    expect(long.length).toBeGreaterThan(ROW_CURVE_LIMIT);
  });

  it('takes the drawdown across days from the peak before the day, and inside a day from the day\'s own peak', async () => {
    const across = reportFromFacts(await loadPerformanceFacts(t.db, { mode: 'live', from: '2027-03-01', to: '2027-03-02' })).summary;
    expect([across.maxDrawdownUsd?.toString(), across.maxDrawdownPct]).toEqual(['30', 25]); // 120 → 90
    const all = reportFromFacts(await loadPerformanceFacts(t.db, { mode: 'live', from: '2027-03-01', to: '2027-03-03' })).summary;
    expect([all.maxDrawdownUsd?.toString(), all.maxDrawdownPct]).toEqual(['100', 50]); // 200 → 100
  });

  it('answers more requests at once than the pool has connections (each uses four), all alike', async () => {
    const q = queries[0]![1];
    const one = toJson(reportFromFacts(await loadPerformanceFacts(t.db, q)));
    const many = await Promise.all(Array.from({ length: 6 }, () => loadPerformanceFacts(t.db, q)));
    for (const facts of many) expect(toJson(reportFromFacts(facts))).toEqual(one);
  });

  it('keeps the day summaries true when snapshots are updated or deleted', async () => {
    const q: PerformanceQuery = { mode: 'paper', from: LONG[0]!, to: LONG[LONG.length - 1]! };
    await sql`UPDATE equity_snapshot SET equity = equity - 5000 WHERE mode = 'paper' AND session_date = ${LONG[3]!}::date AND extract(minute FROM at) = 7`.execute(t.db);
    await sql`DELETE FROM equity_snapshot WHERE mode = 'paper' AND (session_date = ${LONG[5]!}::date OR (session_date = ${LONG[6]!}::date AND kind = 'close'))`.execute(t.db);
    const rows = await t.db.selectFrom('equity_snapshot').selectAll().where('mode', '=', 'paper').execute();
    const now: EquityPoint[] = rows.map((r) => ({
      mode: 'paper', t: r.at.getTime(), kind: r.kind as EquityPoint['kind'], sessionDate: r.session_date, equity: new Decimal(r.equity), realizedPnl: new Decimal(r.realized_pnl_today),
    }));
    expect(toJson(reportFromFacts(await loadPerformanceFacts(t.db, q)))).toEqual(toJson(reportFromFacts(performanceFacts(trades, now, q))));
    expect(toJson((await loadDailyFacts(t.db, q)).map(dailyRow))).toEqual(toJson(dailyFacts(trades, now, q).map(dailyRow)));
    expect((await loadDailyFacts(t.db, q)).map((d) => d.date)).not.toContain(LONG[5]!);
  });
});
