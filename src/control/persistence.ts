/** The repository functions the control layer uses, in one place (the postgres adapter's surface). */
export {
  appendJournal, addToDailyStats, getDailyStats, getFlattenQueue, insertTrade, lastReconciliationReport, listTrades, loadBotConfig, loadStateRecord,
  saveBotMode, saveBotSettings, saveBotState, saveReconciliationReport, takeFlattenQueue, updateTrade,
  type Db, type DbOrTrx,
} from '../adapters/postgres/index.js';
