/**
 * The persistence adapter's public surface (the names of the former contract stub, unchanged):
 * repositories are plain functions taking a Kysely db or transaction (docs/design.md §10);
 * `now` always comes from the injected Clock. The control layer reaches the database through this
 * index only (never a repository file directly).
 */
export type { Database, Db, DbOrTrx } from './schema.js';
export { createDb, pingDatabase, type CreateDbOptions, type DbHandle } from './db.js';
export { migrateToLatest, migrationsDir, createMigrator } from './migrate.js';
export { openDatabase, type OpenedDatabase } from './open-database.js';
export { startEmbeddedPostgres, type EmbeddedPostgresHandle, type EmbeddedPostgresOptions } from './embedded.js';
export { loadBotConfig, loadStateReason, loadStateRecord, saveBotSettings, saveBotState, saveBotMode } from './bot-config.repo.js';
export { loadWinRateWindow } from './win-rate.repo.js';
export { insertTrade, updateTrade, getTrade, listTrades, countEntriesSince } from './trade.repo.js';
export { insertFiredEntry, isUniqueViolation } from './entry.repo.js';
export { loadEntryFacts } from './entry.repo.js';
export { appendJournal, appendJournalEntries, listJournal } from './journal.repo.js';
export { getDailyStats, addToDailyStats, setDailySessionStart, ensureDailyStats, anchorSessionStart, markDailyLossTripped, recordEquity } from './daily-stats.repo.js';
export { queueFlatten, getFlattenQueue, clearFlattenQueue, takeFlattenQueue } from './flatten-queue.repo.js';
export { saveReconciliationReport, lastReconciliationReport } from './reconciliation.repo.js';
export { insertSignal, getSignal, updateSignal, listSignals, listExpiredPendingSignals, earliestPendingExpiry, listReceivedSignals, decideReceivedSignal, type SignalPatch } from './signal.repo.js';
export { listTradesPage, getTradeByClientOrderId, getTradeByOrderId, listJournalForSubjects } from './trade-query.repo.js';
export { insertEquitySnapshot } from './equity-snapshot.repo.js';
export { loadPerformanceFacts, loadDailyFacts, countOpenTrades } from './performance.repo.js';
export { InvalidCursorError, DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from './page-cursor.js';
export { createPostgresTradeStore } from './trade-store.js';
