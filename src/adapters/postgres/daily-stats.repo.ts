/**
 * bot_daily_stats: one row per America/New_York trading date. Every write is a single
 * INSERT … ON CONFLICT DO UPDATE, so concurrent writers never lose an increment and never race
 * on creating the row. Amounts are added in SQL (numeric + numeric), never read-modify-written.
 */
import { sql, type Selectable } from 'kysely';
import type { BreakerLevel } from '../../domain/bot-config.js';
import type { DailyStats } from '../../domain/daily-stats.js';
import { Decimal } from '../../domain/money.js';
import type { BotDailyStatsTable, DbOrTrx } from './schema.js';
import { toMs, ts } from './sql-time.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function checkDate(date: string): string {
  if (!DATE.test(date)) throw new Error(`trading date must be YYYY-MM-DD, got ${JSON.stringify(date)}`);
  return date;
}

function statsFromRow(row: Selectable<BotDailyStatsTable>): DailyStats {
  return {
    date: row.date,
    realizedPnl: new Decimal(row.realized_pnl),
    tradeCount: row.trade_count,
    roundTripCount: row.round_trip_count,
    sessionStartEquity: row.session_start_equity === null ? null : new Decimal(row.session_start_equity),
    breakerLevel: row.breaker_level as BreakerLevel,
    updatedAt: toMs(row.updated_at),
  };
}

export async function getDailyStats(db: DbOrTrx, date: string): Promise<DailyStats | null> {
  const row = await db.selectFrom('bot_daily_stats').selectAll().where('date', '=', checkDate(date)).executeTakeFirst();
  return row ? statsFromRow(row) : null;
}

/** atomic increments (INSERT … ON CONFLICT DO UPDATE SET x = x + excluded.x) */
export async function addToDailyStats(
  db: DbOrTrx,
  date: string,
  delta: { realizedPnl?: Decimal; tradeCount?: number; roundTripCount?: number },
  now: number,
): Promise<DailyStats> {
  const row = await db.insertInto('bot_daily_stats').values({
    date: checkDate(date),
    realized_pnl: (delta.realizedPnl ?? new Decimal(0)).toFixed(),
    trade_count: delta.tradeCount ?? 0,
    round_trip_count: delta.roundTripCount ?? 0,
    updated_at: ts(now),
  }).onConflict((oc) => oc.column('date').doUpdateSet({
    realized_pnl: sql`bot_daily_stats.realized_pnl + excluded.realized_pnl`,
    trade_count: sql`bot_daily_stats.trade_count + excluded.trade_count`,
    round_trip_count: sql`bot_daily_stats.round_trip_count + excluded.round_trip_count`,
    updated_at: sql`excluded.updated_at`,
  })).returningAll().executeTakeFirstOrThrow();
  return statsFromRow(row);
}

export async function setDailySessionStart(db: DbOrTrx, date: string, equity: Decimal, now: number): Promise<DailyStats> {
  const row = await db.insertInto('bot_daily_stats')
    .values({ date: checkDate(date), session_start_equity: equity.toFixed(), updated_at: ts(now) })
    .onConflict((oc) => oc.column('date').doUpdateSet({
      session_start_equity: sql`excluded.session_start_equity`,
      updated_at: sql`excluded.updated_at`,
    })).returningAll().executeTakeFirstOrThrow();
  return statsFromRow(row);
}

export async function setDailyBreakerLevel(db: DbOrTrx, date: string, level: BreakerLevel, now: number): Promise<DailyStats> {
  const row = await db.insertInto('bot_daily_stats')
    .values({ date: checkDate(date), breaker_level: level, updated_at: ts(now) })
    .onConflict((oc) => oc.column('date').doUpdateSet({
      breaker_level: sql`excluded.breaker_level`,
      updated_at: sql`excluded.updated_at`,
    })).returningAll().executeTakeFirstOrThrow();
  return statsFromRow(row);
}
