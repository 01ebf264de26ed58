import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/manual.clock.js';
import { createSimExchange } from '../../src/adapters/sim/engine/sim-exchange.js';
import type { TradeUpdate } from '../../src/domain/trade-update.js';
import type { SimResult } from '../../src/adapters/sim/exchange.types.js';

function value<T>(r: SimResult<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.status} ${JSON.stringify(r.body)}`);
  return r.value;
}

function sim(start = '2026-11-23T15:00:00Z') {
  const clock = new ManualClock(start);
  const ex = createSimExchange({ clock, seed: 5 });
  const events: TradeUpdate[] = [];
  ex.tradeUpdates$.subscribe((e) => events.push(e));
  ex.market.setPrice('AAPL', 100);
  return { clock, ex, events };
}

const order = (extra: Record<string, unknown>) => ({ symbol: 'AAPL', side: 'buy', type: 'market', time_in_force: 'day', qty: '1', ...extra });

describe('sim exchange order types', () => {
  it('trails a sell stop below the high-water mark and fills when the price falls through it', () => {
    const { ex, events } = sim();
    value(ex.submitOrder(order({ qty: '2' })));
    ex.sync();
    const trail = value(ex.submitOrder(order({ side: 'sell', type: 'trailing_stop', trail_price: '2', qty: '2' })));
    ex.sync();
    ex.market.setPrice('AAPL', 110);
    ex.sync();
    const working = value(ex.getOrder(trail.id));
    expect([working.status, working.hwm?.toFixed(), working.stopPrice?.toFixed()]).toEqual(['new', '110', '108']);
    ex.market.setPrice('AAPL', 108.5);
    ex.sync();
    expect(value(ex.getOrder(trail.id)).status).toBe('new');
    ex.market.setPrice('AAPL', 107.9);
    ex.sync();
    expect(events.at(-1)).toMatchObject({ event: 'fill' });
    expect(events.at(-1)!.price?.toFixed()).toBe('107.9');
  });

  it('cancels an ioc limit that cannot execute on arrival', () => {
    const { ex, events } = sim();
    value(ex.submitOrder(order({ type: 'limit', limit_price: '90', time_in_force: 'ioc' })));
    ex.sync();
    expect(events.map((e) => e.event)).toEqual(['new', 'canceled']);
  });

  it('fills an extended-hours limit order pre-market while a regular one waits for the open', () => {
    const { clock, ex, events } = sim('2026-11-23T13:00:00Z'); // 08:00 ET
    ex.market.setPrice('AAPL', 100);
    const ext = value(ex.submitOrder(order({ type: 'limit', limit_price: '101', extended_hours: true })));
    const regular = value(ex.submitOrder(order({ type: 'limit', limit_price: '101' })));
    expect([ext.status, regular.status]).toEqual(['pending_new', 'accepted']);
    ex.sync();
    expect(events.map((e) => [e.order.id, e.event])).toEqual([[ext.id, 'new'], [ext.id, 'fill']]);
    clock.set('2026-11-23T14:30:00Z');
    ex.market.setPrice('AAPL', 100);
    ex.sync();
    expect(value(ex.getOrder(regular.id)).status).toBe('filled');
  });

  it('expires an extended-hours day order at the end of the after-hours session, not at 16:00', () => {
    const { clock, ex, events } = sim();
    value(ex.submitOrder(order({ type: 'limit', limit_price: '50', extended_hours: true })));
    ex.sync();
    clock.set('2026-11-23T21:30:00Z'); // 16:30 ET
    ex.sync();
    expect(events.some((e) => e.event === 'expired')).toBe(false);
    clock.set('2026-11-24T01:00:00Z'); // 20:00 ET
    ex.sync();
    expect(events.at(-1)).toMatchObject({ event: 'expired', timestamp: Date.parse('2026-11-24T01:00:00Z') });
  });

  it('expires day orders at the close even when the clock jumps over several days', () => {
    const { clock, ex, events } = sim();
    value(ex.submitOrder(order({ type: 'limit', limit_price: '50' })));
    clock.set('2026-11-25T15:00:00Z');
    ex.sync();
    expect(events.map((e) => [e.event, e.timestamp])).toEqual([['expired', Date.parse('2026-11-23T21:00:00Z')]]);
  });

  it('releases the buying power of a canceled buy', () => {
    const { ex } = sim();
    const o = value(ex.submitOrder(order({ type: 'limit', limit_price: '100', qty: '100' })));
    expect(ex.account().buyingPower.toFixed()).toBe('90000');
    value(ex.cancelOrder(o.id));
    expect(ex.account().buyingPower.toFixed()).toBe('100000');
  });
});

describe('sim exchange order classes', () => {
  const bracket = (extra: Record<string, unknown> = {}) => order({ qty: '10', order_class: 'bracket', take_profit: { limit_price: '110' }, stop_loss: { stop_price: '95' }, ...extra });

  it('holds a bracket\'s legs until the entry fills, then works them for what it bought', () => {
    const { ex, events } = sim();
    ex.faults.holdFills(true);
    const parent = value(ex.submitOrder(bracket()));
    expect(parent.orderClass).toBe('bracket');
    expect(parent.legs?.map((l) => [l.side, l.type, l.status, l.limitPrice?.toFixed() ?? l.stopPrice?.toFixed()])).toEqual([['sell', 'limit', 'held', '110'], ['sell', 'stop', 'held', '95']]);
    // held legs are open orders at the broker; nothing sells before the entry filled
    expect(value(ex.listOrders({ status: 'open' })).map((o) => o.status).sort()).toEqual(['held', 'held', 'pending_new']);
    ex.faults.holdFills(false);
    ex.sync();
    const after = value(ex.getOrder(parent.id));
    expect(after.status).toBe('filled');
    expect(after.legs?.map((l) => [l.status, l.qty?.toFixed()])).toEqual([['new', '10'], ['new', '10']]);
    expect(events.filter((e) => e.event === 'new').map((e) => e.order.type)).toEqual(['market', 'limit', 'stop']);
    // the legs share the shares: nothing else may sell them
    expect(ex.submitOrder(order({ side: 'sell', qty: '1' }))).toMatchObject({ ok: false, status: 403 });
  });

  it('fills the take-profit leg and cancels the stop leg (one cancels the other)', () => {
    const { ex } = sim();
    const parent = value(ex.submitOrder(bracket()));
    ex.sync();
    ex.market.setPrice('AAPL', 110.5);
    ex.sync();
    const [tp, sl] = value(ex.getOrder(parent.id)).legs!;
    expect([tp!.status, tp!.filledAvgPrice?.toFixed(), sl!.status]).toEqual(['filled', '110.5', 'canceled']);
    expect(ex.position('AAPL')).toMatchObject({ ok: false, status: 404 });
  });

  it('cancels both legs when one is cancelled, and the legs of an entry that ends unfilled', () => {
    const { ex } = sim();
    const parent = value(ex.submitOrder(bracket()));
    ex.sync();
    const [tp, sl] = value(ex.getOrder(parent.id)).legs!;
    expect(ex.cancelOrder(sl!.id).ok).toBe(true);
    expect([value(ex.getOrder(tp!.id)).status, value(ex.getOrder(sl!.id)).status]).toEqual(['canceled', 'canceled']);
    ex.faults.holdFills(true);
    const unfilled = value(ex.submitOrder(bracket({ symbol: 'MSFT', take_profit: { limit_price: String(Math.ceil(ex.market.price('MSFT')! * 1.1)) }, stop_loss: { stop_price: String(Math.floor(ex.market.price('MSFT')! * 0.9)) } })));
    expect(ex.cancelOrder(unfilled.id).ok).toBe(true);
    expect(value(ex.getOrder(unfilled.id)).legs?.map((l) => l.status)).toEqual(['canceled', 'canceled']);
  });

  it('works an oco exit: its limit and its stop sell the same shares, the first to execute cancels the other', () => {
    const { ex } = sim();
    value(ex.submitOrder(order({ qty: '5' })));
    ex.sync();
    const oco = value(ex.submitOrder(order({ side: 'sell', qty: '5', type: 'limit', order_class: 'oco', take_profit: { limit_price: '120' }, stop_loss: { stop_price: '95' } })));
    ex.sync();
    ex.market.setPrice('AAPL', 94);
    ex.sync();
    const after = value(ex.getOrder(oco.id));
    expect([after.status, after.legs?.[0]?.status, after.legs?.[0]?.filledQty.toFixed()]).toEqual(['canceled', 'filled', '5']);
  });
});
