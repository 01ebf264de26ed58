/**
 * What an entry decision reads from the database, in ONE statement (docs/benchmarks.md, B6b): the
 * bot_config row, the symbols of the live trades, today's entries, today's stats row, whether
 * the signal's id is already stored and the win-rate guard's window (win-rate.repo.ts). Five parallel reads cost five pool checkouts, five backend
 * wake-ups and the mapping of every live trade in full, on every signal; the decision needs only
 * the symbols, three numbers and a flag.
 * Invariants:
 *  - one snapshot: the subqueries run in one statement, so they see the same committed state;
 *  - the same answers as the separate reads (loadBotConfig, listTrades(live), countEntriesSince,
 *    getDailyStats) — tests/integration/postgres-entry-facts.test.ts compares them;
 *  - null when the bot_config row does not exist yet (the caller falls back to loadBotConfig,
 *    which creates it with the defaults);
 *  - money stays exact: numeric columns arrive as strings and become Decimal.
 */
import { sql } from 'kysely';
import type { BotConfig, BreakerLevel } from '../../domain/bot-config.js';
import { Decimal } from '../../domain/money.js';
import type { TradeStatus } from '../../domain/trade.js';
import { botConfigFromRow } from './bot-config.mapper.js';
import type { DbOrTrx } from './schema.js';
import { ts } from './sql-time.js';
import { toWinRateWindow, winRateWindowSql } from './win-rate.repo.js';
import type { WinRateWindow } from '../../core/safety/win-rate.js';

export interface EntryFactsRow {
  config: BotConfig;
  liveSymbols: string[];
  /** entries created since `since` that were not cancelled (countEntriesSince) */
  entriesSince: number;
  /** today's bot_daily_stats row, the fields the checks read; null = no row yet */
  today: { realizedPnl: Decimal; roundTripCount: number; breakerLevel: BreakerLevel } | null;
  /** a signal with the asked id is stored already (a repeat); false when no id was asked */
  signalStored: boolean;
  /** the win-rate guard's window (win-rate.repo.ts) */
  winRateWindow: WinRateWindow;
}

export async function loadEntryFacts(
  db: DbOrTrx,
  q: { date: string; since: number; liveStatuses: readonly TradeStatus[]; signalId?: string | null },
): Promise<EntryFactsRow | null> {
  const row = await db.selectFrom('bot_config as c')
    .leftJoin('bot_daily_stats as s', (join) => join.on('s.date', '=', q.date))
    .selectAll('c')
    .select(['s.realized_pnl as day_realized_pnl', 's.round_trip_count as day_round_trips', 's.breaker_level as day_breaker_level', 's.date as day_date'])
    .select((eb) => [
      eb.selectFrom('bot_trade').select(sql<string[]>`coalesce(array_agg(symbol), '{}')`.as('symbols'))
        .where('status', 'in', [...q.liveStatuses]).as('live_symbols'),
      eb.selectFrom('bot_trade').select((e) => e.fn.countAll<string>().as('n'))
        .where('created_at', '>=', ts(q.since)).where('status', '<>', 'cancelled').as('entries_since'),
      eb.exists(eb.selectFrom('signal').select('id').where('id', '=', q.signalId ?? null)).as('signal_stored'),
      winRateWindowSql().as('win_rate_window'),
    ])
    .where('c.id', '=', 1)
    .executeTakeFirst();
  if (!row) return null;
  const { day_realized_pnl, day_round_trips, day_breaker_level, day_date, live_symbols, entries_since, signal_stored, win_rate_window, ...config } = row;
  return {
    config: botConfigFromRow(config),
    liveSymbols: live_symbols ?? [],
    entriesSince: Number(entries_since ?? 0),
    today: day_date === null || day_realized_pnl === null || day_round_trips === null
      ? null
      : { realizedPnl: new Decimal(day_realized_pnl), roundTripCount: day_round_trips, breakerLevel: day_breaker_level as BreakerLevel },
    signalStored: signal_stored === true,
    winRateWindow: toWinRateWindow(win_rate_window),
  };
}
