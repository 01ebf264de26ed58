/**
 * What a pending entry's broker order says about the trade.
 * Invariants: a fill is never invented — only filled_qty > 0 opens the trade, at the broker's
 * filled_avg_price; a working order keeps the trade pending (its later fills arrive on the stream);
 * an ended order with nothing filled cancels it; an unknown client order id means it never landed.
 */
import type { ReconcileFinding } from '../../domain/reconciliation.js';
import { isTerminalStatus, type Order } from '../../domain/order.js';
import type { Trade } from '../../domain/trade.js';

export function pendingEntryFinding(trade: Trade, order: Order | null): ReconcileFinding | null {
  const base = { tradeId: trade.id, symbol: trade.symbol };
  if (order === null) return { kind: 'pending_entry_not_found', ...base, clientOrderId: trade.entryClientOrderId };
  if (!isTerminalStatus(order.status)) {
    // already attached: nothing to correct (keeps a second run a no-op)
    return trade.entryOrderId === order.id ? null : { kind: 'pending_entry_working', ...base, orderId: order.id, status: order.statusRaw };
  }
  if (order.filledQty.gt(0) && order.filledAvgPrice !== null) {
    return {
      kind: 'pending_entry_filled', ...base, orderId: order.id, shares: order.filledQty, entryPrice: order.filledAvgPrice,
      entryAt: order.filledAt ?? order.updatedAt ?? order.createdAt,
    };
  }
  return { kind: 'pending_entry_cancelled', ...base, orderId: order.id, status: order.statusRaw };
}
