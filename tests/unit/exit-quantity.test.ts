import { describe, expect, it } from 'vitest';
import { classifyHttpError } from '../../src/adapters/alpaca/errors.js';
import { createSimExchange } from '../../src/adapters/sim/engine/sim-exchange.js';
import { retryQuantity } from '../../src/actors/exit-executor.js';
import { ManualClock } from '../../src/clock/manual.clock.js';
import { isQuantityRefusal } from '../../src/domain/broker-error.js';
import { dec } from '../../src/domain/money.js';
import { loadFixture } from '../support/fixtures.js';

const refusal = (status: number, body: unknown) =>
  classifyHttpError({ operation: 'POST /v2/orders', status, headers: new Headers(), bodyText: JSON.stringify(body), now: 0 });

describe('isQuantityRefusal', () => {
  it('recognises Alpaca\'s recorded 403 insufficient qty', () => {
    expect(isQuantityRefusal(refusal(403, loadFixture('error-403-insufficient-qty.json')))).toBe(true);
  });

  it('recognises a 422 about the qty, and nothing else', () => {
    expect(isQuantityRefusal(refusal(422, loadFixture('error-422-qty-must-be-integer.json')))).toBe(true);
    expect(isQuantityRefusal(refusal(403, loadFixture('error-403-insufficient-buying-power.json')))).toBe(false);
    expect(isQuantityRefusal(refusal(403, loadFixture('error-403-wash-trade.json')))).toBe(false);
    expect(isQuantityRefusal(refusal(422, loadFixture('error-422-duplicate-client-order-id.json')))).toBe(false);
  });
});

describe('the simulated exchange refusing an oversized sell', () => {
  it('answers as Alpaca does: 403 with the recorded body\'s fields', () => {
    const clock = new ManualClock('2026-11-23T15:00:00Z');
    const ex = createSimExchange({ clock, seed: 7 });
    expect(ex.submitOrder({ symbol: 'AAPL', side: 'buy', type: 'market', time_in_force: 'day', qty: '10' }).ok).toBe(true);
    ex.sync();
    const r = ex.submitOrder({ symbol: 'AAPL', side: 'sell', type: 'market', time_in_force: 'day', qty: '11' });
    const recorded = loadFixture('error-403-insufficient-qty.json') as Record<string, unknown>;
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.status).toBe(403);
    expect(Object.keys(r.body).sort()).toEqual(Object.keys(recorded).sort());
    expect(r.body).toMatchObject({ code: 40310000, message: 'insufficient qty available for order (requested: 11, available: 10)', available: '10', existing_qty: '10', held_for_orders: '0', symbol: 'AAPL' });
    expect(isQuantityRefusal(refusal(r.status, r.body))).toBe(true);
  });
});

describe('retryQuantity', () => {
  it('sells what the broker holds when it is less than the journal\'s shares, with the trade\'s shares corrected', () => {
    expect(retryQuantity(dec(6), dec(10), dec(0), dec(10))).toEqual({ kind: 'sell', qty: dec(6), shares: dec(6) });
  });

  it('never more than the trade\'s own shares', () => {
    expect(retryQuantity(dec(15), dec(10), dec(0), null)).toEqual({ kind: 'sell', qty: dec(10), shares: dec(10) });
  });

  it('sells the rest after a partial exit (shares = sold + held)', () => {
    expect(retryQuantity(dec(6), dec(10), dec(4), null)).toEqual({ kind: 'sell', qty: dec(6), shares: dec(10) });
  });

  it('says flat when the broker holds nothing', () => {
    expect(retryQuantity(dec(0), dec(10), dec(0), dec(10))).toEqual({ kind: 'flat' });
  });

  it('refuses to send again exactly the quantity the broker refused', () => {
    expect(retryQuantity(dec(10), dec(10), dec(0), dec(10))).toEqual({ kind: 'refused_again', qty: dec(10) });
    // a refusal that was not about the quantity may be retried with it
    expect(retryQuantity(dec(10), dec(10), dec(0), null)).toEqual({ kind: 'sell', qty: dec(10), shares: dec(10) });
  });
});
