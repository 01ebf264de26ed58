/**
 * BrokerPort over Alpaca's Trading REST API (docs/alpaca.md §2–§3). Every payload goes through
 * parse.ts; every failure is a classified BrokerError.
 * Invariants:
 *  - "nothing there" 404s (position, order) are null, never errors;
 *  - POST /v2/orders and liquidations are never retried blindly (submit-order.ts resolves
 *    ambiguity by client_order_id);
 *  - paged listings return each item once, and stop with an error rather than loop forever.
 */
import { noMetrics, type MetricsPort } from '../../ports/metrics.port.js';
import type { CalendarDay, FillActivity, FillActivityQuery } from '../../domain/account.js';
import { BrokerError } from '../../domain/broker-error.js';
import { toWire, type Decimal } from '../../domain/money.js';
import type { ListOrdersQuery, Order, OrderReplace, OrderRequest } from '../../domain/order.js';
import { toIso } from '../../domain/time.js';
import type { BrokerPort, ClosePositionResult, CancelOrderResult, SubmitOutcome, TradingMode } from '../../ports/broker.port.js';
import type { AlpacaHttpClient, HttpRequest, QueryValue } from './http-client.js';
import * as parse from './parse.js';
import { replaceWithRecovery, submitWithRecovery, type SubmitOptions } from './submit-order.js';
import { errorText } from '../../lib/error-text.js';

const ORDERS_PAGE = 500;
const FILLS_PAGE = 100;
const MAX_PAGES = 1_000;

export interface AlpacaBrokerOptions {
  mode: TradingMode;
  http: AlpacaHttpClient;
  submit?: Partial<SubmitOptions>;
  /** orders sent and orders the broker refused (default: none) */
  metrics?: Pick<MetricsPort, 'orderSubmitted' | 'orderRejected'>;
}

export class AlpacaBroker implements BrokerPort {
  readonly mode: TradingMode;
  private readonly http: AlpacaHttpClient;
  private readonly submitOptions: SubmitOptions;
  private readonly metrics: Pick<MetricsPort, 'orderSubmitted' | 'orderRejected'>;

  constructor(options: AlpacaBrokerOptions) {
    this.mode = options.mode;
    this.http = options.http;
    this.submitOptions = { maxResubmits: 2, ...options.submit };
    this.metrics = options.metrics ?? noMetrics;
  }

  rateLimitedUntil(): number | null { return this.http.rateLimitedUntil(); }

  getAccount() { return this.get('/v2/account', parse.parseAccount); }
  getClock() { return this.get('/v2/clock', parse.parseClock); }

  getCalendar(range: { start: string; end: string }): Promise<CalendarDay[]> {
    return this.get('/v2/calendar', parse.parseCalendar, { start: range.start, end: range.end });
  }

  listPositions() { return this.get('/v2/positions', parse.parsePositions); }

  getPosition(symbol: string) {
    return this.getOrNull(`/v2/positions/${encodeURIComponent(symbol)}`, parse.parsePosition);
  }

  async closePosition(symbol: string, opts: { qty?: Decimal; percentage?: Decimal } = {}): Promise<Order> {
    const query = { qty: opts.qty && toWire(opts.qty), percentage: opts.percentage && toWire(opts.percentage) };
    const res = await this.http.request({ method: 'DELETE', path: `/v2/positions/${encodeURIComponent(symbol)}`, query, retry: 'never' });
    return this.parsed('DELETE /v2/positions/{symbol}', res.body, parse.parseOrder);
  }

  async closeAllPositions(opts: { cancelOrders: boolean }): Promise<ClosePositionResult[]> {
    const res = await this.http.request({ method: 'DELETE', path: '/v2/positions', query: { cancel_orders: opts.cancelOrders }, retry: 'never' });
    return this.parsed('DELETE /v2/positions', res.body ?? [], parse.parseCloseAllPositions);
  }

  /** every order Keel sends (entries, exits, the kill switch's) passes here: counted by side, and
   *  a refusal by its error category (a closed set, never the broker's free text) */
  async submitOrder(request: OrderRequest): Promise<SubmitOutcome> {
    this.metrics.orderSubmitted(request.side);
    const outcome = await submitWithRecovery(this.http, request, (id) => this.getOrderByClientOrderId(id), this.submitOptions);
    if (outcome.kind === 'rejected') this.metrics.orderRejected(outcome.error.category);
    return outcome;
  }

  /** a replacement, counted as an order sent (a refusal by its category, as a submission's) */
  async replaceOrder(orderId: string, replace: OrderReplace): Promise<SubmitOutcome> {
    const outcome = await replaceWithRecovery(this.http, orderId, replace, (id) => this.getOrderByClientOrderId(id));
    if (outcome.kind === 'rejected') this.metrics.orderRejected(outcome.error.category);
    return outcome;
  }

