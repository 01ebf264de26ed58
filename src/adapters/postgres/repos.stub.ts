/**
 * CONTRACT STUB (the persistence work replaces this file's bodies with real modules and
 * re-exports them from here under the SAME names): repositories are plain functions taking a
 * Kysely db or transaction (STYLE.md practice 10). `now` always comes from the injected Clock.
 */
import type { Kysely, Transaction } from 'kysely';
import type { BotConfig, BotSettings, BotState, BreakerLevel, TradingModeName } from '../../domain/bot-config.js';
import type { DailyStats } from '../../domain/daily-stats.js';
import type { JournalEntry, JournalInput, JournalKind } from '../../domain/journal.js';
import type { Decimal } from '../../domain/money.js';
import type { ReconciliationReport } from '../../domain/reconciliation.js';
import type { NewTrade, Trade, TradePatch, TradeStatus } from '../../domain/trade.js';

const todo = (): never => { throw new Error('not implemented yet'); };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Database = any;
export type Db = Kysely<Database>;
export type DbOrTrx = Kysely<Database> | Transaction<Database>;

/** pg Pool + Kysely; the pool's 'error' events are handled (TOOLCHAIN gotcha 5) */
export function createDb(_url: string): { db: Db; close(): Promise<void> } { return todo(); }
/** applies db/migrations/*.sql in order, each in its own transaction; returns names applied now */
export async function migrateToLatest(_db: Db): Promise<string[]> { return todo(); }

/** the single row; created with the defaults if absent */
export async function loadBotConfig(_db: DbOrTrx, _now: number): Promise<BotConfig> { return todo(); }
export async function saveBotSettings(_db: DbOrTrx, _patch: Partial<BotSettings>, _now: number): Promise<BotConfig> { return todo(); }
export async function saveBotState(_db: DbOrTrx, _state: BotState, _now: number): Promise<void> { return todo(); }
export async function saveBotMode(_db: DbOrTrx, _mode: TradingModeName, _now: number): Promise<void> { return todo(); }

export async function insertTrade(_db: DbOrTrx, _trade: NewTrade, _now: number): Promise<Trade> { return todo(); }
export async function updateTrade(_db: DbOrTrx, _id: string, _patch: TradePatch, _now: number): Promise<Trade> { return todo(); }
export async function getTrade(_db: DbOrTrx, _id: string): Promise<Trade | null> { return todo(); }
export async function listTrades(_db: DbOrTrx, _q: { statuses?: readonly TradeStatus[]; symbol?: string; limit?: number }): Promise<Trade[]> { return todo(); }

export async function appendJournal(_db: DbOrTrx, _entry: JournalInput, _now: number): Promise<JournalEntry> { return todo(); }
export async function listJournal(_db: DbOrTrx, _q: { afterId?: number; kinds?: readonly JournalKind[]; limit?: number }): Promise<JournalEntry[]> { return todo(); }

export async function getDailyStats(_db: DbOrTrx, _date: string): Promise<DailyStats | null> { return todo(); }
/** atomic increments (INSERT … ON CONFLICT DO UPDATE SET x = x + excluded.x) */
export async function addToDailyStats(_db: DbOrTrx, _date: string, _delta: { realizedPnl?: Decimal; tradeCount?: number; roundTripCount?: number }, _now: number): Promise<DailyStats> { return todo(); }
export async function setDailySessionStart(_db: DbOrTrx, _date: string, _equity: Decimal, _now: number): Promise<DailyStats> { return todo(); }
export async function setDailyBreakerLevel(_db: DbOrTrx, _date: string, _level: BreakerLevel, _now: number): Promise<DailyStats> { return todo(); }

export async function saveReconciliationReport(_db: DbOrTrx, _report: ReconciliationReport): Promise<number> { return todo(); }
export async function lastReconciliationReport(_db: DbOrTrx): Promise<ReconciliationReport | null> { return todo(); }
