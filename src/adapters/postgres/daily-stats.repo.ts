/**
 * bot_daily_stats: one row per America/New_York trading date. Every write is a single
 * INSERT … ON CONFLICT DO UPDATE (or an UPDATE of a row ensured to exist), so concurrent writers
 * never lose an increment and never race on creating the row. Amounts are added in SQL
 * (numeric + numeric), never read-modify-written.
 * The safety columns (0003) keep their own rules IN SQL, so a late or concurrent write cannot
 * undo them (a restart never resets a breaker or a loss limit):
 *  - breaker_level only goes up within the day (recordEquity: a CASE on the level order; it is the
 *    level's only writer, so nothing — tests included — can lower a day's level);
 *  - max_drawdown_pct only goes up (GREATEST);
 *  - session_start_equity is set once (anchorSessionStart: COALESCE, the first anchor wins);
 *  - daily_loss_tripped is never cleared; markDailyLossTripped says whether THIS call tripped it.
 * A new trading date is a new row: nothing here clears a previous day.
 */
import { sql, type Selectable } from 'kysely';
import { BREAKER_LEVELS, type BreakerLevel } from '../../domain/bot-config.js';
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
    dailyLossTripped: row.daily_loss_tripped,
    maxDrawdownPct: row.max_drawdown_pct === null ? null : new Decimal(row.max_drawdown_pct),
    lastEquity: row.last_equity === null ? null : new Decimal(row.last_equity),
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

/** the day's row, created with zero counters if missing (never touches an existing row) */
export async function ensureDailyStats(db: DbOrTrx, date: string, now: number): Promise<{ stats: DailyStats; created: boolean }> {
  const inserted = await db.insertInto('bot_daily_stats').values({ date: checkDate(date), updated_at: ts(now) })
    .onConflict((oc) => oc.column('date').doNothing()).returningAll().executeTakeFirst();
  if (inserted) return { stats: statsFromRow(inserted), created: true };
  const row = await db.selectFrom('bot_daily_stats').selectAll().where('date', '=', date).executeTakeFirstOrThrow();
  return { stats: statsFromRow(row), created: false };
}

/** sets the session-start equity only if the day has none yet (the first anchor wins); returns the row */
export async function anchorSessionStart(db: DbOrTrx, date: string, equity: Decimal, now: number): Promise<DailyStats> {
  if (!equity.isFinite() || !equity.gt(0)) throw new RangeError(`session-start equity must be positive, got ${equity.toString()}`);
  const row = await db.insertInto('bot_daily_stats')
    .values({ date: checkDate(date), session_start_equity: equity.toFixed(), updated_at: ts(now) })
    .onConflict((oc) => oc.column('date').doUpdateSet({
      session_start_equity: sql`COALESCE(bot_daily_stats.session_start_equity, excluded.session_start_equity)`,
      updated_at: sql`CASE WHEN bot_daily_stats.session_start_equity IS NULL THEN excluded.updated_at ELSE bot_daily_stats.updated_at END`,
    })).returningAll().executeTakeFirstOrThrow();
  return statsFromRow(row);
}

export interface EquityObservation {
  equity: Decimal;
  /** null = unknown (no anchor yet): the worst drawdown is left as it is */
  drawdownPct: Decimal | null;
  /** the level this observation computed; the stored level becomes the higher of the two */
  level: BreakerLevel;
}

export interface EquityRecord {
  stats: DailyStats;
  /** the stored level just before this write: stats.breakerLevel above it means THIS write raised it */
  previousLevel: BreakerLevel;
}

/** ARRAY['none','warn','pause','halt']: a level's position is its order */
const LEVEL_ORDER = sql`ARRAY[${sql.join(BREAKER_LEVELS.map((l) => sql.lit(l)))}]::text[]`;

/**
 * last_equity = equity; max_drawdown_pct = GREATEST(stored, new); breaker_level escalate-only.
 * The row is locked (FOR UPDATE) while its previous level is read, so of two concurrent writes
 * exactly one sees itself raise a level.
 */
export async function recordEquity(db: DbOrTrx, date: string, obs: EquityObservation, now: number): Promise<EquityRecord> {
  if (!BREAKER_LEVELS.includes(obs.level)) throw new RangeError(`unknown breaker level ${JSON.stringify(obs.level)}`);
  await ensureDailyStats(db, date, now);
  const drawdown = obs.drawdownPct !== null && obs.drawdownPct.isFinite() ? obs.drawdownPct.toFixed() : null;
  const row = await db.updateTable('bot_daily_stats as s')
    .from((eb) => eb.selectFrom('bot_daily_stats').select(['date', 'breaker_level']).where('date', '=', date).forUpdate().as('prev'))
    .set({
      last_equity: obs.equity.toFixed(),
      max_drawdown_pct: sql`GREATEST(s.max_drawdown_pct, ${drawdown}::numeric)`,
      breaker_level: sql`CASE WHEN array_position(${LEVEL_ORDER}, ${obs.level}::text) > array_position(${LEVEL_ORDER}, s.breaker_level)
        THEN ${obs.level}::text ELSE s.breaker_level END`,
      updated_at: ts(now),
    })
    .whereRef('s.date', '=', 'prev.date')
    .returningAll('s')
    .returning('prev.breaker_level as previous_level')
    .executeTakeFirstOrThrow();
  const { previous_level: previousLevel, ...rest } = row;
  return { stats: statsFromRow(rest), previousLevel: previousLevel as BreakerLevel };
}

/** trips the day's loss limit; `newlyTripped` is true only for the call that flipped it */
export async function markDailyLossTripped(db: DbOrTrx, date: string, now: number): Promise<{ stats: DailyStats; newlyTripped: boolean }> {
  const flipped = await db.insertInto('bot_daily_stats')
    .values({ date: checkDate(date), daily_loss_tripped: true, updated_at: ts(now) })
    .onConflict((oc) => oc.column('date').doUpdateSet({
      daily_loss_tripped: true,
      updated_at: sql`excluded.updated_at`,
    }).where('bot_daily_stats.daily_loss_tripped', '=', false))
    .returningAll().executeTakeFirst();
  if (flipped) return { stats: statsFromRow(flipped), newlyTripped: true };
  const row = await db.selectFrom('bot_daily_stats').selectAll().where('date', '=', date).executeTakeFirstOrThrow();
  return { stats: statsFromRow(row), newlyTripped: false };
}
