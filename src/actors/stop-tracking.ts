/**
 * What one trade's actor knows of its protective stops at the broker, and what an update of one
 * means to its machine (the stop half of PositionActor.classify).
 * Invariants:
 *  - every stop the trade ever placed is recognised by its id (`<entry id>-s<n>`), not only the
 *    current one, so a replaced stop's late 'canceled' is known as Keel's own and ignored; a bracket
 *    entry's legs are the trade's too: its stop leg is the protective stop, its take-profit leg sells
 *    as the exit `profit_target` (the stop leg as `hard_stop`; a stop of Keel's own as `broker_stop`);
 *  - a stop's fills are counted with the exit's (ExitFills), so a sell of Keel's own never sells
 *    what the stop already sold, and the close's price is the broker's;
 *  - while the position is open, a stop with fills is the trade's exit (STOP_FILLED, once: the
 *    machine leaves open on it); a stop that ends unfilled and was not cancelled by Keel is
 *    STOP_ENDED (re-placed at once when it expired at the close, after the retry wait otherwise).
 */
import { stopPlacementOf } from '../core/exits/protective-stop.js';
import { Decimal, ZERO } from '../domain/money.js';
import { isTerminalStatus, type Order } from '../domain/order.js';
import type { ExitReason, Trade } from '../domain/trade.js';
import type { EpochMs } from '../domain/time.js';
import type { PositionMachineEvent, PositionState } from '../machines/position.machine.js';
import type { ExitFills } from './exit-executor.js';
import type { BrokerStopState } from './position-supervisor.types.js';

export class StopTracking {
  /** the current stop as last seen (stream, REST read); null before one was seen */
  order: Order | null = null;
  /** ids of the stops Keel asked the broker to cancel (their end is Keel's own doing); made on the
   *  first cancel: most positions hold one stop that never is (bench B3) */
  private cancelledIds: Set<string> | null = null;
  /** syncStop steps started and not finished (a stop may be on its way to the broker) */
  syncs = 0;
  /** filled quantity and exit reason per broker-side exit order (the close's reason when they sold everything) */
  private filled: Map<string, { qty: Decimal; reason: ExitReason }> | null = null;

  isStop(trade: Trade, order: Order): boolean {
    if (order.side !== 'sell') return false;
    if (order.id === trade.stopOrderId || order.clientOrderId === trade.stopClientOrderId || order.id === trade.targetOrderId) return true;
    return stopPlacementOf(trade.entryClientOrderId ?? trade.id, order.clientOrderId) !== null;
  }

  /** the exit a sell of this order is: a bracket's take-profit or stop leg, or Keel's protective stop */
  static reasonOf(trade: Trade, order: Order): 'profit_target' | 'hard_stop' | 'broker_stop' {
    if (order.id === trade.targetOrderId) return 'profit_target';
    return order.orderClass === 'bracket' ? 'hard_stop' : 'broker_stop';
  }

  /** true while a stop of the trade may be working at the broker (or on its way there) */
  mayBeLive(trade: Trade): boolean {
    if (this.syncs > 0) return true;
    if (!trade.stopClientOrderId) return false;
    const o = this.order;
    return !(o && o.clientOrderId === trade.stopClientOrderId && isTerminalStatus(o.status));
  }

  /** what the broker-side exit orders sold, and the order that sold the most with its exit reason */
  soldByBroker(): { qty: Decimal; reason: ExitReason | null; orderId: string | null } {
    let qty = ZERO;
    let most: { id: string; qty: Decimal; reason: ExitReason } | null = null;
    for (const [id, f] of this.filled ?? []) {
      if (!f.qty.gt(0)) continue;
      qty = qty.plus(f.qty);
      if (!most || f.qty.gt(most.qty)) most = { id, qty: f.qty, reason: f.reason };
    }
    return { qty, reason: most?.reason ?? null, orderId: most?.id ?? null };
  }

  /** the bracket's take-profit leg while it may still work (a sell of Keel's own must cancel it first) */
  targetLive(trade: Trade): boolean {
    if (!trade.targetOrderId) return false;
    const t = this.target;
    return !(t && t.id === trade.targetOrderId && isTerminalStatus(t.status));
  }

  markCancelled(id: string): void { (this.cancelledIds ??= new Set()).add(id); }
  wasCancelled(id: string): boolean { return this.cancelledIds?.has(id) ?? false; }

  /** the take-profit leg as last seen */
  target: Order | null = null;

  /** the broker-side orders of the trade that may still change (re-read after a gap or a restart) */
  liveIds(trade: Trade): string[] {
    const ids: string[] = [];
    if (trade.stopOrderId && this.mayBeLive(trade)) ids.push(trade.stopOrderId);
    if (trade.targetOrderId && this.targetLive(trade)) ids.push(trade.targetOrderId);
    return ids;
  }

  /** what an update of one of the trade's stops means to its machine (null: nothing) */
  classify(
    trade: Trade, order: Order, at: EpochMs, view: { state: PositionState; held: Decimal; fills: ExitFills; exitAt(at: EpochMs): void },
  ): PositionMachineEvent | null {
    const reason = StopTracking.reasonOf(trade, order);
    if (order.id === trade.targetOrderId) this.target = order;
    else if (order.clientOrderId === trade.stopClientOrderId || order.id === trade.stopOrderId) this.order = order;
    if (order.filledQty.gt(0)) (this.filled ??= new Map()).set(order.id, { qty: order.filledQty, reason });
    const endedNow = view.fills.update(order);
    const sold = view.fills.sold();
    const all = sold.gte(view.held) && sold.gt(0);
    if (all) view.exitAt(order.filledAt ?? at);
    if (view.state === 'open') {
      if (order.filledQty.gt(0)) return { type: 'STOP_FILLED', price: (order.filledAvgPrice ?? order.stopPrice ?? ZERO).toNumber(), done: all, reason };
      // a take-profit leg that ends unfilled (its stop leg sold, or the group was cancelled) protects
      // nothing; a replaced stop hands the protection to its replacement
      if (!endedNow || this.wasCancelled(order.id) || reason === 'profit_target' || order.status === 'replaced') return null;
      return { type: 'STOP_ENDED', why: `protective stop ${order.clientOrderId} ${order.statusRaw}`, retryNow: order.status === 'expired' };
    }
    if (view.state !== 'exiting') return null;
    if (all) return { type: 'EXIT_FILLED' };
    // the stop was the exit and ended short of the position: the rest is sold as any short exit
    if (endedNow && order.filledQty.gt(0) && !this.wasCancelled(order.id)) return { type: 'EXIT_SHORT', why: `protective stop ${order.statusRaw}` };
    return null;
  }
}

/** the protective stop region's state of a position machine snapshot while open; null otherwise */
export function stopStateOf(snap: { value: unknown; context: { stopWhy: string | null } }): { state: BrokerStopState; why: string | null } | null {
  const value = snap.value as { open?: { stop?: BrokerStopState } } | string;
  const state = typeof value === 'string' ? undefined : value.open?.stop;
  return state ? { state, why: snap.context.stopWhy } : null;
}
