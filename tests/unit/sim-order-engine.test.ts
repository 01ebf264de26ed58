import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/manual.clock.js';
import { createSimExchange } from '../../src/adapters/sim/engine/sim-exchange.js';
import type { TradeUpdate } from '../../src/domain/trade-update.js';
import type { Order } from '../../src/domain/order.js';
import type { SimResult } from '../../src/adapters/sim/exchange.types.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function sim(start = '2026-11-23T15:00:00Z') {
  const clock = new ManualClock(start);
  const ex = createSimExchange({ clock, seed: 3 });
  const events: TradeUpdate[] = [];
  ex.tradeUpdates$.subscribe((e) => events.push(e));
  ex.market.setPrice('AAPL', 100);
  return { clock, ex, events };
}

function value<T>(r: SimResult<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.status} ${JSON.stringify(r.body)}`);
  return r.value;
}

const buy = (qty: string, extra: Record<string, unknown> = {}) =>
  ({ symbol: 'AAPL', side: 'buy', type: 'market', time_in_force: 'day', qty, ...extra });

describe('sim exchange order engine', () => {
  it('fills a market buy in session with new → fill and books cash, position and equity', () => {
    const { ex, events } = sim();
    const order = value(ex.submitOrder(buy('10')));
    expect(order.status).toBe('pending_new');
    expect(order.id).toMatch(UUID);
    ex.sync();
    expect(events.map((e) => e.event)).toEqual(['new', 'fill']);
    const fill = events[1]!;
    expect(fill.executionId).toMatch(UUID);
    expect([fill.price?.toFixed(), fill.qty?.toFixed(), fill.positionQty?.toFixed()]).toEqual(['100', '10', '10']);
    expect(fill.order.status).toBe('filled');
    expect(fill.order.filledAvgPrice?.toFixed()).toBe('100');
    const account = ex.account();
    expect([account.cash.toFixed(), account.equity.toFixed(), account.buyingPower.toFixed()]).toEqual(['99000', '100000', '99000']);
    const position = value(ex.position('AAPL'));
    expect([position.qty.toFixed(), position.avgEntryPrice.toFixed(), position.marketValue?.toFixed()]).toEqual(['10', '100', '1000']);
  });

  it('reports partial fills per execution with cumulative filled_qty and VWAP filled_avg_price', () => {
    const { ex, events } = sim();
    ex.faults.partialFills(2);
    value(ex.submitOrder(buy('30')));
    ex.sync();
    ex.market.setPrice('AAPL', 103);
    ex.sync();
    ex.market.setPrice('AAPL', 106);
    ex.sync();
    const fills = events.filter((e) => e.qty !== null);
    expect(fills.map((e) => [e.event, e.qty?.toFixed(), e.price?.toFixed(), e.order.filledQty.toFixed()])).toEqual([
      ['partial_fill', '10', '100', '10'], ['partial_fill', '10', '103', '20'], ['fill', '10', '106', '30'],
    ]);
    expect(fills[2]!.order.filledAvgPrice?.toFixed()).toBe('103');
    expect(value(ex.position('AAPL')).avgEntryPrice.toFixed()).toBe('103');
  });

  it('fills a limit buy only once the price crosses the limit', () => {
    const { ex, events } = sim();
    const order = value(ex.submitOrder(buy('5', { type: 'limit', limit_price: '99' })));
    ex.sync();
    ex.market.setPrice('AAPL', 99.01);
    ex.sync();
    expect(value(ex.getOrder(order.id)).status).toBe('new');
    ex.market.setPrice('AAPL', 98.7);
    ex.sync();
    expect(events.map((e) => e.event)).toEqual(['new', 'fill']);
    expect(events[1]!.price?.toFixed()).toBe('98.7');
  });

  it('triggers a sell stop when the price falls through it and fills as market', () => {
    const { ex, events } = sim();
    value(ex.submitOrder(buy('4')));
    ex.sync();
    const stop = value(ex.submitOrder(buy('4', { side: 'sell', type: 'stop', stop_price: '95' })));
    ex.market.setPrice('AAPL', 96);
    ex.sync();
    expect(value(ex.getOrder(stop.id)).status).toBe('new');
    ex.market.setPrice('AAPL', 94.5);
    ex.sync();
    expect(events.at(-1)).toMatchObject({ event: 'fill', positionQty: expect.anything() });
    expect(events.at(-1)!.positionQty?.toFixed()).toBe('0');
    expect(ex.position('AAPL')).toEqual({ ok: false, status: 404, body: { code: 40410000, message: 'position does not exist' } });
    expect(ex.account().cash.toFixed()).toBe('99978'); // −400 + 378
  });

  it('buys a notional amount as fractional qty with up to 9 decimals', () => {
    const { ex, events } = sim();
    ex.market.setPrice('AAPL', 300);
    const order = value(ex.submitOrder(buy('', { qty: null, notional: 1000 })));
    expect(order.qty).toBeNull();
    ex.sync();
    expect(events.at(-1)!.qty?.toFixed()).toBe('3.333333333');
  });

  it('cancels an open order with a canceled event, then answers 422 not cancelable', () => {
    const { ex, events } = sim();
    const order = value(ex.submitOrder(buy('5', { type: 'limit', limit_price: '90' })));
    ex.sync();
    expect(ex.cancelOrder(order.id)).toEqual({ ok: true, value: undefined });
    expect(events.at(-1)).toMatchObject({ event: 'canceled' });
    expect(events.at(-1)!.order.canceledAt).not.toBeNull();
    expect(ex.cancelOrder(order.id)).toEqual({ ok: false, status: 422, body: { code: 42210000, message: 'order is not cancelable' } });
  });

  it('answers 404 for an unknown order id and 422 for a malformed one', () => {
    const { ex } = sim();
    expect(ex.cancelOrder('00000000-0000-4000-8000-000000000000')).toEqual({ ok: false, status: 404, body: { code: 40410000, message: 'order not found' } });
    expect(ex.getOrder('not-a-uuid')).toEqual({ ok: false, status: 422, body: { code: 40010001, message: 'order_id is missing' } });
    expect(ex.getOrderByClientOrderId('nope').ok).toBe(false);
  });

  it('refuses a sell of shares held for an open sell order with the held quantities', () => {
    const { ex } = sim();
    value(ex.submitOrder(buy('10')));
    ex.sync();
    value(ex.submitOrder(buy('10', { side: 'sell', type: 'limit', limit_price: '150' })));
    expect(value(ex.position('AAPL')).qtyAvailable?.toFixed()).toBe('0');
    expect(ex.submitOrder(buy('5', { side: 'sell' }))).toEqual({
      ok: false, status: 403,
      body: {
        code: 40310000, message: 'insufficient qty available for order (requested: 5, available: 0)',
        available: '0', existing_qty: '10', held_for_orders: '10', symbol: 'AAPL',
      },
    });
  });

  it('expires an unfilled day order at the close and keeps a gtc order', () => {
    const { clock, ex, events } = sim();
    const day = value(ex.submitOrder(buy('1', { type: 'limit', limit_price: '50' })));
    const gtc = value(ex.submitOrder(buy('1', { type: 'limit', limit_price: '50', time_in_force: 'gtc' })));
    ex.sync();
    clock.set('2026-11-23T21:00:01Z'); // 16:00:01 ET
    ex.sync();
    const expired = events.filter((e) => e.event === 'expired');
    expect(expired.map((e) => e.order.id)).toEqual([day.id]);
    expect(expired[0]!.timestamp).toBe(Date.parse('2026-11-23T21:00:00Z'));
    expect(value(ex.getOrder(gtc.id)).status).toBe('new');
  });

  it('accepts a market order outside the session and fills it at the open', () => {
    const { clock, ex, events } = sim('2026-11-23T12:00:00Z'); // 07:00 ET
    const order = value(ex.submitOrder(buy('2')));
    expect(order.status).toBe('accepted');
    ex.sync();
    expect(events).toEqual([]);
    clock.set('2026-11-23T14:30:00Z');
    ex.sync();
    expect(events.map((e) => e.event)).toEqual(['new', 'fill']);
    expect(events[1]!.timestamp).toBe(Date.parse('2026-11-23T14:30:00Z'));
  });

  it('keeps orders at new while fills are held, and rejects asynchronously when scripted', () => {
    const { ex, events } = sim();
    ex.faults.holdFills(true);
    const held = value(ex.submitOrder(buy('1')));
    ex.sync();
    expect(value(ex.getOrder(held.id)).status).toBe('new');
    ex.faults.holdFills(false);
    ex.faults.rejectNextOrderAsync();
    const doomed = value(ex.submitOrder(buy('1')));
    ex.sync();
    expect(events.filter((e) => e.order.id === doomed.id).map((e) => e.event)).toEqual(['rejected']);
    expect(value(ex.getOrder(held.id)).status).toBe('filled');
  });

  it('closes part of a position by percentage and refuses qty with percentage', () => {
    const { ex } = sim();
    value(ex.submitOrder(buy('10')));
    ex.sync();
    expect(ex.closePosition('AAPL', { qty: '1', percentage: '50' })).toMatchObject({ ok: false, status: 422 });
    const close = value(ex.closePosition('AAPL', { percentage: '25' }));
    expect([close.side, close.type, close.qty?.toFixed()]).toEqual(['sell', 'market', '2']);
    ex.sync();
    expect(value(ex.position('AAPL')).qty.toFixed()).toBe('8');
  });

  it('closes all positions after canceling open orders when asked', () => {
    const { ex } = sim();
    ex.market.setPrice('MSFT', 400);
    value(ex.submitOrder(buy('10')));
    value(ex.submitOrder({ ...buy('1'), symbol: 'MSFT' }));
    ex.sync();
    value(ex.submitOrder(buy('10', { side: 'sell', type: 'limit', limit_price: '500' })));
    const without = ex.closeAllPositions(false);
    expect(without.map((r) => [r.symbol, r.status])).toEqual([['AAPL', 403], ['MSFT', 200]]);
    ex.sync();
    const withCancel = ex.closeAllPositions(true);
    expect(withCancel.map((r) => [r.symbol, r.status])).toEqual([['AAPL', 200]]);
    expect((withCancel[0]!.body as Order).side).toBe('sell');
  });

  it('cancels every open order in one call with per-order status 200', () => {
    const { ex } = sim();
    const a = value(ex.submitOrder(buy('1', { type: 'limit', limit_price: '90' })));
    const b = value(ex.submitOrder(buy('1', { type: 'limit', limit_price: '91' })));
    expect(ex.cancelAllOrders()).toEqual([{ id: a.id, status: 200 }, { id: b.id, status: 200 }]);
    expect(ex.cancelAllOrders()).toEqual([]);
  });
});
