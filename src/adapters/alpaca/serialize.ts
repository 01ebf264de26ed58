/**
 * CONTRACT STUB (filled by the parse work): domain → Alpaca wire JSON.
 * Used by the adapter (request bodies) and by the simulated exchange (responses, stream frames),
 * so both sides speak the one protocol. Outputs are checked against the official OpenAPI schema.
 */
import type { Account, CalendarDay, FillActivity, MarketClock, Position } from '../../domain/account.js';
import type { Order, OrderRequest } from '../../domain/order.js';
import type { TradeUpdate } from '../../domain/trade-update.js';
import type { Bar, Quote, Snapshot, Trade } from '../../domain/market-data.js';

const todo = (): never => { throw new Error('not implemented yet'); };

/** POST /v2/orders body; decimals as strings, absent fields omitted */
export function toOrderRequestBody(_req: OrderRequest): Record<string, unknown> { return todo(); }
/** every Order key present, null where not applicable (as Alpaca does) */
export function orderToWire(_order: Order): Record<string, unknown> { return todo(); }
export function accountToWire(_account: Account): Record<string, unknown> { return todo(); }
export function positionToWire(_position: Position): Record<string, unknown> { return todo(); }
/** clock timestamps rendered with the America/New_York offset (-04:00 / -05:00) */
export function clockToWire(_clock: MarketClock): Record<string, unknown> { return todo(); }
export function calendarDayToWire(_day: CalendarDay): Record<string, unknown> { return todo(); }
export function fillActivityToWire(_fill: FillActivity): Record<string, unknown> { return todo(); }
/** {stream:'trade_updates', data:{event, order, timestamp, execution_id?, price?, qty?, position_qty?, event_id?, at?}} */
export function tradeUpdateToWire(_update: TradeUpdate): Record<string, unknown> { return todo(); }
/** market data objects, WITHOUT the symbol key (REST form) */
export function tradeToWire(_trade: Trade): Record<string, unknown> { return todo(); }
export function quoteToWire(_quote: Quote): Record<string, unknown> { return todo(); }
export function barToWire(_bar: Bar): Record<string, unknown> { return todo(); }
export function snapshotToWire(_snapshot: Snapshot): Record<string, unknown> { return todo(); }
/** stream form: {T:'t', S:symbol, ...} etc. */
export function tradeToStreamMessage(_trade: Trade): Record<string, unknown> { return todo(); }
export function quoteToStreamMessage(_quote: Quote): Record<string, unknown> { return todo(); }
export function barToStreamMessage(_bar: Bar, _kind: 'b' | 'u' | 'd'): Record<string, unknown> { return todo(); }