  getOrder(orderId: string) {
    return this.getOrNull(`/v2/orders/${encodeURIComponent(orderId)}`, parse.parseOrder, { nested: true });
  }

  getOrderByClientOrderId(clientOrderId: string) {
    return this.getOrNull('/v2/orders:by_client_order_id', parse.parseOrder, { client_order_id: clientOrderId, nested: true });
  }

  listOrders(query: ListOrdersQuery): Promise<Order[]> {
    return this.get('/v2/orders', parse.parseOrders, ordersQuery(query));
  }

  /**
   * Pages forward by submission time. `after` is exclusive and Keel's timestamps are whole
   * milliseconds while Alpaca's are nanoseconds, so the next page starts 1 ms before the last
   * order seen and duplicates are dropped by id; a full page with nothing new (more than 500
   * orders inside one millisecond) cannot make progress and is reported, not looped on.
   */
  async listAllOrders(query: Omit<ListOrdersQuery, 'limit' | 'direction'>): Promise<Order[]> {
    const seen = new Map<string, Order>();
    let after = query.after;
    for (let page = 0; page < MAX_PAGES; page++) {
      const orders = await this.listOrders({ ...query, after, limit: ORDERS_PAGE, direction: 'asc' });
      let added = 0;
      for (const order of orders) {
        if (!seen.has(order.id)) { seen.set(order.id, order); added++; }
      }
      if (orders.length < ORDERS_PAGE) return [...seen.values()];
      if (added === 0) throw pagingError('GET /v2/orders', 'a full page of orders shares one submission millisecond');
      const last = Math.max(...orders.map((o) => o.submittedAt ?? o.createdAt));
      after = last - 1;
    }
    throw pagingError('GET /v2/orders', `more than ${MAX_PAGES} pages`);
  }

  async cancelOrder(orderId: string): Promise<void> {
    // cancelling twice is harmless, so transport failures are retried like a read
    await this.http.request({ method: 'DELETE', path: `/v2/orders/${encodeURIComponent(orderId)}`, retry: 'safe' });
  }

  async cancelAllOrders(): Promise<CancelOrderResult[]> {
    const res = await this.http.request({ method: 'DELETE', path: '/v2/orders', retry: 'safe' });
    return this.parsed('DELETE /v2/orders', res.body ?? [], parse.parseCancelAllOrders);
  }

  /** pages with page_token = id of the last item; guards against a token that does not advance */
  async listFillActivities(query: FillActivityQuery): Promise<FillActivity[]> {
    const pageSize = query.pageSize ?? FILLS_PAGE;
    const seen = new Map<string, FillActivity>();
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const fills = await this.get('/v2/account/activities/FILL', parse.parseFillActivities, {
        after: iso(query.after), until: iso(query.until), direction: query.direction, page_size: pageSize, page_token: pageToken,
      });
      let added = 0;
      for (const fill of fills) {
        if (!seen.has(fill.id)) { seen.set(fill.id, fill); added++; }
      }
      const last = fills[fills.length - 1];
      if (fills.length < pageSize || !last) return [...seen.values()];
      if (added === 0) throw pagingError('GET /v2/account/activities/FILL', 'page_token did not advance');
      pageToken = last.id;
    }
    throw pagingError('GET /v2/account/activities/FILL', `more than ${MAX_PAGES} pages`);
  }

  private async get<T>(path: string, parser: (json: unknown) => T, query?: Record<string, QueryValue>): Promise<T> {
    const req: HttpRequest = { method: 'GET', path, query, retry: 'safe' };
    const res = await this.http.request(req);
    return this.parsed(`GET ${path}`, res.body, parser);
  }

  private async getOrNull<T>(path: string, parser: (json: unknown) => T, query?: Record<string, QueryValue>): Promise<T | null> {
    try {
      return await this.get(path, parser, query);
    } catch (error) {
      if (error instanceof BrokerError && error.category === 'not_found') return null;
      throw error;
    }
  }

  /** a payload that breaks the protocol is a classified failure, not a crash */
  private parsed<T>(operation: string, body: unknown, parser: (json: unknown) => T): T {
    try {
      return parser(body);
    } catch (error) {
      throw new BrokerError({ category: 'invalid_response', operation, message: errorText(error), body });
    }
  }
}

function ordersQuery(q: ListOrdersQuery): Record<string, QueryValue> {
  return {
    status: q.status, limit: q.limit, after: iso(q.after), until: iso(q.until), direction: q.direction,
    nested: q.nested, symbols: q.symbols && q.symbols.length > 0 ? q.symbols.join(',') : undefined, side: q.side,
  };
}

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : toIso(ms);
}

function pagingError(operation: string, message: string): BrokerError {
  return new BrokerError({ category: 'invalid_response', operation, message: `paging stopped: ${message}` });
}
