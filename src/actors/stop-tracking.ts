/**
 * What one trade's actor knows of its protective stops at the broker, and what an update of one
 * means to its machine (the stop half of PositionActor.classify).
 * Invariants:
 *  - every stop the trade ever placed is recognised by its id (`<entry id>-s<n>`), not only the
 *    current one, so a replaced stop's late 'canceled' is known as Keel's own and ignored;
 *  - a stop's fills are counted with the exit's (ExitFills), so a sell of Keel's own never sells
 *    what the stop already sold, and the close's price is the broker's;
 *  - while the position is open, a stop with fills is the trade's exit (STOP_FILLED, once: the
 *    machine leaves open on it); a stop that ends unfilled and was not cancelled by Keel is
 *    STOP_ENDED (re-placed at once when it expired at the close, after the retry wait otherwise).
 */
import { stopPlacementOf } from '../core/exits/protective-stop.js';
import { Decimal, ZERO } from '../domain/money.js';
import { isTerminalStatus, type Order } from '../domain/order.js';
import type { Trade } from '../domain/trade.js';
import type { EpochMs } from '../domain/time.js';
import type { PositionMachineEvent, PositionState } from '../machines/position.machine.js';
import type { ExitFills } from './exit-executor.js';

export class StopTracking {
  /** the current stop as last seen (stream, REST read); null before one was seen */
  order: Order | null = null;
  /** ids of the stops Keel asked the broker to cancel (their end is Keel's own doing) */
  readonly cancelled = new Set<string>();
  /** syncStop steps started and not finished (a stop may be on its way to the broker) */
  syncs = 0;
  /** filled quantity per stop order (the close's reason: everything sold by stops → broker_stop) */
  private filled: Map<string, Decimal> | null = null;

  isStop(trade: Trade, order: Order): boolean {
    if (order.side !== 'sell') return false;
    if (order.id === trade.stopOrderId || order.clientOrderId === trade.stopClientOrderId) return true;
    return stopPlacementOf(trade.entryClientOrderId ?? trade.id, order.clientOrderId) !== null;
  }

  /** true while a stop of the trade may be working at the broker (or on its way there) */
  mayBeLive(trade: Trade): boolean {
    if (this.syncs > 0) return true;
    if (!trade.stopClientOrderId) return false;
    const o = this.order;
    return !(o && o.clientOrderId === trade.stopClientOrderId && isTerminalStatus(o.status));
  }

  soldByStops(): Decimal {
    let sold = ZERO;
    for (const q of this.filled?.values() ?? []) sold = sold.plus(q);
    return sold;
  }

  /** what an update of one of the trade's stops means to its machine (null: nothing) */
  classify(
    trade: Trade, order: Order, at: EpochMs, view: { state: PositionState; held: Decimal; fills: ExitFills; exitAt(at: EpochMs): void },
  ): PositionMachineEvent | null {
    if (order.clientOrderId === trade.stopClientOrderId || order.id === trade.stopOrderId) this.order = order;
    if (order.filledQty.gt(0)) (this.filled ??= new Map()).set(order.id, order.filledQty);
    const endedNow = view.fills.update(order);
    const sold = view.fills.sold();
    const all = sold.gte(view.held) && sold.gt(0);
    if (all) view.exitAt(order.filledAt ?? at);
    if (view.state === 'open') {
      if (order.filledQty.gt(0)) return { type: 'STOP_FILLED', price: (order.filledAvgPrice ?? order.stopPrice ?? ZERO).toNumber(), done: all };
      if (!endedNow || this.cancelled.has(order.id)) return null;
      return { type: 'STOP_ENDED', why: `protective stop ${order.clientOrderId} ${order.statusRaw}`, retryNow: order.status === 'expired' };
    }
    if (view.state !== 'exiting') return null;
    if (all) return { type: 'EXIT_FILLED' };
    // the stop was the exit and ended short of the position: the rest is sold as any short exit
    if (endedNow && order.filledQty.gt(0) && !this.cancelled.has(order.id)) return { type: 'EXIT_SHORT', why: `protective stop ${order.statusRaw}` };
    return null;
  }
}
