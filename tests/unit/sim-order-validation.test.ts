import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/manual.clock.js';
import { createSimExchange } from '../../src/adapters/sim/engine/sim-exchange.js';

function sim() {
  const clock = new ManualClock('2026-11-23T15:00:00Z'); // Monday 10:00 ET, market open
  const ex = createSimExchange({ clock, seed: 7 });
  ex.market.setPrice('AAPL', 100);
  return { clock, ex };
}

const base = { symbol: 'AAPL', side: 'buy', type: 'market', time_in_force: 'day', qty: '1' };

const cases: Array<[string, Record<string, unknown>, number, number, string]> = [
  ['a missing type', { type: null }, 422, 40010001, 'type is required'],
  ['a missing time_in_force', { time_in_force: '' }, 422, 40010001, 'time_in_force is required'],
  ['an unknown type', { type: 'peg' }, 422, 40010001, 'invalid type'],
  ['neither qty nor notional', { qty: null }, 422, 40010001, 'qty is required'],
  ['both qty and notional', { notional: '50' }, 422, 40010001, 'qty and notional are mutually exclusive'],
  ['a zero qty', { qty: 0 }, 422, 40010001, 'qty must be > 0'],
  ['a notional limit order', { qty: null, notional: 50, type: 'limit', limit_price: '99' }, 422, 40010001, 'notional orders must be market orders'],
  ['a notional gtc order', { qty: null, notional: 50, time_in_force: 'gtc' }, 422, 40010001, 'fractional orders must be DAY orders'],
  ['a limit order without limit_price', { type: 'limit' }, 422, 40010001, 'limit_price is required'],
  ['a stop order without stop_price', { type: 'stop' }, 422, 40010001, 'stop_price is required'],
  ['a stop_limit order without limit_price', { type: 'stop_limit', stop_price: '101' }, 422, 40010001, 'limit_price is required'],
  ['a trailing stop without a trail', { type: 'trailing_stop' }, 422, 40010001, 'trail_price or trail_percent is required'],
  ['a trailing stop with both trails', { type: 'trailing_stop', trail_price: '1', trail_percent: '1' }, 422, 40010001, 'trail_price and trail_percent are mutually exclusive'],
  ['an extended-hours market order', { extended_hours: true }, 422, 40010001, 'only type="limit" is allowed for extended hours orders'],
  ['an extended-hours ioc limit', { extended_hours: true, type: 'limit', limit_price: '99', time_in_force: 'ioc' }, 422, 40010001, 'only time_in_force="day" or "gtc" is allowed for extended hours orders'],
  ['a sub-penny limit price', { type: 'limit', limit_price: '290.123' }, 422, 42210000, 'invalid limit_price 290.123. sub-penny increment does not fulfill minimum pricing criteria'],
  ['a sub-penny stop price', { type: 'stop', stop_price: 99.999 }, 422, 42210000, 'invalid stop_price 99.999. sub-penny increment does not fulfill minimum pricing criteria'],
  ['a client_order_id over 128 chars', { client_order_id: 'x'.repeat(129) }, 422, 40010001, 'client_order_id must be no more than 128 characters'],
  ['an unknown symbol', { symbol: 'NOPE' }, 422, 42210000, 'invalid symbol'],
  ['a multi-leg options order', { order_class: 'mleg' }, 422, 40010001, 'order_class mleg is not supported by the simulated exchange'],
  ['a bracket without its stop', { order_class: 'bracket', take_profit: { limit_price: '110' } }, 422, 40010001, 'stop_loss.stop_price is required'],
  ['a bracket without its take-profit', { order_class: 'bracket', stop_loss: { stop_price: '90' } }, 422, 40010001, 'take_profit.limit_price is required'],
  ['a fractional bracket', { order_class: 'bracket', qty: '1.5', take_profit: { limit_price: '110' }, stop_loss: { stop_price: '90' } }, 422, 40010001, 'bracket orders must be for whole shares (qty, not notional)'],
  ['a stop bracket entry', { order_class: 'bracket', type: 'stop', stop_price: '101', take_profit: { limit_price: '110' }, stop_loss: { stop_price: '90' } }, 422, 40010001, 'bracket orders must be market or limit orders'],
  ['an ioc bracket', { order_class: 'bracket', time_in_force: 'ioc', take_profit: { limit_price: '110' }, stop_loss: { stop_price: '90' } }, 422, 40010001, 'bracket orders must be day or gtc'],
  ['a take-profit under the price + 0.01', { order_class: 'bracket', take_profit: { limit_price: '100' }, stop_loss: { stop_price: '90' } }, 422, 42210000, 'take_profit.limit_price must be >= base_price + 0.01'],
  ['a stop above the price − 0.01', { order_class: 'bracket', take_profit: { limit_price: '110' }, stop_loss: { stop_price: '99.995' } }, 422, 42210000, 'invalid stop_loss.stop_price 99.995. sub-penny increment does not fulfill minimum pricing criteria'],
  ['a stop at the price', { order_class: 'bracket', take_profit: { limit_price: '110' }, stop_loss: { stop_price: '100' } }, 422, 42210000, 'stop_loss.stop_price must be <= base_price - 0.01'],
  ['a limit entry whose stop is above its limit', { order_class: 'bracket', type: 'limit', limit_price: '95', take_profit: { limit_price: '110' }, stop_loss: { stop_price: '96' } }, 422, 42210000, 'stop_loss.stop_price must be <= base_price - 0.01'],
  ['an oto with both legs', { order_class: 'oto', take_profit: { limit_price: '110' }, stop_loss: { stop_price: '90' } }, 422, 40010001, 'oto orders require exactly one of take_profit or stop_loss'],
  ['an oco with nothing held', { order_class: 'oco', side: 'sell', type: 'limit', take_profit: { limit_price: '110' }, stop_loss: { stop_price: '90' } }, 422, 42210000, 'oco orders must be exit orders'],
  ['a market oco', { order_class: 'oco', side: 'sell', take_profit: { limit_price: '120' }, stop_loss: { stop_price: '90' } }, 422, 40010001, 'oco orders must be limit orders'],
  ['an unknown order class', { order_class: 'ladder' }, 422, 40010001, 'invalid order_class'],
  ['a non-numeric qty', { qty: 'ten' }, 422, 40010001, 'invalid qty'],
];

