/** The two BrokerPort reads the trade stream's resync uses, scripted and recorded. */
import type { FillActivity, FillActivityQuery } from '../../src/domain/account.js';
import type { ListOrdersQuery, Order } from '../../src/domain/order.js';
import type { BrokerPort } from '../../src/ports/broker.port.js';

export class ScriptedResyncBroker implements Pick<BrokerPort, 'listAllOrders' | 'listFillActivities'> {
  readonly calls: Array<{ method: 'listAllOrders' | 'listFillActivities'; query: unknown }> = [];
  openOrders: Order[] = [];
  fills: FillActivity[] = [];
  failWith: Error | null = null;

  async listAllOrders(query: Omit<ListOrdersQuery, 'limit' | 'direction'>): Promise<Order[]> {
    this.calls.push({ method: 'listAllOrders', query });
    if (this.failWith) throw this.failWith;
    return this.openOrders;
  }

  async listFillActivities(query: FillActivityQuery): Promise<FillActivity[]> {
    this.calls.push({ method: 'listFillActivities', query });
    if (this.failWith) throw this.failWith;
    return this.fills;
  }
}
