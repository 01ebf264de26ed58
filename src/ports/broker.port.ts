/**
 * The broker port: everything Keel asks of Alpaca's Trading REST API.
 * Implementations: src/adapters/alpaca/alpaca-broker.ts (real wire protocol, also used against
 * the simulated exchange). Errors are BrokerError (classified); 404s that mean "nothing there"
 * are returned as null, not thrown.
 */
import type { Account, CalendarDay, FillActivity, FillActivityQuery, MarketClock, Position } from '../domain/account.js';
import type { BrokerError } from '../domain/broker-error.js';
import type { Decimal } from '../domain/money.js';
import type { ListOrdersQuery, Order, OrderReplace, OrderRequest } from '../domain/order.js';

export type TradingMode = 'paper' | 'live';

/**
 * The outcome of an order submission. 'unknown' means the POST may or may not have landed and a
 * client_order_id lookup could not settle it: the order must stay in flight until the broker answers.
 */
export type SubmitOutcome =
  | { kind: 'accepted'; order: Order; /** true when found by client_order_id after an ambiguous POST */ recovered: boolean }
  | { kind: 'rejected'; error: BrokerError }
  | { kind: 'unknown'; clientOrderId: string; error: BrokerError };

export interface ClosePositionResult {
  symbol: string;
  status: number;
  order: Order | null;
  error: { code: number | null; message: string; body: unknown } | null;
}

export interface CancelOrderResult {
  orderId: string;
  status: number;
  error: { code: number | null; message: string; body: unknown } | null;
}

export interface BrokerPort {
  readonly mode: TradingMode;
  /** epoch ms until which requests wait for the broker's rate-limit window; null (or absent) when none waits */
  rateLimitedUntil?(): number | null;
  getAccount(): Promise<Account>;
  getClock(): Promise<MarketClock>;
  /** inclusive YYYY-MM-DD bounds */
  getCalendar(range: { start: string; end: string }): Promise<CalendarDay[]>;
  listPositions(): Promise<Position[]>;
  /** null when flat (Alpaca 404 40410000) */
  getPosition(symbol: string): Promise<Position | null>;
  closePosition(symbol: string, opts?: { qty?: Decimal; percentage?: Decimal }): Promise<Order>;
  /** 207: every element inspected */
  closeAllPositions(opts: { cancelOrders: boolean }): Promise<ClosePositionResult[]>;
  /** never blindly retried; ambiguity resolved by client_order_id */
  submitOrder(request: OrderRequest): Promise<SubmitOutcome>;
  /** PATCH: a new order in the old one's place (the old ends `replaced`); never resent, an
   *  ambiguous answer settled by the replacement's client_order_id, as a submission's */
  replaceOrder(orderId: string, replace: OrderReplace): Promise<SubmitOutcome>;
  /** null when unknown (404) */
  getOrder(orderId: string): Promise<Order | null>;
  /** null when unknown (404) */
  getOrderByClientOrderId(clientOrderId: string): Promise<Order | null>;
  /** one page (max 500) */
  listOrders(query: ListOrdersQuery): Promise<Order[]>;
  /** all pages, paging by submission time (there is no page token) */
  listAllOrders(query: Omit<ListOrdersQuery, 'limit' | 'direction'>): Promise<Order[]>;
  /** a cancel *request*; the final state arrives on the stream */
  cancelOrder(orderId: string): Promise<void>;
  /** 207: every element inspected */
  cancelAllOrders(): Promise<CancelOrderResult[]>;
  /** all pages (page_token) */
  listFillActivities(query: FillActivityQuery): Promise<FillActivity[]>;
}
