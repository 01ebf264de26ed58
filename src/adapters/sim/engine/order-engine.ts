/**
 * The simulated exchange's order engine: admission checks, the order lifecycle and executions.
 * Invariants:
 *  - every state change emits exactly one TradeUpdate carrying a copy of the order after it;
 *  - an order is executed only while its session is open (regular hours; extended hours for
 *    extended_hours limit orders; always with pinnedOpen) and never while fills are held;
 *  - filled_qty is cumulative and filled_avg_price the VWAP of all executions; the account is
 *    booked in the same step as the event, so position_qty on a fill equals positions() after it;
 *  - client_order_id is unique across all orders ever submitted, terminal ones included;
 *  - buying power = cash − reservations of open buy orders (cash account, multiplier 1);
 *    reservation = remaining qty × limit price (limit, stop_limit) or × current price × 1.03
 *    (market, stop, trailing_stop); notional buys reserve their unfilled notional.
 */
import { Subject } from 'rxjs';
import type { FillActivity } from '../../../domain/account.js';
import { Decimal, ZERO } from '../../../domain/money.js';
import { isTerminalStatus, type Order, type OrderStatus } from '../../../domain/order.js';
import type { TradeUpdate } from '../../../domain/trade-update.js';
import { etCompactStamp } from '../../../domain/market-time.js';
import type { Clock } from '../../../ports/clock.port.js';
import type { SimResult } from '../exchange.types.js';
import type { SimMarket } from '../market/sim-market.js';
import type { AccountBook } from './account-book.js';
import type { SimFaults } from './faults.js';
import { assetIdOf, type IdSource } from './ids.js';
import { executionPrice, type MatchState } from './matching.js';
import type { SimOrderInput } from './order-body.js';
import { forbidden, invalid, ok } from './sim-errors.js';

const MARKET_BUY_RESERVE = 1.03;

interface Working {
  order: Order;
  match: MatchState;
  /** partial fills still to come before the final fill (faults.partialFills) */
  slicesLeft: number;
  /** shares to fill in total; fixed at the first execution for notional orders */
  target: Decimal | null;
  filledValue: Decimal;
  rejectAsync: boolean;
  /** the latest time whose prices this order has been offered (a bar tape's points after it are next) */
  seenUntil: number;
}

export interface OrderEngineDeps {
  clock: Clock;
  ids: IdSource;
  market: SimMarket;
  book: AccountBook;
  faults: SimFaults;
  /** may this order execute at t (session rules, pinnedOpen)? */
  canWork(order: Order, t: number): boolean;
}

export class OrderEngine {
  readonly updates$ = new Subject<TradeUpdate>();
  readonly activities: FillActivity[] = [];
  private readonly records: Working[] = [];
  /** the records not yet terminal, in submission order (what every admission and execution walks) */
  private readonly working = new Set<Working>();
  private readonly byId = new Map<string, Working>();
  private readonly byClientId = new Map<string, Working>();

  constructor(private readonly deps: OrderEngineDeps) {}

  orders(): Order[] {
    return this.records.map((w) => ({ ...w.order }));
  }

  find(id: string): Order | null {
    const w = this.byId.get(id);
    return w ? { ...w.order } : null;
  }

  findByClientId(clientOrderId: string): Order | null {
    const w = this.byClientId.get(clientOrderId);
    return w ? { ...w.order } : null;
  }

  openOrders(): Order[] {
    return this.openWorking().map((w) => ({ ...w.order }));
  }

  /** the symbols of the orders still working */
  openSymbols(): string[] {
    return [...new Set(this.openWorking().map((w) => w.order.symbol))];
  }

  /** shares reserved by open sell orders of a symbol */
  heldForOrders(symbol: string): Decimal {
    return this.openWorking().filter((w) => w.order.symbol === symbol && w.order.side === 'sell')
      .reduce((sum, w) => sum.add(this.remainingShares(w)), ZERO);
  }

  buyingPower(): Decimal {
    const reserved = this.openWorking().filter((w) => w.order.side === 'buy')
      .reduce((sum, w) => sum.add(this.reservation(w)), ZERO);
    return Decimal.max(ZERO, this.deps.book.cash.sub(reserved));
  }

