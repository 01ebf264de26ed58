/**
 * Applies reconciliation findings inside the caller's transaction.
 * Invariants: every finding gets its own journal entry (a correction, or a warning for what is
 * only reported); a trade closed at the broker books its realized P&L into bot_daily_stats of the
 * exit's ET date in the same transaction (round trip when entry and exit share that date);
 * nothing here talks to the broker.
 */
import { etDate } from '../../domain/market-time.js';
import type { ReconcileFinding } from '../../domain/reconciliation.js';
import type { Trade } from '../../domain/trade.js';
import { addToDailyStats, appendJournal, insertTrade, updateTrade, type DbOrTrx } from '../../adapters/postgres/index.js';

const CAUSE = 'reconciliation';

const withNote = (existing: string | null, note: string): string => (existing ? `${existing}\n${note}` : note);

/** what to say about a finding: the journal entry's message, and the trader's notification (service/reconcile-notices.ts) */
export function describeFinding(f: ReconcileFinding): string {
  switch (f.kind) {
    case 'closed_at_broker': return `${f.symbol}: closed at the broker at ${f.exitPrice.toFixed()} (order ${f.exitOrderId}); P&L ${f.pnl.toFixed()}`;
    case 'missing_at_broker': return `${f.symbol}: ${f.note}`;
    case 'imported_broker_position': return `${f.symbol}: broker position of ${f.shares.toFixed()} @ ${f.avgEntryPrice.toFixed()} had no trade; imported as open (catalyst unknown)`;
    case 'quantity_mismatch': return `${f.symbol}: journal had ${f.journalShares?.toFixed() ?? 'no'} shares, broker holds ${f.brokerShares.toFixed()}; broker's quantity taken`;
    case 'pending_entry_filled': return `${f.symbol}: pending entry filled at the broker (${f.shares.toFixed()} @ ${f.entryPrice.toFixed()}); trade open`;
    case 'pending_entry_working': return `${f.symbol}: entry order ${f.orderId} still working (${f.status}); trade stays pending`;
    case 'pending_entry_cancelled': return `${f.symbol}: entry order ${f.orderId} ended ${f.status} with nothing filled; trade cancelled`;
    case 'pending_entry_not_found': return `${f.symbol}: the broker does not know entry ${f.clientOrderId ?? '(no client order id)'}; trade cancelled`;
    case 'unowned_open_order': return `${f.symbol}: open ${f.side} order ${f.orderId} (${f.clientOrderId}) belongs to no trade; left alone`;
  }
}

async function applyToTrades(trx: DbOrTrx, f: ReconcileFinding, trades: Map<string, Trade>, now: number): Promise<void> {
  const update = async (id: string, patch: Parameters<typeof updateTrade>[2]) => { trades.set(id, await updateTrade(trx, id, patch, now)); };
  switch (f.kind) {
    case 'closed_at_broker': {
      const entryAt = trades.get(f.tradeId)?.entryAt ?? null;
      await update(f.tradeId, {
        status: 'closed', exitPrice: f.exitPrice, exitOrderId: f.exitOrderId, exitAt: f.exitAt, shares: f.shares,
        pnl: f.pnl, pnlPct: f.pnlPct, exitReason: f.exitReason,
      });
      const sameDay = entryAt !== null && etDate(entryAt) === etDate(f.exitAt);
      await addToDailyStats(trx, etDate(f.exitAt), { realizedPnl: f.pnl, tradeCount: 1, roundTripCount: sameDay ? 1 : 0 }, now);
      return;
    }
    case 'missing_at_broker':
      return update(f.tradeId, { status: 'missed', exitReason: 'reconciled_missing_on_startup', exitAt: now, notes: withNote(trades.get(f.tradeId)?.notes ?? null, f.note) });
    case 'imported_broker_position': {
      const shares = f.shares.abs();
      await insertTrade(trx, {
        symbol: f.symbol, side: f.shares.isNegative() ? 'sell' : 'buy', status: 'open', shares, entryPrice: f.avgEntryPrice,
        notional: shares.times(f.avgEntryPrice), peakPrice: f.avgEntryPrice, catalystType: 'unknown', entryAt: now,
        notes: 'imported from a broker position by reconciliation',
      }, now);
      return;
    }
    case 'quantity_mismatch': {
      const entry = trades.get(f.tradeId)?.entryPrice ?? null;
      return update(f.tradeId, { shares: f.brokerShares, notional: entry ? entry.times(f.brokerShares) : null });
    }
    case 'pending_entry_filled':
      return update(f.tradeId, {
        status: 'open', shares: f.shares, entryPrice: f.entryPrice, entryOrderId: f.orderId, entryAt: f.entryAt,
        notional: f.shares.times(f.entryPrice), peakPrice: f.entryPrice,
      });
    case 'pending_entry_working':
      return update(f.tradeId, { entryOrderId: f.orderId });
    case 'pending_entry_cancelled':
      return update(f.tradeId, { status: 'cancelled', entryOrderId: f.orderId, notes: withNote(trades.get(f.tradeId)?.notes ?? null, `entry order ${f.status} at the broker with nothing filled`) });
    case 'pending_entry_not_found':
      return update(f.tradeId, { status: 'cancelled', notes: withNote(trades.get(f.tradeId)?.notes ?? null, 'entry order not found at the broker (never landed)') });
    case 'unowned_open_order':
      return;
  }
}

export async function applyFindings(trx: DbOrTrx, findings: readonly ReconcileFinding[], live: readonly Trade[], now: number): Promise<void> {
  const trades = new Map(live.map((t) => [t.id, t]));
  for (const f of findings) {
    await applyToTrades(trx, f, trades, now);
    const reportOnly = f.kind === 'unowned_open_order' || f.kind === 'imported_broker_position';
    await appendJournal(trx, {
      kind: reportOnly ? 'warning' : 'reconciliation_correction', cause: CAUSE,
      subject: 'tradeId' in f ? f.tradeId : f.symbol, message: describeFinding(f), data: { finding: f },
    }, now);
  }
}
