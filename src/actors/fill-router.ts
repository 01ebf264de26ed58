/**
 * trade_updates → the keyed order-update stream (PositionRuntime.orders), addressed to the trade
 * whose order it is (by Alpaca order id, else client order id, else an exit id's stem: a restored
 * trade knows only the stem of a sell sent before a crash); each position actor consumes its own key.
 * What the stream cannot say by itself is asked of the broker by REST: 'refresh_order' (an
 * event this build does not know) and 'resynced' (a gap in the stream: every tracked trade's
 * still-working orders are re-read, so fills missed while disconnected are applied).
 * Invariants: an update for an order no trade owns is ignored here (the journal still has it);
 * the actors are idempotent, so a REST refresh racing the stream is harmless.
 */
import type { Observable, Subscription } from 'rxjs';
import { exitStemOf } from '../core/exits/exit-order-id.js';
import type { Order } from '../domain/order.js';
import type { BrokerPort } from '../ports/broker.port.js';
import type { Clock } from '../ports/clock.port.js';
import type { TradeStreamEvent } from '../ports/trade-stream.port.js';
import type { KeyedSubject } from '../streams/keyed-subject.js';
import type { OrderUpdate } from './position-runtime.js';

export interface FillRouterDeps {
  broker: () => BrokerPort;
  clock: Clock;
  /** the keyed stream the updates are produced into (trade id → its actor) */
  orders: KeyedSubject<string, OrderUpdate>;
  /** every fill is also a price of its symbol */
  onFillPrice(symbol: string, price: number, at: number): void;
  onError(message: string, error: unknown): void;
}

/** what the router re-reads of a trade */
export interface RoutedTrade {
  liveOrders(): { ids: string[] };
}

export class FillRouter {
  /** order id / client order id / exit stem → trade id */
  private readonly routes = new Map<string, string>();

  constructor(private readonly deps: FillRouterDeps) {}

  route(key: string, tradeId: string): void {
    this.routes.set(key, tradeId);
  }

  forget(tradeId: string): void {
    for (const [key, id] of this.routes) if (id === tradeId) this.routes.delete(key);
  }

  attach(events$: Observable<TradeStreamEvent>, trades: () => Iterable<RoutedTrade>): Subscription {
    return events$.subscribe((event) => {
      switch (event.type) {
        case 'trade_update': {
          const { update } = event;
          if (update.event === 'fill' || update.event === 'partial_fill') {
            if (update.price) this.deps.onFillPrice(update.order.symbol, update.price.toNumber(), update.timestamp ?? event.receivedAt);
          }
          this.deliver(update.order, update.timestamp ?? event.receivedAt);
          return;
        }
        case 'refresh_order':
          if (event.orderId && this.routes.has(event.orderId)) void this.refreshOrder(event.orderId);
          return;
        case 'resynced':
          for (const trade of trades()) void this.refresh(trade);
          return;
        default:
      }
    });
  }

  /** re-reads a trade's still-working orders by REST (after a gap, or a restart) */
  async refresh(trade: RoutedTrade): Promise<void> {
    await Promise.all(trade.liveOrders().ids.map((id) => this.refreshOrder(id)));
  }

  private async refreshOrder(orderId: string): Promise<void> {
    try {
      const order = await this.deps.broker().getOrder(orderId);
      if (order) this.deliver(order, order.updatedAt ?? this.deps.clock.now());
    } catch (error) {
      this.deps.onError(`order ${orderId} could not be refreshed`, error);
    }
  }

  private deliver(order: Order, at: number): void {
    const tradeId = this.routes.get(order.id) ?? this.routes.get(order.clientOrderId) ?? this.routes.get(exitStemOf(order.clientOrderId));
    if (tradeId !== undefined) this.deps.orders.next(tradeId, { order, at });
  }
}
