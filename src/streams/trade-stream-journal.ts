/**
 * Journals what the broker's trade_updates stream says, in arrival order: every trade update,
 * every order Keel must refresh by REST, and every gap (disconnect, fatal) — the audit trail an
 * operator reads after an incident. A journal write that fails is reported, never silently lost,
 * and never stops the stream.
 */
import { concatMap, from, type Observable, type Subscription } from 'rxjs';
import type { JournalInput } from '../domain/journal.js';
import type { TradeStreamEvent } from '../ports/trade-stream.port.js';

export function toJournalEntry(event: TradeStreamEvent): JournalInput | null {
  switch (event.type) {
    case 'trade_update': {
      const { update } = event;
      const o = update.order;
      return {
        kind: 'trade_update', cause: 'broker', subject: o.id,
        message: `${update.event} ${o.side} ${o.symbol} (${o.clientOrderId}): filled ${o.filledQty.toFixed()}${update.price ? ` last ${update.qty?.toFixed()} @ ${update.price.toFixed()}` : ''}`,
        data: {
          event: update.eventRaw, orderId: o.id, clientOrderId: o.clientOrderId, symbol: o.symbol, status: o.statusRaw,
          executionId: update.executionId, price: update.price?.toFixed() ?? null, qty: update.qty?.toFixed() ?? null,
          positionQty: update.positionQty?.toFixed() ?? null, filledQty: o.filledQty.toFixed(),
          filledAvgPrice: o.filledAvgPrice?.toFixed() ?? null, timestamp: update.timestamp,
        },
      };
    }
    case 'refresh_order':
      return { kind: 'warning', cause: 'broker', subject: event.orderId, message: `trade stream: order must be refreshed by REST (${event.reason})`, data: { reason: event.reason } };
    case 'disconnected':
      return { kind: 'warning', cause: 'broker', message: `trade stream disconnected: ${event.reason}`, data: { retryInMs: event.retryInMs } };
    case 'fatal':
      return { kind: 'warning', cause: 'broker', message: `trade stream stopped: ${event.error}`, data: {} };
    case 'resync_failed':
      return { kind: 'warning', cause: 'broker', message: `trade stream catch-up failed: ${event.error}`, data: {} };
    default:
      return null;
  }
}

export function journalTradeStream(
  events$: Observable<TradeStreamEvent>,
  append: (entry: JournalInput) => Promise<unknown>,
  onError: (error: unknown, entry: JournalInput) => void,
): Subscription {
  return events$
    .pipe(
      concatMap((event) => {
        const entry = toJournalEntry(event);
        if (!entry) return from([]);
        return from(append(entry).catch((error: unknown) => onError(error, entry)));
      }),
    )
    .subscribe();
}
