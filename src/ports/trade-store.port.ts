/**
 * What the position actors and their supervisor read and write of trades: the port between them
 * and the database (Postgres: adapters/postgres/trade-store.ts; tests: an in-memory fake).
 * Invariants every implementation keeps:
 *  - saveStep writes the row patch and the journal line that says why in ONE transaction (a reader
 *    of the journal can always explain the row), and resolves with the row as written;
 *  - close writes the closing patch, its journal line and the day's statistics in ONE transaction:
 *    a crash never leaves a closed trade whose P&L is missing from its day (or counted twice);
 *  - a failed write rejects and changes nothing.
 */
import type { BotSettings } from '../domain/bot-config.js';
import type { JournalEntry, JournalInput } from '../domain/journal.js';
import type { ExitFill, Trade, TradePatch } from '../domain/trade.js';
import type { EpochMs } from '../domain/time.js';

export type { ExitFill } from '../domain/trade.js';

/** the bot settings the exit rules read (the session-close time included) */
export type ExitRuleSettings = Pick<BotSettings, 'hardStopLossPct' | 'profitTargetPct' | 'trailingStopPct' | 'maxHoldDurationSec' | 'eodForceCloseTime' | 'brokerStopMode'>;

export interface TradeStore {
  /** one step of a trade's life: the row patch and (when given) its journal line, together */
  saveStep(tradeId: string, patch: TradePatch, entry: JournalInput | null, now: EpochMs): Promise<Trade>;
  /** closes the trade with its exit fill (row, journal line, day's statistics, together) */
  close(trade: Trade, fill: ExitFill, now: EpochMs): Promise<Trade>;
  appendJournal(entry: JournalInput, now: EpochMs): Promise<void>;
  /** the journal lines about this trade, oldest first */
  journalOf(tradeId: string): Promise<JournalEntry[]>;
  getTrade(id: string): Promise<Trade | null>;
  /** every trade in pending_entry, open or exiting, newest first */
  liveTrades(): Promise<Trade[]>;
  /** the persisted exit rules (the bot's config) */
  exitRules(now: EpochMs): Promise<ExitRuleSettings>;
}
