/**
 * The equity figures of a range of New York session dates, read from equity_day (migration 0007:
 * one summary per mode and session date, recomputed by triggers in every statement that writes
 * equity_snapshot) instead of the minute rows: a year is ≈ 250 rows, not ≈ 98,000.
 * Minute rows are read only when the range holds at most ROW_CURVE_LIMIT of them, for the curve
 * (the same rule as core/analytics/equity-curve.ts downsample, which turns them into points).
 * Callers read both inside one transaction, so the summaries and the rows describe one moment.
 */
import { sql } from 'kysely';
import type { CurvePoint, EquityPoint, PerformanceFacts, PerformanceQuery } from '../../core/analytics/analytics.types.js';
import { CURVE_BUCKETS, downsample, ROW_CURVE_LIMIT } from '../../core/analytics/equity-curve.js';
import { closesOfDays, curveOfDays, drawdownOfDays, type EquityDay } from '../../core/analytics/equity-days.js';
import { Decimal } from '../../domain/money.js';
import type { DbOrTrx } from './schema.js';
import { toMs } from './sql-time.js';

type Row = Record<string, unknown>;
type Range = Pick<PerformanceQuery, 'mode' | 'from' | 'to'>;

const pointOf = (r: Row, prefix: 'first' | 'last' | 'low' | 'high'): CurvePoint => ({
  t: toMs(r[`${prefix}_at`] as Date), equity: new Decimal(r[`${prefix}_equity`] as string), realizedPnl: new Decimal(r[`${prefix}_realized`] as string),
});

/** the range's day summaries, oldest first */
export async function loadEquityDays(db: DbOrTrx, q: Range): Promise<EquityDay[]> {
  const { rows } = await sql<Row>`SELECT * FROM equity_day
    WHERE mode = ${q.mode} AND session_date BETWEEN ${q.from}::date AND ${q.to}::date ORDER BY session_date`.execute(db);
  return rows.map((r) => ({
    sessionDate: r.session_date as string, rows: Number(r.row_count),
    first: pointOf(r, 'first'), last: pointOf(r, 'last'), low: pointOf(r, 'low'), high: pointOf(r, 'high'),
    close: r.close_equity === null ? null : new Decimal(r.close_equity as string),
    drawdownUsd: new Decimal(r.drawdown_usd as string), drawdownFraction: new Decimal(r.drawdown_fraction as string),
  }));
}

/** the range's minute (and close) rows, oldest first: only for short ranges */
async function loadPoints(db: DbOrTrx, q: Range): Promise<EquityPoint[]> {
  const { rows } = await sql<Row>`SELECT at, kind, session_date, equity, realized_pnl_today FROM equity_snapshot
    WHERE mode = ${q.mode} AND session_date BETWEEN ${q.from}::date AND ${q.to}::date ORDER BY at`.execute(db);
  return rows.map((r) => ({
    mode: q.mode, t: toMs(r.at as Date), kind: r.kind as EquityPoint['kind'], sessionDate: r.session_date as string,
    equity: new Decimal(r.equity as string), realizedPnl: new Decimal(r.realized_pnl_today as string),
  }));
}

export async function loadEquityFacts(db: DbOrTrx, q: Range): Promise<Pick<PerformanceFacts, 'drawdown' | 'firstEquity' | 'lastEquity' | 'dailyCloses' | 'curve'>> {
  const days = await loadEquityDays(db, q);
  const rows = days.reduce((n, d) => n + d.rows, 0);
  const curve = rows > ROW_CURVE_LIMIT ? curveOfDays(days, CURVE_BUCKETS) : rows === 0 ? [] : downsample(await loadPoints(db, q));
  return {
    drawdown: drawdownOfDays(days),
    firstEquity: days[0]?.first.equity ?? null,
    lastEquity: days[days.length - 1]?.last.equity ?? null,
    dailyCloses: closesOfDays(days),
    curve,
  };
}
