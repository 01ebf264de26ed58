/**
 * CONTRACT between the simulated exchange's core (engine: orders, account, positions, market,
 * calendar — no I/O) and its transport (Hono REST + ws streams). The engine returns domain
 * objects or Alpaca-shaped errors; the transport serialises with ../alpaca/serialize.ts.
 */
import type { Observable } from 'rxjs';
import type { Account, CalendarDay, FillActivity, MarketClock, Position } from '../../domain/account.js';
import type { Order } from '../../domain/order.js';
import type { TradeUpdate } from '../../domain/trade-update.js';
import type { Bar, Quote, Snapshot, Trade } from '../../domain/market-data.js';

/** Alpaca error body, e.g. {code: 40310000, message: 'insufficient buying power', buying_power: '12.00'} */
export interface SimErrorBody {
  code?: number;
  message: string;
  [context: string]: unknown;
}

export type SimResult<T> =
  | { ok: true; value: T }
  | { ok: false; status: number; body: SimErrorBody };

/** Loosely-typed query of GET /v2/orders, as strings from the URL; the engine validates. */
export interface SimListOrdersQuery {
  status?: string;
  limit?: string;
  after?: string;
  until?: string;
  direction?: string;
  nested?: string;
  symbols?: string;
  side?: string;
}

export interface SimActivitiesQuery {
  after?: string;
  until?: string;
  direction?: string;
  page_size?: string;
  page_token?: string;
  date?: string;
}

/** Order-level faults, scripted by tests (transport faults live in the transport). */
export interface SimOrderFaults {
  /** the next submitted order gets this HTTP rejection instead of being accepted */
  rejectNextOrder(rejection?: { status?: number; code?: number; message?: string }): void;
  /** the next accepted order is later rejected on the stream (event 'rejected') */
  rejectNextOrderAsync(): void;
  /** the next N orders (default 1) fill in `slices` partial fills before the final fill */
  partialFills(slices: number, orders?: number): void;
  /** orders stay at 'new' without filling until released (e.g. to test cancels) */
  holdFills(hold: boolean): void;
  /** while on, a stop or stop-limit order for a fractional quantity is refused 422 (as Alpaca did
   *  before it took fractional stops, and may still for some assets): Keel's whole-share fallback */
  refuseFractionalStops(on: boolean): void;
  /** while on, every PATCH /v2/orders/{id} is refused 422 (an order Alpaca will not replace now):
   *  Keel's fallback, the cancel acknowledged and then a new order */
  refuseReplaces(on: boolean): void;
  clear(): void;
}

export interface SimMarketControl {
  /** set the price of a symbol now (also emits a trade + quote on the data stream) */
  setPrice(symbol: string, price: number): void;
  price(symbol: string): number | null;
  symbols(): string[];
  /** with a bar tape: the time of the symbol's next price after t; null without one or after its last */
  nextPointAfter(symbol: string, t: number): number | null;
}

export interface SimExchangeCore {
  // --- trading REST ------------------------------------------------------------------------
  account(): Account;
  marketClock(): MarketClock;
  /** YYYY-MM-DD inclusive; trading days only */
  calendar(start: string, end: string): SimResult<CalendarDay[]>;
  positions(): Position[];
  /** 404 {code:40410000, message:'position does not exist'} when flat */
  position(symbolOrAssetId: string): SimResult<Position>;
  /** DELETE /v2/positions/{symbol}?qty|percentage */
  closePosition(symbolOrAssetId: string, opts: { qty?: string; percentage?: string }): SimResult<Order>;
  /** DELETE /v2/positions → 207 elements */
  closeAllPositions(cancelOrders: boolean): Array<{ symbol: string; status: number; body: Order | SimErrorBody }>;
  /** POST /v2/orders with the decoded JSON body (numbers as strings or numbers, nulls = absent) */
  submitOrder(body: unknown): SimResult<Order>;
  getOrder(orderId: string): SimResult<Order>;
  getOrderByClientOrderId(clientOrderId: string): SimResult<Order>;
  listOrders(query: SimListOrdersQuery): SimResult<Order[]>;
  /** PATCH /v2/orders/{id} with the decoded JSON body: the replacing order (order-replace.ts) */
  replaceOrder(orderId: string, body: unknown): SimResult<Order>;
  /** 204 on success; 404 unknown; 422 not cancelable */
  cancelOrder(orderId: string): SimResult<void>;
  /** DELETE /v2/orders → 207 elements */
  cancelAllOrders(): Array<{ id: string; status: number; body?: SimErrorBody }>;
  fillActivities(query: SimActivitiesQuery): SimResult<FillActivity[]>;

  // --- market data -------------------------------------------------------------------------
  latestTrade(symbol: string): Trade | null;
  latestQuote(symbol: string): Quote | null;
  snapshot(symbol: string): Snapshot | null;
  /** bars of the generated history; the transport pages them */
  bars(symbol: string, timeframe: string, start: number, end: number): SimResult<Bar[]>;

  // --- events ------------------------------------------------------------------------------
  /** every order event, in order (the transport frames them for /stream) */
  readonly tradeUpdates$: Observable<TradeUpdate>;
  /** live market events for the data stream */
  readonly marketEvents$: Observable<
    { T: 't'; trade: Trade } | { T: 'q'; quote: Quote } | { T: 'b'; bar: Bar }
  >;

  // --- driving -----------------------------------------------------------------------------
  /** advance the engine to the clock's current time: price steps, fills, expiries */
  sync(): void;
  /** the symbols of the orders still working (a replay visits their prices) */
  openOrderSymbols(): string[];
  readonly faults: SimOrderFaults;
  readonly market: SimMarketControl;
}
