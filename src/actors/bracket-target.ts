/**
 * A bracket entry's take-profit leg and Keel's own profit target. While the leg rests at the broker,
 * Keel's monitor leaves the target to it: the limit sells at the target or better, and Keel selling
 * at the market on the same print would cancel it for a worse price. Every other exit stays Keel's
 * (its hard stop included: the primary exit, the stop leg the backstop). When the leg ends without
 * a fill while the position is open (cancelled outside Keel, expired), Keel's own target is armed
 * again at once.
 */
import { positionOverrides } from '../core/exits/exit-plan.js';
import { isTerminalStatus, type Order } from '../domain/order.js';
import type { PositionHost } from './position-host.js';

export function leaveTargetToBroker(host: PositionHost, on: boolean): void {
  if ((host.view.overrides?.targetAtBroker === true) === on) return;
  host.view.overrides = positionOverrides(host.trade.exitPlan, on);
  host.deps.rearm?.(host.view);
}

/** an update of the trade's take-profit leg: one that ended unfilled gives the target back to Keel */
export function targetLegSeen(host: PositionHost, order: Order): void {
  if (order.id === host.trade.targetOrderId && isTerminalStatus(order.status) && order.filledQty.isZero()) leaveTargetToBroker(host, false);
}
