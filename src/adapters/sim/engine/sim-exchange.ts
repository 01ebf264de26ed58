/**
 * createSimExchange: the in-memory simulated exchange behind the SimExchangeCore contract.
 * Pure engine driven by the injected Clock — no network, no timers: the transport (or a test)
 * calls sync() to bring prices, executions and expiries up to the clock's time.
 * Choices where docs/alpaca.md leaves room (documented for the transport and tests):
 *  - unknown symbol on submit → 422 {code:42210000, message:'invalid symbol'};
 *  - bracket/oco/oto/mleg → 422 40010001 (not simulated); qty+notional → 422 40010001;
 *  - cancels are immediate: DELETE returns 204 and 'canceled' is emitted at once (no pending_cancel);
 *  - pinnedOpen: is_open is always true, next_open/next_close still follow the NYSE calendar, and
 *    day orders never expire;
 *  - last_equity stays the starting cash (no end-of-day roll).
 */
import type { Account, MarketClock, Position } from '../../../domain/account.js';
import { Decimal, ZERO } from '../../../domain/money.js';
import type { Order } from '../../../domain/order.js';
import { addDays, etDate, isDateString } from '../../../domain/market-time.js';
import { parseTimestamp } from '../../../domain/time.js';
import {
  calendarDay, isExtendedSessionOpen, isRegularSessionOpen, marketClockAt, previousTradingDay, sessionTimes, tradingDays,
} from '../../../core/calendar/nyse-calendar.js';
import type { Clock } from '../../../ports/clock.port.js';
import type { SimErrorBody, SimExchangeCore, SimResult } from '../exchange.types.js';
import { DEFAULT_SYMBOL_PRICES } from '../market/default-symbols.js';
import { parseTimeframe } from '../market/bar-history.js';
import { SimMarket } from '../market/sim-market.js';
import type { ReplayBars } from '../market/bar-replay.js';
import type { BarTape } from '../market/bar-tape.js';
import { AccountBook } from './account-book.js';
import { selectActivities } from './activities.js';
import { SimFaults } from './faults.js';
import { assetIdOf, createIdSource, isUuid } from './ids.js';
import { parseOrderBody } from './order-body.js';
import { parseReplaceBody } from './order-replace.js';
import { checkOrderClass } from './order-classes.js';
import { OrderEngine } from './order-engine.js';
import { selectOrders } from './order-queries.js';
import { closeQty } from './close-position.js';
import { fail, invalid, notFound, ok, unprocessable } from './sim-errors.js';

export interface SimExchangeOptions {
  clock: Clock;
  seed?: number;
  /** symbol → base price; default AAPL, MSFT, TSLA, NVDA, AMD, SPY, FAKEPACA */
  symbols?: Readonly<Record<string, number>>;
  startingCash?: Decimal.Value;
  /** market treated as open regardless of the calendar (demos) */
  pinnedOpen?: boolean;
  priceStepMs?: number;
  /** recorded bars that replace the generated walk for their symbols (see market/bar-replay.ts) */
  replay?: ReplayBars;
  /** recorded bars as the whole market: its symbols, its prices (see market/bar-tape.ts) */
  tape?: BarTape;
  /** with a tape: the symbols whose prices are emitted on marketEvents$ (default: all) */
  marketInterest?: (symbol: string) => boolean;
}

/** how far back sync() looks for closes to expire day orders after a long pause */
const MAX_EXPIRY_LOOKBACK_DAYS = 400;