  submit(input: SimOrderInput): SimResult<Order> {
    const { book, clock, ids } = this.deps;
    if (input.clientOrderId !== null && this.byClientId.has(input.clientOrderId)) return invalid('client_order_id must be unique');
    const opposite = this.openWorking().find((w) => w.order.symbol === input.symbol && w.order.side !== input.side);
    if (opposite) return forbidden('potential wash trade detected. use complex orders');
    const price = this.deps.market.price(input.symbol) ?? 0;
    if (input.side === 'sell') {
      const existing = book.qtyOf(input.symbol);
      const held = this.heldForOrders(input.symbol);
      const available = Decimal.max(ZERO, existing.sub(held));
      const requested = input.qty ?? input.notional!.div(price).toDecimalPlaces(9, Decimal.ROUND_UP);
      if (requested.gt(available)) {
        return forbidden(`insufficient qty available for order (requested: ${requested.toFixed()}, available: ${available.toFixed()})`, {
          available: available.toFixed(), existing_qty: existing.toFixed(), held_for_orders: held.toFixed(), symbol: input.symbol,
        });
      }
    } else {
      const cost = input.notional ?? input.qty!.mul(this.referencePrice(input.type, input.limitPrice, price));
      const bp = this.buyingPower();
      if (cost.gt(bp)) {
        return forbidden('insufficient buying power', {
          buying_power: bp.toDecimalPlaces(2).toFixed(), cost_basis: cost.toDecimalPlaces(2, Decimal.ROUND_UP).toFixed(),
        });
      }
    }
    const now = clock.now();
    const order: Order = {
      id: ids.uuid(), clientOrderId: input.clientOrderId ?? ids.uuid(), symbol: input.symbol,
      assetId: assetIdOf(input.symbol), assetClass: 'us_equity', side: input.side, type: input.type,
      timeInForce: input.timeInForce, orderClass: 'simple', status: 'accepted', statusRaw: 'accepted',
      qty: input.qty, notional: input.notional, filledQty: ZERO, filledAvgPrice: null,
      limitPrice: input.limitPrice, stopPrice: input.stopPrice, trailPrice: input.trailPrice,
      trailPercent: input.trailPercent, hwm: null, extendedHours: input.extendedHours,
      positionIntent: input.positionIntent, createdAt: now, updatedAt: now, submittedAt: now, filledAt: null,
      expiredAt: null, canceledAt: null, failedAt: null, replacedAt: null, replacedBy: null, replaces: null, legs: null,
    };
    if (this.deps.canWork(order, now)) this.setStatus(order, 'pending_new');
    const w: Working = {
      order, match: { triggered: false, hwm: null }, slicesLeft: this.deps.faults.takePartialSlices(),
      target: input.qty, filledValue: ZERO, rejectAsync: this.deps.faults.takeAsyncReject(), seenUntil: now,
    };
    this.records.push(w);
    this.working.add(w);
    this.byId.set(order.id, w);
    this.byClientId.set(order.clientOrderId, w);
    return ok({ ...order });
  }

  /** 204 semantics: the order is canceled at once and the 'canceled' event emitted */
  cancel(id: string): SimResult<void> | 'not_found' | 'not_cancelable' {
    const w = this.byId.get(id);
    if (!w) return 'not_found';
    if (isTerminalStatus(w.order.status)) return 'not_cancelable';
    this.finish(w, 'canceled', this.deps.clock.now());
    return ok(undefined);
  }

  /** expires open day orders at a close (regular close, or the extended close for extended-hours orders) */
  expireDayOrders(closeAt: number, extendedCloseAt: number, from: number, to: number): void {
    for (const w of this.openWorking()) {
      if (w.order.timeInForce === 'gtc') continue;
      const at = w.order.extendedHours ? extendedCloseAt : closeAt;
      if (at > from && at <= to && w.order.createdAt < at) this.finish(w, 'expired', at);
    }
  }

  /** routes accepted orders and executes what can execute at the current time */
  work(): void {
    const now = this.deps.clock.now();
    for (const w of this.openWorking()) {
      if (!this.deps.canWork(w.order, now)) {
        // prices while the order may not execute are not offered to it later
        w.seenUntil = now;
        continue;
      }
      if (w.order.status === 'accepted' || w.order.status === 'pending_new') {
        if (w.rejectAsync) {
          this.finish(w, 'rejected', now);
          continue;
        }
        this.setStatus(w.order, 'new', now);
        this.emit('new', w.order, now);
      }
      if (!this.deps.faults.fillsHeld) this.tryExecute(w, now);
    }
  }

