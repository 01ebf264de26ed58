/**
 * The simulated exchange's order engine: admission checks, the order lifecycle and executions.
 * Invariants:
 *  - every state change emits exactly one TradeUpdate carrying a copy of the order after it;
 *  - an order is executed only while its session is open (regular hours; extended hours for
 *    extended_hours limit orders; always with pinnedOpen) and never while fills are held;
 *  - filled_qty is cumulative and filled_avg_price the VWAP of all executions; the account is
 *    booked in the same step as the event, so position_qty on a fill equals positions() after it;
 *  - client_order_id is unique across all orders ever submitted, terminal ones included;
 *  - buying power = cash − the reservations of open buy orders (reservations.ts);
 *  - bracket / oto legs are `held` until their parent fills (then `new`, for what it filled), and
 *    are canceled with a parent that ends unfilled; the members of an OCO group (a bracket's two
 *    legs, an oco's limit and its stop) cancel each other on the first execution or a cancel, and
 *    share their shares (held_for_orders counts the group once). Orders read back carry their legs.
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
import { executionPrice } from './matching.js';
import type { Working } from './working.js';
import { createLegs } from './order-legs.js';
import { admissionRefusal, buyingPowerLeft, remainingShares, reservation, sharesHeld, type Room } from './reservations.js';
import type { SimOrderInput } from './order-body.js';
import { forbidden, invalid, ok } from './sim-errors.js';
import { replacementOf, replaceRefusal, type ReplaceInput } from './order-replace.js';

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
  /** legs waiting for their parent's fill (open at the broker, not yet working) */
  private readonly held = new Set<Working>();

  constructor(private readonly deps: OrderEngineDeps) {}

  orders(): Order[] { return this.records.map((w) => this.view(w)); }
  find(id: string): Order | null { const w = this.byId.get(id); return w ? this.view(w) : null; }
  findByClientId(clientOrderId: string): Order | null { const w = this.byClientId.get(clientOrderId); return w ? this.view(w) : null; }

  /** working orders and the legs held for their parents */
  openOrders(): Order[] {
    return [...this.openWorking(), ...this.held].map((w) => this.view(w));
  }

  /** the symbols of the orders still working */
  openSymbols(): string[] {
    return [...new Set(this.openWorking().map((w) => w.order.symbol))];
  }

  /** shares reserved by open sell orders of a symbol */
  heldForOrders(symbol: string): Decimal {
    return sharesHeld(this.openWorking(), symbol, this.deps.market.price(symbol));
  }

  buyingPower(): Decimal {
    return buyingPowerLeft(this.openWorking(), this.deps.book.cash, (symbol) => this.deps.market.price(symbol));
  }

  submit(input: SimOrderInput): SimResult<Order> {
    const { book, clock, ids } = this.deps;
    if (input.clientOrderId !== null && this.byClientId.has(input.clientOrderId)) return invalid('client_order_id must be unique');
    const opposite = this.openWorking().find((w) => w.order.symbol === input.symbol && w.order.side !== input.side);
    if (opposite) return forbidden('potential wash trade detected. use complex orders');
    const refused = admissionRefusal(input, this.deps.market.price(input.symbol) ?? 0, this.room(input.symbol, null));
    if (refused) return refused;
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
      target: input.qty, filledValue: ZERO, rejectAsync: this.deps.faults.takeAsyncReject(), seenUntil: now, legs: [], group: null,
    };
    this.track(w, true);
    if (input.orderClass !== 'simple') this.attachLegs(w, input);
    return ok(this.view(w));
  }

  /** PATCH semantics (order-replace.ts): the old order ends 'replaced', its replacement works in its place */
  replace(id: string, input: ReplaceInput): SimResult<Order> | 'not_found' {
    const w = this.byId.get(id);
    if (!w) return 'not_found';
    const old = w.order;
    const refusal = replaceRefusal(old, input, w.group !== null);
    if (refusal) return refusal;
    if (input.clientOrderId !== null && this.byClientId.has(input.clientOrderId)) return invalid('client_order_id must be unique');
    const now = this.deps.clock.now();
    const order = replacementOf(old, input, { id: this.deps.ids.uuid(), clientOrderId: input.clientOrderId ?? this.deps.ids.uuid() }, now);
    // the replacement must fit beside the other open orders, the old one's shares or money freed
    const refused = admissionRefusal(order, this.deps.market.price(old.symbol) ?? 0, this.room(old.symbol, w));
    if (refused) return refused;
    const next: Working = { ...w, order, match: { triggered: false, hwm: null }, target: order.qty, seenUntil: now };
    // one step: whoever looks at any event sees exactly one of the two working
    old.replacedBy = order.id;
    old.replacedAt = now;
    this.setStatus(old, 'replaced', now);
    if (w.group) w.group[w.group.indexOf(w)] = next;
    for (const r of this.records) { const i = r.legs.indexOf(w); if (i >= 0) r.legs[i] = next; }
    this.track(next, true);
    this.emit('replaced', old, now);
    this.emit('new', order, now);
    return ok(this.view(next));
  }

  /** what the account leaves an order of `symbol`, with what `freed` holds given back */
  private room(symbol: string, freed: Working | null): Room {
    const price = this.deps.market.price(symbol);
    return {
      existing: this.deps.book.qtyOf(symbol),
      held: this.heldForOrders(symbol).sub(freed?.order.side === 'sell' ? remainingShares(freed, price) : ZERO),
      buyingPower: this.buyingPower().add(freed?.order.side === 'buy' ? reservation(freed, price) : ZERO),
    };
  }

  private track(w: Working, working: boolean): void {
    this.records.push(w);
    if (working) this.working.add(w); else this.held.add(w);
    this.byId.set(w.order.id, w);
    this.byClientId.set(w.order.clientOrderId, w);
  }

  /** the class's legs (order-legs.ts): an oco's stop works at once, bracket / oto legs are held */
  private attachLegs(parent: Working, input: SimOrderInput): void {
    for (const leg of createLegs(parent, input, this.deps)) this.track(leg, input.orderClass === 'oco');
  }

  /** a parent's fill releases its held legs for the quantity it filled */
  private releaseLegs(parent: Working, at: number): void {
    for (const leg of parent.legs) {
      if (!this.held.delete(leg)) continue;
      leg.target = parent.order.filledQty;
      leg.order.qty = parent.order.filledQty;
      leg.seenUntil = at;
      this.working.add(leg);
      this.setStatus(leg.order, 'new', at);
      this.emit('new', leg.order, at);
    }
  }

  /** the order as read back: with its legs, each as it is now */
  private view(w: Working): Order {
    return { ...w.order, legs: w.legs.length > 0 ? w.legs.map((l) => ({ ...l.order })) : null };
  }

  /** 204 semantics: the order is canceled at once and the 'canceled' event emitted */
  cancel(id: string): SimResult<void> | 'not_found' | 'not_cancelable' {
    const w = this.byId.get(id);
    if (!w) return 'not_found';
    if (isTerminalStatus(w.order.status)) return 'not_cancelable';
    const now = this.deps.clock.now();
    this.finish(w, 'canceled', now);
    for (const other of w.group ?? []) if (!isTerminalStatus(other.order.status)) this.finish(other, 'canceled', now);
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
    // one member of an OCO group executed: the others are canceled
    for (const other of w.group ?? []) if (other !== w && !isTerminalStatus(other.order.status)) this.finish(other, 'canceled', now);
    if (done) this.releaseLegs(w, now);
  }

  private finish(w: Working, status: 'canceled' | 'expired' | 'rejected', at: number): void {
    const o = w.order;
    if (status === 'canceled') o.canceledAt = at;
    if (status === 'expired') o.expiredAt = at;
    if (status === 'rejected') o.failedAt = at;
    this.setStatus(o, status, at);
    this.emit(status, o, at);
    // a parent that ends: what it filled is covered by its legs, nothing filled cancels them
    if (w.legs.length > 0) {
      if (o.filledQty.gt(0)) this.releaseLegs(w, at);
      else for (const leg of w.legs) if (this.held.has(leg)) { this.held.delete(leg); this.finish(leg, 'canceled', at); }
    }
  }

  private setStatus(o: Order, status: OrderStatus, at?: number): void {
    o.status = status;
    o.statusRaw = status;
    if (isTerminalStatus(status)) { const w = this.byId.get(o.id)!; this.working.delete(w); this.held.delete(w); }
    if (at !== undefined) o.updatedAt = at;
  }

  private emit(event: TradeUpdate['event'], o: Order, at: number, fill?: { executionId: string; price: Decimal; qty: Decimal; positionQty: Decimal }): void {
    const w = this.byId.get(o.id);
    this.updates$.next({
      event, eventRaw: event, order: w ? this.view(w) : { ...o }, timestamp: at, executionId: fill?.executionId ?? null,
      price: fill?.price ?? null, qty: fill?.qty ?? null, positionQty: fill?.positionQty ?? null, eventId: null, at: null,
    });
  }

  private openWorking(): Working[] {
    return [...this.working];
  }
}
