/**
 * CONTRACT STUB (filled by the parse work): pure Alpaca JSON → domain parsers.
 * Every parser throws ParseError listing EVERY problem found; unknown fields are ignored;
 * removed fields (PDT) are never required; decimals stay exact (Decimal from strings or numbers).
 */
import type { Account, CalendarDay, FillActivity, MarketClock, Position } from '../../domain/account.js';
import type { Order } from '../../domain/order.js';
import type { TradeUpdate } from '../../domain/trade-update.js';
import type { Bar, Quote, Snapshot, StreamSubscription, Trade } from '../../domain/market-data.js';

const todo = (): never => { throw new Error('not implemented yet'); };

export function parseOrder(_json: unknown): Order { return todo(); }
export function parseOrders(_json: unknown): Order[] { return todo(); }
export function parseAccount(_json: unknown): Account { return todo(); }
export function parsePosition(_json: unknown): Position { return todo(); }
export function parsePositions(_json: unknown): Position[] { return todo(); }
export function parseClock(_json: unknown): MarketClock { return todo(); }
export function parseCalendar(_json: unknown): CalendarDay[] { return todo(); }
export function parseFillActivities(_json: unknown): FillActivity[] { return todo(); }
/** 207 body of DELETE /v2/positions */
export function parseCloseAllPositions(_json: unknown): Array<{ symbol: string; status: number; order: Order | null; error: { code: number | null; message: string; body: unknown } | null }> { return todo(); }
/** 207 body of DELETE /v2/orders */
export function parseCancelAllOrders(_json: unknown): Array<{ orderId: string; status: number; error: { code: number | null; message: string; body: unknown } | null }> { return todo(); }
/** Alpaca error body: {code?, message, ...context}; tolerant of bare text */
export function parseErrorBody(_text: string): { code: number | null; message: string; body: unknown } { return todo(); }

/** One trade-stream message (text or binary frame already decoded to a JS value). */
export type TradeStreamMessage =
  | { kind: 'authorization'; status: 'authorized' | 'unauthorized'; action: string; message: string | null }
  | { kind: 'listening'; streams: string[] }
  | { kind: 'trade_update'; update: TradeUpdate }
  /** trade_updates payload with an unknown event or an order that could not be parsed */
  | { kind: 'trade_update_unparsed'; orderId: string | null; event: string | null; problems: string[]; raw: unknown }
  | { kind: 'error'; message: string }
  | { kind: 'other'; raw: unknown };
export function parseTradeStreamMessage(_json: unknown): TradeStreamMessage { return todo(); }

export function parseTrade(_symbol: string, _json: unknown): Trade { return todo(); }
export function parseQuote(_symbol: string, _json: unknown): Quote { return todo(); }
export function parseBar(_symbol: string, _json: unknown): Bar { return todo(); }
/** GET /v2/stocks/snapshots (object keyed by symbol) */
export function parseSnapshots(_json: unknown): Record<string, Snapshot> { return todo(); }
/** GET /v2/stocks/{symbol}/snapshot */
export function parseSnapshot(_json: unknown): Snapshot { return todo(); }
/** GET /v2/stocks/trades/latest → {trades:{SYM:trade}} */
export function parseLatestTrades(_json: unknown): Record<string, Trade> { return todo(); }
/** GET /v2/stocks/bars (multi) or /v2/stocks/{symbol}/bars (single) */
export function parseBarsPage(_json: unknown): { bars: Record<string, Bar[]>; nextPageToken: string | null } { return todo(); }

/** One message of a market-data stream frame (frames are arrays of these). */
export type DataStreamMessage =
  | { T: 'success'; msg: string }
  | { T: 'error'; code: number; msg: string }
  | { T: 'subscription'; subscription: StreamSubscription & Record<string, string[]> }
  | { T: 't'; trade: Trade }
  | { T: 'q'; quote: Quote }
  | { T: 'b' | 'u' | 'd'; bar: Bar }
  | { T: 's'; symbol: string; statusCode: string; statusMessage: string; t: number }
  | { T: 'other'; raw: unknown };
/** one frame (a JSON array); malformed elements come back as T:'other' rather than failing the frame */
export function parseDataStreamFrame(_json: unknown): DataStreamMessage[] { return todo(); }