  private tryExecute(w: Working, now: number): void {
    // the generated walk offers the price now; a bar tape each of its points since the last offer
    const prices = this.deps.market.pricesBetween(w.order.symbol, w.seenUntil);
    w.seenUntil = now;
    let execPrice: number | null = null;
    for (const price of prices) {
      execPrice = executionPrice(w.order, w.match, price);
      if (execPrice !== null) break;
    }
    if (prices.length === 0) return;
    if (execPrice === null) {
      // immediate-or-cancel / fill-or-kill: what cannot execute on arrival is canceled
      if (w.order.timeInForce === 'ioc' || w.order.timeInForce === 'fok') this.finish(w, 'canceled', now);
      return;
    }
    const px = new Decimal(execPrice);
    if (w.target === null) w.target = w.order.notional!.div(px).toDecimalPlaces(9, Decimal.ROUND_DOWN);
    const remaining = w.target.sub(w.order.filledQty);
    if (remaining.lte(0)) return;
    let qty = remaining;
    if (w.slicesLeft > 0) {
      const parts = w.slicesLeft + 1;
      const slice = remaining.isInteger() ? remaining.divToInt(parts) : remaining.div(parts).toDecimalPlaces(9, Decimal.ROUND_DOWN);
      w.slicesLeft -= 1;
      if (slice.gt(0)) qty = slice;
    }
    this.execute(w, qty, px, now);
  }

  private execute(w: Working, qty: Decimal, price: Decimal, now: number): void {
    const o = w.order;
    const positionQty = this.deps.book.applyFill(o.symbol, o.side, qty, price);
    w.filledValue = w.filledValue.add(qty.mul(price));
    o.filledQty = o.filledQty.add(qty);
    o.filledAvgPrice = w.filledValue.div(o.filledQty).toDecimalPlaces(9);
    const done = o.filledQty.gte(w.target!);
    if (done) o.filledAt = now;
    this.setStatus(o, done ? 'filled' : 'partially_filled', now);
    const executionId = this.deps.ids.uuid();
    this.activities.push({
      id: `${etCompactStamp(now)}::${executionId}`, orderId: o.id, symbol: o.symbol, side: o.side, qty, price,
      cumQty: o.filledQty, leavesQty: w.target!.sub(o.filledQty), type: done ? 'fill' : 'partial_fill',
      orderStatus: o.status, transactionTime: now,
    });
    this.emit(done ? 'fill' : 'partial_fill', o, now, { executionId, price, qty, positionQty });
  }

  private finish(w: Working, status: 'canceled' | 'expired' | 'rejected', at: number): void {
    const o = w.order;
    if (status === 'canceled') o.canceledAt = at;
    if (status === 'expired') o.expiredAt = at;
    if (status === 'rejected') o.failedAt = at;
    this.setStatus(o, status, at);
    this.emit(status, o, at);
  }

  private setStatus(o: Order, status: OrderStatus, at?: number): void {
    o.status = status;
    o.statusRaw = status;
    if (isTerminalStatus(status)) this.working.delete(this.byId.get(o.id)!);
    if (at !== undefined) o.updatedAt = at;
  }

  private emit(event: TradeUpdate['event'], o: Order, at: number, fill?: { executionId: string; price: Decimal; qty: Decimal; positionQty: Decimal }): void {
    this.updates$.next({
      event, eventRaw: event, order: { ...o }, timestamp: at, executionId: fill?.executionId ?? null,
      price: fill?.price ?? null, qty: fill?.qty ?? null, positionQty: fill?.positionQty ?? null, eventId: null, at: null,
    });
  }

  private openWorking(): Working[] {
    return [...this.working];
  }

  private remainingShares(w: Working): Decimal {
    if (w.target) return w.target.sub(w.order.filledQty);
    const price = this.deps.market.price(w.order.symbol) ?? 1;
    return w.order.notional!.div(price).toDecimalPlaces(9, Decimal.ROUND_UP);
  }

  private referencePrice(type: Order['type'], limitPrice: Decimal | null, price: number): Decimal {
    if (limitPrice && (type === 'limit' || type === 'stop_limit')) return limitPrice;
    return new Decimal(price).mul(MARKET_BUY_RESERVE);
  }

  private reservation(w: Working): Decimal {
    const o = w.order;
    if (o.notional && w.target === null) return o.notional.sub(w.filledValue);
    const price = this.deps.market.price(o.symbol) ?? 0;
    return this.remainingShares(w).mul(this.referencePrice(o.type, o.limitPrice, price));
  }
}
