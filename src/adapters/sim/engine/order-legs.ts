/**
 * The legs of an advanced order on the simulated exchange (order-classes.ts says which classes and
 * rules): a bracket's take-profit limit and stop(-limit), an oto's one leg, an oco's stop beside its
 * limit. Legs sell what the parent buys (an oco's stop sells like its limit); they take the parent's
 * time in force and quantity and get ids of their own. Groups: a bracket's two legs, an oco's limit
 * and its stop — the members of a group cancel each other (order-engine.ts).
 */
import { ZERO } from '../../../domain/money.js';
import type { Order } from '../../../domain/order.js';
import type { Clock } from '../../../ports/clock.port.js';
import type { IdSource } from './ids.js';
import type { SimOrderInput } from './order-body.js';
import type { Working } from './working.js';

export function createLegs(parent: Working, input: SimOrderInput, deps: { clock: Clock; ids: IdSource }): Working[] {
  parent.order.orderClass = input.orderClass;
  const { takeProfit, stopLoss } = input.legs;
  const oco = input.orderClass === 'oco';
  const now = deps.clock.now();
  const leg = (type: Order['type'], limitPrice: Order['limitPrice'], stopPrice: Order['stopPrice']): Working => {
    const status = oco ? 'accepted' : 'held';
    const order: Order = {
      ...parent.order, id: deps.ids.uuid(), clientOrderId: deps.ids.uuid(), side: oco ? parent.order.side : parent.order.side === 'buy' ? 'sell' : 'buy',
      type, limitPrice, stopPrice, status, statusRaw: status, filledQty: ZERO, filledAvgPrice: null,
      createdAt: now, updatedAt: now, submittedAt: now, filledAt: null, legs: null, notional: null, positionIntent: null,
    };
    const w: Working = {
      order, match: { triggered: false, hwm: null }, slicesLeft: 0, target: parent.order.qty, filledValue: ZERO, rejectAsync: false, seenUntil: now, legs: [], group: null,
    };
    parent.legs.push(w);
    return w;
  };
  if (takeProfit && !oco) leg('limit', takeProfit.limitPrice, null);
  if (stopLoss) leg(stopLoss.limitPrice ? 'stop_limit' : 'stop', stopLoss.limitPrice, stopLoss.stopPrice);
  const group = oco ? [parent, ...parent.legs] : parent.legs.length > 1 ? [...parent.legs] : null;
  if (group) for (const m of group) m.group = group;
  return parent.legs;
}