describe('sim exchange order validation', () => {
  it.each(cases)('rejects %s', (_name, patch, status, code, message) => {
    const { ex } = sim();
    const r = ex.submitOrder({ ...base, ...patch });
    expect(r).toEqual({ ok: false, status, body: { code, message } });
  });

  it('accepts numbers as JSON numbers, explicit nulls and empty strings as absent', () => {
    const { ex } = sim();
    const r = ex.submitOrder({ ...base, qty: 2, notional: null, limit_price: '', client_order_id: '', stop_price: null });
    expect(r.ok && r.value.qty?.toFixed()).toBe('2');
  });

  it('accepts a sub-dollar limit price with 4 decimals', () => {
    const { ex } = sim();
    expect(ex.submitOrder({ ...base, type: 'limit', limit_price: '0.5123' }).ok).toBe(true);
  });

  it('refuses a reused client_order_id even after the first order was canceled', () => {
    const { ex } = sim();
    const first = ex.submitOrder({ ...base, type: 'limit', limit_price: '90', client_order_id: 'sig-1' });
    if (!first.ok) throw new Error('first submit failed');
    expect(ex.cancelOrder(first.value.id).ok).toBe(true);
    expect(ex.submitOrder({ ...base, client_order_id: 'sig-1' })).toEqual({
      ok: false, status: 422, body: { code: 40010001, message: 'client_order_id must be unique' },
    });
  });

  it('rejects an opposite-side order on a symbol with an open order as a wash trade', () => {
    const { ex } = sim();
    expect(ex.submitOrder({ ...base, type: 'limit', limit_price: '90' }).ok).toBe(true);
    ex.market.setPrice('AAPL', 100);
    expect(ex.submitOrder({ ...base, side: 'sell', type: 'limit', limit_price: '120' })).toEqual({
      ok: false, status: 403, body: { code: 40310000, message: 'potential wash trade detected. use complex orders' },
    });
  });

  it('refuses a buy beyond buying power with buying_power and cost_basis', () => {
    const { ex } = sim();
    const r = ex.submitOrder({ ...base, type: 'limit', limit_price: '100', qty: '1001' });
    expect(r).toEqual({
      ok: false, status: 403,
      body: { code: 40310000, message: 'insufficient buying power', buying_power: '100000', cost_basis: '100100' },
    });
  });

  it('reserves about 3 % above the price for market buys', () => {
    const { ex } = sim();
    // 980 × 100 × 1.03 = 100 940 > 100 000
    const r = ex.submitOrder({ ...base, qty: '980' });
    expect(!r.ok && r.body.message).toBe('insufficient buying power');
  });

  it('refuses selling a symbol not held (no shorting)', () => {
    const { ex } = sim();
    expect(ex.submitOrder({ ...base, side: 'sell', qty: '3' })).toEqual({
      ok: false, status: 403,
      body: {
        code: 40310000, message: 'insufficient qty available for order (requested: 3, available: 0)',
        available: '0', existing_qty: '0', held_for_orders: '0', symbol: 'AAPL',
      },
    });
  });

  it('answers a scripted rejection instead of accepting the next order, once', () => {
    const { ex } = sim();
    ex.faults.rejectNextOrder({ status: 500, message: 'internal server error' });
    expect(ex.submitOrder(base)).toEqual({ ok: false, status: 500, body: { message: 'internal server error' } });
    expect(ex.submitOrder(base).ok).toBe(true);
  });
});
