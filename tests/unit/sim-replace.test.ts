/**
 * PATCH /v2/orders/{id} on the simulated exchange (order-replace.ts): a new order in the old one's
 * place, the old one `replaced`, and the refusals Alpaca documents.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/manual.clock.js';
import { createSimExchange } from '../../src/adapters/sim/engine/sim-exchange.js';
import type { SimResult } from '../../src/adapters/sim/exchange.types.js';
import type { TradeUpdate } from '../../src/domain/trade-update.js';
import { loadFixture } from '../support/fixtures.js';

function value<T>(r: SimResult<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.status} ${JSON.stringify(r.body)}`);
  return r.value;
}

function refusal<T>(r: SimResult<T>): { status: number; message: string } {
  if (r.ok) throw new Error('expected a refusal');
  return { status: r.status, message: String(r.body.message) };
}

/** 10 AAPL held at 100, a working sell stop for them at 95 */
function holdingWithStop(qty = '10') {
  const clock = new ManualClock('2026-11-23T15:00:00Z');
  const ex = createSimExchange({ clock, seed: 5 });
  ex.market.setPrice('AAPL', 100);
  value(ex.submitOrder({ symbol: 'AAPL', side: 'buy', type: 'market', time_in_force: 'day', qty }));
  ex.sync();
  const stop = value(ex.submitOrder({ symbol: 'AAPL', side: 'sell', type: 'stop', stop_price: '95', time_in_force: 'day', qty, client_order_id: 'k-s1' }));
  ex.sync();
  const events: TradeUpdate[] = [];
  ex.tradeUpdates$.subscribe((e) => events.push(e));
  return { clock, ex, stop, events };
}

