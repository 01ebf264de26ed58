/**
 * Every other step of a trade's life is one transaction: the row patch and the journal line that
 * says why (a reader of the journal can always explain the row).
 */
import { appendJournal, updateTrade } from '../adapters/postgres/index.js';
import type { Db } from '../adapters/postgres/schema.js';
import type { JournalInput } from '../domain/journal.js';
import type { Trade, TradePatch } from '../domain/trade.js';
import type { EpochMs } from '../domain/time.js';

export async function saveTradeStep(db: Db, tradeId: string, patch: TradePatch, entry: JournalInput | null, now: EpochMs): Promise<Trade> {
  return db.transaction().execute(async (trx) => {
    const trade = await updateTrade(trx, tradeId, patch, now);
    if (entry) await appendJournal(trx, { subject: tradeId, ...entry }, now);
    return trade;
  });
}

/** a 403/422 on the entry POST: the trade never existed at the broker */
export async function cancelRejectedEntry(db: Db, trade: Trade, message: string, now: EpochMs): Promise<Trade> {
  return saveTradeStep(db, trade.id, { status: 'cancelled', notes: message }, {
    kind: 'state_transition', cause: 'broker', message: `trade ${trade.symbol} cancelled: entry rejected: ${message}`,
    data: { tradeId: trade.id, from: 'pending_entry', to: 'cancelled', reason: message },
  }, now);
}
