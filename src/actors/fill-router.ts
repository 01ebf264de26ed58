/**
 * trade_updates → the position actor whose order it is (by Alpaca order id, else client order
 * id, else an exit id's stem: a restored trade knows only the stem of a sell sent before a crash). What the stream cannot say by itself is asked of the broker by REST: 'refresh_order' (an
 * event this build does not know) and 'resynced' (a gap in the stream: every tracked actor's
 * still-working orders are re-read, so fills missed while disconnected are applied).
 * Invariants: an update for an order no actor owns is ignored here (the journal still has it);
 * the actors are idempotent, so a REST refresh racing the stream is harmless.
 */
import type { Observable, Subscription } from 'rxjs';
import { exitStemOf } from '../core/exits/exit-order-id.js';
import type { Order } from '../domain/order.js';
import type { BrokerPort } from '../ports/broker.port.js';
import type { Clock } from '../ports/clock.port.js';
import type { TradeStreamEvent } from '../ports/trade-stream.port.js';
import type { PositionActor } from './position.actor.js';

export interface FillRouterDeps {
  broker: () => BrokerPort;
  clock: Clock;
  /** every fill is also a price of its symbol */
  onFillPrice(symbol: string, price: number, at: number): void;
  onError(message: string, error: unknown): void;
}

export class FillRouter {
  private readonly routes = new Map<string, PositionActor>();

  constructor(private readonly deps: FillRouterDeps) {}

  route(key: string, actor: PositionActor): void {
    this.routes.set(key, actor);
  }

  forget(actor: PositionActor): void {
    for (const [key, a] of this.routes) if (a === actor) this.routes.delete(key);
  }

  attach(events$: Observable<TradeStreamEvent>, actors: () => Iterable<PositionActor>): Subscription {
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
          for (const actor of actors()) void this.refresh(actor);
          return;
        default:
      }
    });
  }

  /** re-reads an actor's still-working orders by REST (after a gap, or a restart) */
  async refresh(actor: PositionActor): Promise<void> {
    await Promise.all(actor.liveOrders().ids.map((id) => this.refreshOrder(id)));
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
    (this.routes.get(order.id) ?? this.routes.get(order.clientOrderId) ?? this.routes.get(exitStemOf(order.clientOrderId)))?.onOrder(order, at);
  }
}
