/**
 * The entry's two statements (docs/benchmarks.md, B6b): what an entry decision reads, and what a
 * fired decision writes, each in ONE statement.
 *
 * loadEntryFacts: the bot_config row, the symbols of the live trades, today's entries, today's
 * stats row, whether the signal's id is already stored and the win-rate guard's window
 * (win-rate.repo.ts). Five parallel reads cost five pool checkouts, five backend wake-ups and the
 * mapping of every live trade in full, on every signal; the decision needs only the symbols,
 * three numbers and a flag.
 * Invariants:
 *  - one snapshot: the subqueries run in one statement, so they see the same committed state;
 *  - the same answers as the separate reads (loadBotConfig, listTrades(live), countEntriesSince,
 *    getDailyStats) — tests/integration/postgres-entry-facts.test.ts compares them;
 *  - null when the bot_config row does not exist yet (the caller falls back to loadBotConfig,
 *    which creates it with the defaults);
 *  - money stays exact: numeric columns arrive as strings and become Decimal.
 *
 * insertFiredEntry: a fired signal's whole write: the trade row (pending_entry, with its
 * client order id), the signal carrying the trade id, and the journal entries, as three
 * data-modifying CTEs. One statement is atomic on its own, so no BEGIN/COMMIT round trips.
 * Invariants: all or nothing — a signal id or entry client order id that already exists raises
 * a unique violation (23505) and nothing is written (the caller answers from the stored signal);
 * the foreign key signal.trade_id → bot_trade is checked at the end of the statement, when the
 * trade row exists; the trade id is chosen by the caller, so the journal can name it.
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
import type { JournalInput } from '../../domain/journal.js';
import type { SignalRecord } from '../../domain/signal.js';
import type { NewTrade, Trade } from '../../domain/trade.js';
import { journalRow } from './journal.repo.js';
import { signalToRow } from './signal.repo.js';
import { tradeFromRow, tradeToRow } from './trade.mapper.js';

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

export interface FiredEntry {
  tradeId: string;
  trade: NewTrade;
  /** the signal as stored; its tradeId is set to `tradeId` here */
  signal: SignalRecord;
  journal: readonly JournalInput[];
}

export async function insertFiredEntry(db: DbOrTrx, entry: FiredEntry, now: number): Promise<Trade> {
  const tradeRow = { ...tradeToRow(entry.trade), id: entry.tradeId, created_at: ts(now), updated_at: ts(now) };
  const row = await db
    .with('t', (q) => q.insertInto('bot_trade').values(tradeRow as never).returningAll())
    .with('s', (q) => q.insertInto('signal').values(signalToRow({ ...entry.signal, tradeId: entry.tradeId })).returning('id'))
    .with('j', (q) => q.insertInto('event_journal').values(entry.journal.map((j) => journalRow(j, now))).returning('id'))
    .selectFrom('t')
    .selectAll('t')
    // referencing s and j keeps the planner honest about running them (it would anyway: data-modifying CTEs always run)
    .select([sql<number>`(select count(*) from s)`.as('signals'), sql<number>`(select count(*) from j)`.as('journaled')])
    .executeTakeFirstOrThrow();
  const { signals: _s, journaled: _j, ...trade } = row;
  return tradeFromRow(trade as never);
}

/** pg's unique_violation: the signal (or its entry client order id) is already stored */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}
