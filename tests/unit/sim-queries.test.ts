import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/manual.clock.js';
import { createSimExchange } from '../../src/adapters/sim/engine/sim-exchange.js';
import type { SimResult } from '../../src/adapters/sim/exchange.types.js';

function value<T>(r: SimResult<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.status} ${JSON.stringify(r.body)}`);
  return r.value;
}

/** three filled buys a minute apart and one open limit order */
function withHistory() {
  const clock = new ManualClock('2026-11-23T15:00:00Z');
  const ex = createSimExchange({ clock, seed: 11 });
  const ids: string[] = [];
  for (const symbol of ['AAPL', 'MSFT', 'AAPL']) {
    ids.push(value(ex.submitOrder({ symbol, side: 'buy', type: 'market', time_in_force: 'day', qty: 1 })).id);
    ex.sync();
    clock.advance(60_000);
  }
  ids.push(value(ex.submitOrder({ symbol: 'TSLA', side: 'buy', type: 'limit', time_in_force: 'gtc', qty: 1, limit_price: 1 })).id);
  return { clock, ex, ids };
}

describe('sim exchange queries', () => {
  it('lists open orders by default, newest first', () => {
    const { ex, ids } = withHistory();
    expect(value(ex.listOrders({})).map((o) => o.id)).toEqual([ids[3]]);
    expect(value(ex.listOrders({ status: 'all' })).map((o) => o.id)).toEqual([...ids].reverse());
  });

  it('filters by status, symbols, side and exclusive after/until, ascending', () => {
    const { ex, ids } = withHistory();
    expect(value(ex.listOrders({ status: 'closed', symbols: 'AAPL', direction: 'asc' })).map((o) => o.id)).toEqual([ids[0], ids[2]]);
    expect(value(ex.listOrders({ status: 'all', side: 'sell' }))).toEqual([]);
    const q = { status: 'all', after: '2026-11-23T15:00:00Z', until: '2026-11-23T15:02:00Z', direction: 'asc' };
    expect(value(ex.listOrders(q)).map((o) => o.id)).toEqual([ids[1]]);
    expect(value(ex.listOrders({ status: 'all', limit: '2' })).map((o) => o.id)).toEqual([ids[3], ids[2]]);
  });

  it('rejects a limit over 500 and an unparsable after with 422', () => {
    const { ex } = withHistory();
    expect(ex.listOrders({ limit: '501' })).toMatchObject({ ok: false, status: 422, body: { code: 40010001 } });
    expect(ex.listOrders({ after: 'yesterday' })).toMatchObject({ ok: false, status: 422, body: { message: 'failed to parse after' } });
  });

  it('pages fill activities with page_token = id of the last item', () => {
    const { ex, ids } = withHistory();
    const page1 = value(ex.fillActivities({ direction: 'asc', page_size: '2' }));
    expect(page1.map((a) => a.orderId)).toEqual([ids[0], ids[1]]);
    expect(page1[0]!.id).toMatch(/^20261123100000000::[0-9a-f-]{36}$/);
    const page2 = value(ex.fillActivities({ direction: 'asc', page_size: '2', page_token: page1[1]!.id }));
    expect(page2.map((a) => a.orderId)).toEqual([ids[2]]);
    expect(value(ex.fillActivities({})).map((a) => a.orderId)).toEqual([ids[2], ids[1], ids[0]]);
    expect(ex.fillActivities({ page_size: '101' })).toMatchObject({ ok: false, status: 422 });
  });

  it('uses the execution id of the stream as the uuid part of the activity id', () => {
    const clock = new ManualClock('2026-11-23T15:00:00Z');
    const ex = createSimExchange({ clock });
    const executions: string[] = [];
    ex.tradeUpdates$.subscribe((e) => e.executionId && executions.push(e.executionId));
    value(ex.submitOrder({ symbol: 'SPY', side: 'buy', type: 'market', time_in_force: 'day', qty: '1' }));
    ex.sync();
    expect(value(ex.fillActivities({})).map((a) => a.id.split('::')[1])).toEqual(executions);
  });

  it('answers the market clock and the calendar from the injected clock', () => {
    const clock = new ManualClock('2026-11-25T22:00:00Z'); // Wednesday 17:00 ET before Thanksgiving
    const ex = createSimExchange({ clock });
    expect(ex.marketClock()).toEqual({
      timestamp: clock.now(), isOpen: false,
      nextOpen: Date.parse('2026-11-27T14:30:00Z'), nextClose: Date.parse('2026-11-27T18:00:00Z'),
    });
    expect(value(ex.calendar('2026-11-26', '2026-11-27')).map((d) => [d.date, d.close])).toEqual([['2026-11-27', '13:00']]);
    expect(ex.calendar('soon', '2026-11-27')).toMatchObject({ ok: false, status: 422 });
  });

  it('reports the market open at all hours when pinned open', () => {
    const clock = new ManualClock('2026-11-26T03:00:00Z'); // Thanksgiving night
    const ex = createSimExchange({ clock, pinnedOpen: true });
    expect(ex.marketClock().isOpen).toBe(true);
    const order = value(ex.submitOrder({ symbol: 'SPY', side: 'buy', type: 'market', time_in_force: 'day', qty: '1' }));
    expect(order.status).toBe('pending_new');
    ex.sync();
    expect(value(ex.getOrder(order.id)).status).toBe('filled');
  });
});
