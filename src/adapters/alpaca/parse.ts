/**
 * Pure Alpaca JSON → domain parsers (the contract other modules code against; the readers live
 * in ./parse/). Every parser throws ParseError listing EVERY problem found, each with its JSON
 * path; unknown fields are ignored; removed fields (PDT) are never required; decimals stay exact
 * (Decimal from strings or numbers). The stream parsers never throw for one bad message element.
 */
import type { Account, CalendarDay, FillActivity, MarketClock, Position } from '../../domain/account.js';
import type { Order } from '../../domain/order.js';
import type { Bar, Quote, Snapshot, Trade } from '../../domain/market-data.js';
import { FieldReader, throwIfProblems, type Problems } from './parse/field-reader.js';
import { readOrder } from './parse/order.parse.js';
import { readAccount, readCalendarDay, readClock, readFillActivity, readPosition } from './parse/account.parse.js';
import { parseErrorText, readCancelOrderElement, readClosePositionElement, readList } from './parse/bulk.parse.js';
import { readBar, readBarsPage, readKeyed, readQuote, readSnapshot, readTrade } from './parse/market-data.parse.js';

export type { TradeStreamMessage, DataStreamMessage } from './parse/stream-messages.types.js';
export { parseTradeStreamMessage } from './parse/trade-stream.parse.js';
export { parseDataStreamFrame } from './parse/data-stream.parse.js';

/** Runs a reader, then throws if it recorded any problem. */
function run<T>(what: string, json: unknown, read: (problems: Problems) => T): T {
  const problems: Problems = [];
  const value = read(problems);
  throwIfProblems(what, problems, json);
  return value as T;
}

export function parseOrder(json: unknown): Order {
  return run('order', json, (p) => readOrder(json, 'order', p));
}
export function parseOrders(json: unknown): Order[] {
  return run('orders', json, (p) => readList(json, 'orders', p, readOrder));
}
export function parseAccount(json: unknown): Account {
  return run('account', json, (p) => readAccount(json, 'account', p)) as Account;
}
export function parsePosition(json: unknown): Position {
  return run('position', json, (p) => readPosition(json, 'position', p)) as Position;
}
export function parsePositions(json: unknown): Position[] {
  return run('positions', json, (p) => readList(json, 'positions', p, readPosition));
}
export function parseClock(json: unknown): MarketClock {
  return run('clock', json, (p) => readClock(json, 'clock', p)) as MarketClock;
}
export function parseCalendar(json: unknown): CalendarDay[] {
  return run('calendar', json, (p) => readList(json, 'calendar', p, readCalendarDay));
}
export function parseFillActivities(json: unknown): FillActivity[] {
  return run('fill activities', json, (p) => readList(json, 'activities', p, readFillActivity));
}
/** 207 body of DELETE /v2/positions */
export function parseCloseAllPositions(json: unknown): Array<{ symbol: string; status: number; order: Order | null; error: { code: number | null; message: string; body: unknown } | null }> {
  return run('close-all-positions response', json, (p) => readList(json, 'positions', p, readClosePositionElement));
}
/** 207 body of DELETE /v2/orders */
export function parseCancelAllOrders(json: unknown): Array<{ orderId: string; status: number; error: { code: number | null; message: string; body: unknown } | null }> {
  return run('cancel-all-orders response', json, (p) => readList(json, 'orders', p, readCancelOrderElement));
}
/** Alpaca error body: {code?, message, ...context}; tolerant of bare text (never throws) */
export function parseErrorBody(text: string): { code: number | null; message: string; body: unknown } {
  return parseErrorText(text);
}

export function parseTrade(symbol: string, json: unknown): Trade {
  return run('trade', json, (p) => readTrade(symbol, json, 'trade', p)) as Trade;
}
export function parseQuote(symbol: string, json: unknown): Quote {
  return run('quote', json, (p) => readQuote(symbol, json, 'quote', p)) as Quote;
}
export function parseBar(symbol: string, json: unknown): Bar {
  return run('bar', json, (p) => readBar(symbol, json, 'bar', p)) as Bar;
}
/** GET /v2/stocks/snapshots (object keyed by symbol) */
export function parseSnapshots(json: unknown): Record<string, Snapshot> {
  return run('snapshots', json, (p) => readKeyed(json, '', p, (sym, v, path, pr) => readSnapshot(sym, v, path, pr)));
}
/** GET /v2/stocks/{symbol}/snapshot */
export function parseSnapshot(json: unknown): Snapshot {
  return run('snapshot', json, (p) => {
    const symbol = FieldReader.of(json, 'snapshot', p)?.string('symbol') ?? '';
    return readSnapshot(symbol, json, 'snapshot', p);
  }) as Snapshot;
}
/** GET /v2/stocks/trades/latest → {trades:{SYM:trade}} */
export function parseLatestTrades(json: unknown): Record<string, Trade> {
  return run('latest trades', json, (p) => {
    const r = FieldReader.of(json, '', p);
    return r ? readKeyed(r.raw('trades'), 'trades', p, readTrade) : {};
  });
}
/** GET /v2/stocks/bars (multi) or /v2/stocks/{symbol}/bars (single) */
export function parseBarsPage(json: unknown): { bars: Record<string, Bar[]>; nextPageToken: string | null } {
  return run('bars page', json, (p) => readBarsPage(json, p));
}
