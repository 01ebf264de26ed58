/** The pipeline repositories in one import (their home is the postgres adapter's index). */
export {
  insertSignal, getSignal, updateSignal, listSignals, listExpiredPendingSignals, listReceivedSignals, decideReceivedSignal,
  listTradesPage, listJournalForSubjects,
} from '../../adapters/postgres/index.js';
export { appendJournal, appendJournalEntries, insertTrade, getTrade, listTrades, type Db, type DbOrTrx } from '../../adapters/postgres/index.js';
export { insertFiredEntry, isUniqueViolation } from '../../adapters/postgres/fired-entry.repo.js';
export { countEntriesSince, getDailyStats } from '../../adapters/postgres/index.js';
export { loadEntryFacts } from '../../adapters/postgres/entry-facts.repo.js';
