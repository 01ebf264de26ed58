/**
 * Domain → Alpaca wire JSON (the contract; implementations in ./serialize/).
 * Used by the adapter (request bodies) and by the simulated exchange (responses, stream frames),
 * so both sides speak the one protocol. Outputs are checked against the official OpenAPI schema
 * (tests/unit/request-schema.test.ts) and round-trip through ./parse.ts.
 */
import type { TradeUpdate } from '../../domain/trade-update.js';
import { decOrNull, timeOrNull, withoutNulls } from './serialize/wire-values.js';
import { orderToWire } from './serialize/order.serialize.js';

export { toOrderRequestBody, toReplaceRequestBody, orderToWire } from './serialize/order.serialize.js';
export {
  accountToWire, positionToWire, clockToWire, calendarDayToWire, fillActivityToWire,
} from './serialize/account.serialize.js';
export {
  tradeToWire, quoteToWire, barToWire, snapshotToWire,
  tradeToStreamMessage, quoteToStreamMessage, barToStreamMessage,
} from './serialize/market-data.serialize.js';

/**
 * {stream:'trade_updates', data:{event, order, timestamp?, execution_id?, price?, qty?, position_qty?,
 * event_id?, at?}} — optional keys only when set (fills carry execution_id/price/qty/position_qty
 * as decimal strings); an unknown event is written back under its raw name.
 */
export function tradeUpdateToWire(update: TradeUpdate): Record<string, unknown> {
  const data = withoutNulls({
    event: update.event === 'unknown' ? update.eventRaw : update.event,
    order: orderToWire(update.order),
    timestamp: timeOrNull(update.timestamp),
    execution_id: update.executionId,
    price: decOrNull(update.price),
    qty: decOrNull(update.qty),
    position_qty: decOrNull(update.positionQty),
    event_id: update.eventId,
    at: timeOrNull(update.at),
  });
  return { stream: 'trade_updates', data };
}