describe('sim exchange: replacing an order', () => {
  it('answers a new order in the old one\'s place: new id, `replaces`; the old one `replaced` with `replaced_by`; the rest copied', () => {
    const { ex, stop, events } = holdingWithStop();
    const next = value(ex.replaceOrder(stop.id, { stop_price: '97.5', client_order_id: 'k-s2' }));
    expect(next).toMatchObject({ clientOrderId: 'k-s2', status: 'new', replaces: stop.id, side: 'sell', type: 'stop', timeInForce: 'day' });
    expect(next.id).not.toBe(stop.id);
    expect([next.stopPrice?.toFixed(), next.qty?.toFixed()]).toEqual(['97.5', '10']);
    expect(value(ex.getOrder(stop.id))).toMatchObject({ status: 'replaced', replacedBy: next.id });
    expect(events.map((e) => [e.event, e.order.id])).toEqual([['replaced', stop.id], ['new', next.id]]);
    expect(value(ex.listOrders({ status: 'open' })).map((o) => o.id)).toEqual([next.id]);
    // the replacement works: it sells at its own level
    ex.market.setPrice('AAPL', 97);
    ex.sync();
    expect(value(ex.getOrder(next.id)).status).toBe('filled');
  });

  it('generates a client order id when the body has none, and refuses one already used', () => {
    const { ex, stop } = holdingWithStop();
    expect(refusal(ex.replaceOrder(stop.id, { stop_price: '96', client_order_id: 'k-s1' }))).toMatchObject({ status: 422, message: 'client_order_id must be unique' });
    const next = value(ex.replaceOrder(stop.id, { stop_price: '96' }));
    expect(next.clientOrderId).not.toBe('k-s1');
  });

  it('refuses an unknown, an ended, a fractional quantity change, a notional order and a wrong price field, changing nothing', () => {
    const { ex, stop } = holdingWithStop('2.5');
    expect(refusal(ex.replaceOrder('00000000-0000-4000-8000-000000000000', { stop_price: '96' })).status).toBe(404);
    expect(refusal(ex.replaceOrder('nope', { stop_price: '96' })).status).toBe(422);
    expect(refusal(ex.replaceOrder(stop.id, { qty: '2' }))).toMatchObject({ status: 422, message: 'the quantity of a fractional order cannot be changed' });
    expect(refusal(ex.replaceOrder(stop.id, { limit_price: '96' })).status).toBe(422);
    expect(refusal(ex.replaceOrder(stop.id, { stop_price: '96.123' })).status).toBe(422);
    expect(refusal(ex.replaceOrder(stop.id, { stop_price: '96', time_in_force: 'gtc' })).message).toBe('fractional orders must be DAY orders');
    value(ex.cancelOrder(stop.id));
    expect(refusal(ex.replaceOrder(stop.id, { stop_price: '96' })).message).toBe('order is not replaceable: it is canceled');
    ex.faults.holdFills(true);
    const notional = value(ex.submitOrder({ symbol: 'AAPL', side: 'buy', type: 'market', time_in_force: 'day', notional: '50' }));
    ex.sync();
    expect(refusal(ex.replaceOrder(notional.id, { qty: '1' })).message).toBe('notional orders cannot be replaced');
    expect(value(ex.listOrders({ status: 'all' })).filter((o) => o.status === 'replaced')).toEqual([]);
  });

  it('changes a whole-share quantity within what the holding leaves free, the old order\'s shares given back', () => {
    const { ex, stop } = holdingWithStop('10');
    expect(refusal(ex.replaceOrder(stop.id, { qty: '11' }))).toMatchObject({ status: 403 });
    const next = value(ex.replaceOrder(stop.id, { qty: '4' }));
    expect(next.qty?.toFixed()).toBe('4');
    expect(value(ex.position('AAPL')).qtyAvailable?.toFixed()).toBe('6');
  });

  it("takes Alpaca's own example body (qty, limit price and time in force of a resting limit order)", () => {
    const clock = new ManualClock('2026-11-23T15:00:00Z');
    const ex = createSimExchange({ clock, seed: 5 });
    ex.market.setPrice('AAPL', 160);
    const resting = value(ex.submitOrder({ symbol: 'AAPL', side: 'buy', type: 'limit', limit_price: '150', time_in_force: 'day', qty: '2' }));
    ex.sync();
    const next = value(ex.replaceOrder(resting.id, loadFixture('request-patch-order-equity.json')));
    expect([next.qty?.toFixed(), next.limitPrice?.toFixed(), next.timeInForce, next.status]).toEqual(['4', '155', 'gtc', 'new']);
  });

  it('refuses while the fault switch is on, and replaces again once it is off', () => {
    const { ex, stop } = holdingWithStop();
    ex.faults.refuseReplaces(true);
    expect(refusal(ex.replaceOrder(stop.id, { stop_price: '96' })).status).toBe(422);
    ex.faults.refuseReplaces(false);
    expect(value(ex.replaceOrder(stop.id, { stop_price: '96' })).replaces).toBe(stop.id);
  });

  it('moves a bracket\'s stop leg: the replacement takes its place in the OCO group (the take-profit\'s fill cancels it)', () => {
    const clock = new ManualClock('2026-11-23T15:00:00Z');
    const ex = createSimExchange({ clock, seed: 5 });
    ex.market.setPrice('AAPL', 100);
    const parent = value(ex.submitOrder({
      symbol: 'AAPL', side: 'buy', type: 'market', time_in_force: 'day', qty: '3', order_class: 'bracket',
      take_profit: { limit_price: '110' }, stop_loss: { stop_price: '95' },
    }));
    ex.sync();
    const legs = value(ex.getOrder(parent.id)).legs!;
    const stopLeg = legs.find((l) => l.type === 'stop')!;
    const moved = value(ex.replaceOrder(stopLeg.id, { stop_price: '97' }));
    expect(refusal(ex.replaceOrder(moved.id, { qty: '2' })).message).toBe('the quantity of a bracket or oco leg cannot be changed');
    expect(value(ex.getOrder(parent.id)).legs!.map((l) => l.id).sort()).toEqual([legs.find((l) => l.type === 'limit')!.id, moved.id].sort());
    ex.market.setPrice('AAPL', 111);
    ex.sync();
    expect(value(ex.getOrder(moved.id)).status).toBe('canceled');
  });
});