export function createSimExchange(opts: SimExchangeOptions): SimExchangeCore {
  const { clock } = opts;
  const seed = opts.seed ?? 1;
  const pinned = opts.pinnedOpen ?? false;
  const market = new SimMarket({
    seed, symbols: opts.symbols ?? DEFAULT_SYMBOL_PRICES, stepMs: opts.priceStepMs ?? 1000, pinnedOpen: pinned, now: () => clock.now(),
    ...(opts.replay ? { replay: opts.replay } : {}),
    ...(opts.tape ? { tape: opts.tape } : {}),
    ...(opts.marketInterest ? { interest: opts.marketInterest } : {}),
  });
  const book = new AccountBook(new Decimal(opts.startingCash ?? 100_000));
  const faults = new SimFaults();
  const ids = createIdSource(seed, 'sim-exchange');
  const accountId = createIdSource(seed, 'account').uuid();
  const createdAt = clock.now();
  const startingCash = book.cash;
  const canWork = (order: Order, t: number): boolean =>
    pinned || isRegularSessionOpen(t) || (order.extendedHours && isExtendedSessionOpen(t));
  const engine = new OrderEngine({ clock, ids, market, book, faults, canWork });
  let lastSync = clock.now();

  const symbolOf = (symbolOrAssetId: string): string | null => {
    const upper = symbolOrAssetId.toUpperCase();
    if (market.has(upper)) return upper;
    return market.symbols().find((s) => assetIdOf(s) === symbolOrAssetId.toLowerCase()) ?? null;
  };

  const priceDec = (symbol: string): Decimal => new Decimal(market.price(symbol) ?? 0);

  /** the previous session's close per symbol, memoised per ET date (the calendar walk is the costly part) */
  let closeDay = '';
  let previousSessionClose = 0;
  const closes = new Map<string, Decimal>();
  const previousClose = (symbol: string): Decimal => {
    const today = etDate(clock.now());
    if (today !== closeDay) {
      closeDay = today;
      previousSessionClose = sessionTimes(calendarDay(previousTradingDay(today))!).close;
      closes.clear();
    }
    let close = closes.get(symbol);
    if (!close) {
      close = new Decimal(market.priceAt(symbol, previousSessionClose) ?? 0);
      closes.set(symbol, close);
    }
    return close;
  };

  const positionOf = (symbol: string): Position | null => {
    const h = book.holding(symbol);
    if (!h) return null;
    const current = priceDec(symbol);
    const lastday = previousClose(symbol);
    const marketValue = h.qty.mul(current);
    const pl = marketValue.sub(h.cost);
    return {
      symbol, assetId: assetIdOf(symbol), assetClass: 'us_equity', exchange: 'NASDAQ', side: 'long', qty: h.qty,
      qtyAvailable: Decimal.max(ZERO, h.qty.sub(engine.heldForOrders(symbol))),
      avgEntryPrice: h.cost.div(h.qty).toDecimalPlaces(9), marketValue, costBasis: h.cost, unrealizedPl: pl,
      unrealizedPlpc: h.cost.isZero() ? ZERO : pl.div(h.cost).toDecimalPlaces(9), currentPrice: current,
      lastdayPrice: lastday, changeToday: lastday.isZero() ? ZERO : current.sub(lastday).div(lastday).toDecimalPlaces(9),
      // the sim keeps no opening date per holding: intraday P&L is reported as the whole unrealized P&L
      assetMarginable: true, unrealizedIntradayPl: pl, unrealizedIntradayPlpc: h.cost.isZero() ? ZERO : pl.div(h.cost).toDecimalPlaces(9),
    };
  };

  const positions = (): Position[] => book.symbols().map(positionOf).filter((p): p is Position => p !== null);

  const submitOrder = (body: unknown): SimResult<Order> => {
    const rejection = faults.takeRejection();
    if (rejection) return { ok: false, status: rejection.status, body: rejection.body };
    const parsed = parseOrderBody(body);
    if (!parsed.ok) return parsed;
    const refusal = faults.fractionalStopRefusal(parsed.value);
    if (refusal) return { ok: false, status: refusal.status, body: refusal.body };
    const symbol = symbolOf(parsed.value.symbol);
    if (!symbol) return unprocessable('invalid symbol');
    const classProblem = checkOrderClass(parsed.value, book.qtyOf(symbol), market.price(symbol));
    if (classProblem) return classProblem;
    return engine.submit({ ...parsed.value, symbol });
  };

  const orderById = (orderId: string): SimResult<Order> => {
    if (!isUuid(orderId)) return invalid('order_id is missing');
    const o = engine.find(orderId);
    return o ? ok(o) : notFound('order not found');
  };

  const replaceOrder = (orderId: string, body: unknown): SimResult<Order> => {
    if (!isUuid(orderId)) return invalid('order_id is missing');
    const refusal = faults.replaceRefusal();
    if (refusal) return { ok: false, status: refusal.status, body: refusal.body };
    const parsed = parseReplaceBody(body);
    if (!parsed.ok) return parsed;
    const r = engine.replace(orderId, parsed.value);
    return r === 'not_found' ? notFound('order not found') : r;
  };

  const cancelOrder = (orderId: string): SimResult<void> => {
    if (!isUuid(orderId)) return invalid('order_id is missing');
    const r = engine.cancel(orderId);
    if (r === 'not_found') return notFound('order not found');
    if (r === 'not_cancelable') return unprocessable('order is not cancelable');
    return r;
  };

  const closePosition = (symbolOrAssetId: string, q: { qty?: string; percentage?: string }): SimResult<Order> => {
    const symbol = symbolOf(symbolOrAssetId);
    const h = symbol ? book.holding(symbol) : null;
    if (!symbol || !h) return notFound('position does not exist');
    const qty = closeQty(h.qty, q);
    if (!qty.ok) return qty;
    return submitOrder({ symbol, side: 'sell', type: 'market', time_in_force: 'day', qty: qty.value.toFixed() });
  };

  const cancelAllOrders = (): Array<{ id: string; status: number; body?: SimErrorBody }> =>
    engine.openOrders().map((o) => {
      const r = cancelOrder(o.id);
      return r.ok ? { id: o.id, status: 200 } : { id: o.id, status: r.status, body: r.body };
    });

  const expireDayOrders = (from: number, to: number): void => {
    if (pinned) return;
    const firstDay = Math.max(from, to - MAX_EXPIRY_LOOKBACK_DAYS * 86_400_000);
    for (const day of tradingDays(etDate(firstDay), etDate(to))) {
      const s = sessionTimes(day);
      engine.expireDayOrders(s.close, s.extendedClose, from, to);
    }
  };

  return {
    account(): Account {
      // qty × last price per holding: the same figure as the positions' market values, without them
      const longMarketValue = book.symbols().reduce((sum, symbol) => sum.add(book.qtyOf(symbol).mul(priceDec(symbol))), ZERO);
      const equity = book.cash.add(longMarketValue);
      const bp = engine.buyingPower();
      return {
        id: accountId, accountNumber: 'PA1SIMULATED', status: 'ACTIVE', currency: 'USD', cash: book.cash,
        buyingPower: bp, regtBuyingPower: bp, nonMarginableBuyingPower: bp, equity, lastEquity: startingCash,
        longMarketValue, shortMarketValue: ZERO, portfolioValue: equity, initialMargin: ZERO, maintenanceMargin: ZERO,
        multiplier: new Decimal(1), tradingBlocked: false, accountBlocked: false, transfersBlocked: false,
        tradeSuspendedByUser: false, shortingEnabled: false, createdAt,
      };
    },
    marketClock(): MarketClock {
      const now = clock.now();
      const c = marketClockAt(now);
      return { timestamp: now, isOpen: pinned || c.isOpen, nextOpen: c.nextOpen, nextClose: c.nextClose };
    },
    calendar(start, end) {
      const s = toDate(start), e = toDate(end);
      if (!s) return invalid('failed to parse start');
      if (!e) return invalid('failed to parse end');
      // Alpaca covers 1970–2029; we bound the span so a typo cannot loop for centuries
      if (e > addDays(s, 366 * 10)) return invalid('date range too large');
      return ok(tradingDays(s, e));
    },
    positions,
    position(symbolOrAssetId) {
      const symbol = symbolOf(symbolOrAssetId);
      const p = symbol ? positionOf(symbol) : null;
      return p ? ok(p) : notFound('position does not exist');
    },
    closePosition,
    closeAllPositions(cancelOrders) {
      if (cancelOrders) cancelAllOrders();
      return book.symbols().map((symbol) => {
        const r = closePosition(symbol, {});
        return r.ok ? { symbol, status: 200, body: r.value } : { symbol, status: r.status, body: r.body };
      });
    },
    submitOrder,
    getOrder: orderById,
    getOrderByClientOrderId(clientOrderId) {
      const o = engine.findByClientId(clientOrderId);
      return o ? ok(o) : notFound('order not found');
    },
    listOrders: (query) => selectOrders(engine.orders(), query),
    replaceOrder,
    cancelOrder,
    cancelAllOrders,
    fillActivities: (query) => selectActivities(engine.activities, query),
    latestTrade: (symbol) => market.latestTrade(symbol),
    latestQuote: (symbol) => market.latestQuote(symbol),
    snapshot: (symbol) => market.snapshot(symbol),
    bars(symbol, timeframe, start, end) {
      const tf = parseTimeframe(timeframe);
      if (!tf) return fail(422, 42210000, 'invalid timeframe');
      return ok(market.bars(symbol, tf, start, end));
    },
    tradeUpdates$: engine.updates$.asObservable(),
    marketEvents$: market.events$.asObservable(),
    sync() {
      const now = clock.now();
      market.sync();
      expireDayOrders(lastSync, now);
      lastSync = now;
      engine.work();
    },
    openOrderSymbols: () => engine.openSymbols(),
    faults,
    market,
  };
}

/** 'YYYY-MM-DD' or RFC 3339 → ET date */
function toDate(text: string): string | null {
  if (isDateString(text)) return text;
  const t = parseTimestamp(text);
  return t === null ? null : etDate(t);
}
