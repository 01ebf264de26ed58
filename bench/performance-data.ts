/**
 * B7's data, generated inside PostgreSQL (generate_series, a seeded random()): a year of minute
 * equity rows per mode takes seconds this way instead of a minute of client-side inserts.
 */
import { sql } from 'kysely';
import type { Db } from '../src/adapters/postgres/schema.js';

/** 390 minute rows (09:30–15:59 ET) per day and mode, a random walk from 100,000, and a close row on each day */
export async function loadEquityYear(db: Db, days: readonly string[]): Promise<void> {
  await sql`SELECT setseed(0.7)`.execute(db);
  await sql`INSERT INTO equity_snapshot (mode, at, kind, session_date, equity, cash, long_market_value, unrealized_pnl, realized_pnl_today, open_positions)
    SELECT mode, at, 'minute', d, 100000 + sum(step) OVER (PARTITION BY mode ORDER BY at), 100000, 0, 0,
      sum(step) OVER (PARTITION BY mode, d ORDER BY at), 0
    FROM (SELECT m.mode, d.d, ((d.d + time '09:30') + make_interval(mins => i)) AT TIME ZONE 'America/New_York' AS at,
            round(((random() - 0.495) * 40)::numeric, 2) AS step
          FROM unnest(array['paper', 'live']) m(mode), unnest(${days as string[]}::date[]) d(d), generate_series(0, 389) i) x`.execute(db);
  await sql`INSERT INTO equity_snapshot (mode, at, kind, session_date, equity, cash, long_market_value, unrealized_pnl, realized_pnl_today, open_positions)
    SELECT DISTINCT ON (mode, session_date) mode, (session_date + time '16:00') AT TIME ZONE 'America/New_York', 'close', session_date, equity, cash, 0, 0, realized_pnl_today, 0
    FROM equity_snapshot ORDER BY mode, session_date, at DESC`.execute(db);
}

const SYMBOLS = ['ABCD', 'EFGH', 'IJKL', 'MNOP', 'QRST', 'UVWX', 'YZAB', 'CDEF'];

/** n closed trades of one mode over the days: entered 09:30–15:30 ET, held up to an hour, pnl −90…+110 in cents */
export async function addClosedTrades(db: Db, days: readonly string[], mode: 'paper' | 'live', n: number): Promise<void> {
  await sql`INSERT INTO bot_trade (symbol, side, status, pnl, mode, entry_at, exit_at, strategy, catalyst_type, catalyst_tier, stars, exit_reason, created_at, updated_at)
    SELECT (${SYMBOLS}::text[])[1 + (i % 8)], 'buy', 'closed', round(((random() - 0.45) * 200)::numeric, 2), ${mode},
      entry_at, entry_at + make_interval(secs => 1 + floor(random() * 3600)),
      (array['gap', 'news', NULL])[1 + (i % 3)], (array['fda', 'earnings', 'contract', NULL])[1 + (i % 4)], 1 + (i % 4), 3 + (i % 3),
      (array['hard_stop', 'profit_target', 'trailing_stop', 'time_exit', 'force_close_eod'])[1 + (i % 5)], entry_at, entry_at
    FROM (SELECT i, ((d + time '09:30') + make_interval(secs => floor(random() * 6 * 3600))) AT TIME ZONE 'America/New_York' AS entry_at
          FROM generate_series(1, ${n}::int) i, LATERAL (SELECT (${days as string[]}::date[])[1 + floor(random() * ${days.length})::int] AS d OFFSET 0) pick) x`.execute(db);
}
