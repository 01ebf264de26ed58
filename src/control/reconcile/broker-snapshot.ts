/**
 * Gathers what reconciliation compares against (the impure half of src/core/reconcile): positions,
 * open orders, each pending entry's order by client order id, and — only for symbols the broker is
 * flat in — its closed orders since the earliest entry. Any broker failure propagates: a partial
 * snapshot must never be mistaken for "verified flat" (docs/design.md, "Unknown is never flat").
 */
import { exitHistoryNeeded, type BrokerSnapshot } from '../../core/reconcile/reconcile.js';
import type { Order } from '../../domain/order.js';
import type { Trade } from '../../domain/trade.js';
import type { BrokerPort } from '../../ports/broker.port.js';

async function entryOrder(broker: BrokerPort, trade: Trade): Promise<Order | null> {
  if (trade.entryClientOrderId) {
    const byClientId = await broker.getOrderByClientOrderId(trade.entryClientOrderId);
    if (byClientId) return byClientId;
  }
  return trade.entryOrderId ? broker.getOrder(trade.entryOrderId) : null;
}

export async function gatherBrokerSnapshot(broker: BrokerPort, trades: readonly Trade[]): Promise<BrokerSnapshot> {
  const [positions, openOrders] = await Promise.all([broker.listPositions(), broker.listAllOrders({ status: 'open' })]);
  const entryOrders = new Map<string, Order | null>();
  for (const trade of trades.filter((t) => t.status === 'pending_entry')) entryOrders.set(trade.id, await entryOrder(broker, trade));
  const closedOrders = new Map<string, Order[]>();
  for (const [symbol, since] of exitHistoryNeeded(trades, { entryOrders, positions })) {
    closedOrders.set(symbol, await broker.listAllOrders({ status: 'closed', symbols: [symbol], after: since - 1 }));
  }
  return { positions, openOrders, entryOrders, closedOrders };
}
