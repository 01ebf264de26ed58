/** The TradeStore port on PostgreSQL (ports/trade-store.port.ts states the invariants). */
import { closingPatch, dailyDelta, type ExitFill } from '../../core/reconcile/closing.js';
import type { JournalInput } from '../../domain/journal.js';
import { LIVE_TRADE_STATUSES, type Trade, type TradePatch } from '../../domain/trade.js';
import type { EpochMs } from '../../domain/time.js';
import type { TradeStore } from '../../ports/trade-store.port.js';
import { loadBotConfig } from './bot-config.repo.js';
import { addToDailyStats } from './daily-stats.repo.js';
import { appendJournal } from './journal.repo.js';
import type { Db } from './schema.js';
import { listJournalForSubjects } from './trade-query.repo.js';
import { getTrade, listTrades, updateTrade } from './trade.repo.js';

export function createPostgresTradeStore(db: Db): TradeStore {
  return {
    saveStep: (tradeId: string, patch: TradePatch, entry: JournalInput | null, now: EpochMs) => db.transaction().execute(async (trx) => {
      const trade = await updateTrade(trx, tradeId, patch, now);
      if (entry) await appendJournal(trx, { subject: tradeId, ...entry }, now);
      return trade;
    }),
    close: (trade: Trade, fill: ExitFill, now: EpochMs) => {
      const patch = closingPatch(trade, fill);
      const { day, delta } = dailyDelta(trade, fill, patch.pnl);
      return db.transaction().execute(async (trx) => {
        const closed = await updateTrade(trx, trade.id, patch, now);
        await appendJournal(trx, {
          kind: 'state_transition', cause: 'broker', subject: trade.id,
          message: `trade ${trade.symbol} closed (${fill.reason}): ${fill.shares.toFixed()} @ ${fill.price.toFixed()}, P&L ${patch.pnl.toFixed(2)}`,
          data: { tradeId: trade.id, from: trade.status, to: 'closed', exitReason: fill.reason, exitPrice: fill.price.toFixed(), pnl: patch.pnl.toFixed(), pnlPct: patch.pnlPct.toFixed(), day },
        }, now);
        await addToDailyStats(trx, day, delta, now);
        return closed;
      });
    },
    appendJournal: async (entry, now) => { await appendJournal(db, entry, now); },
    journalOf: (tradeId) => listJournalForSubjects(db, [tradeId]),
    getTrade: (id) => getTrade(db, id),
    liveTrades: () => listTrades(db, { statuses: LIVE_TRADE_STATUSES }),
    exitRules: (now) => loadBotConfig(db, now),
  };
}
