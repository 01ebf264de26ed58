import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BrokerError } from '../../src/domain/broker-error.js';
import { dec } from '../../src/domain/money.js';
import { insertTrade } from '../../src/adapters/postgres/index.js';
import { eventually } from '../support/eventually.js';
import { createTestDb, type TestDb } from '../support/test-db.js';
import { reload, startPositionsHarness, type PositionsHarness } from '../support/positions-harness.js';

let t: TestDb;
let h: PositionsHarness;

beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });
beforeEach(async () => {
  await t.truncate();
  h = await startPositionsHarness(t);
  await h.supervisor.start();
});
afterEach(async () => { await h.close(); });

describe('entry fills and price fallbacks', () => {
  it('keeps a trade open with what filled when the entry is canceled after a partial fill', async () => {
    h.sim.core.faults.partialFills(3);
    const trade = await h.enter('AAPL');
    await h.next('opened', (e) => e.tradeId === trade.id);
    const order = await h.alpaca.broker.getOrderByClientOrderId(trade.entryClientOrderId!);
    await h.alpaca.broker.cancelOrder(order!.id);
    const position = await h.alpaca.broker.getPosition('AAPL');
    const row = await eventually(async () => {
      const r = await reload(t, trade.id);
      if (!r.shares!.eq(position!.qty)) throw new Error(`shares ${r.shares!.toFixed()} ≠ position ${position!.qty.toFixed()}`);
      return r;
    });
    expect(row.status).toBe('open');
    expect(row.shares!.lt(dec(1000).div(row.entryPrice!))).toBe(true); // less than the notional would buy
    expect(h.supervisor.trackedCount()).toBe(1);
  });

  it('resolves an unknown entry outcome by client order id, with no second POST', async () => {
    const coid = 'keel-unknown-1';
    const trade = await insertTrade(t.db, { symbol: 'MSFT', side: 'buy', status: 'pending_entry', entryClientOrderId: coid, notional: dec('500') }, h.sim.clock.now());
    const placed = await h.alpaca.broker.submitOrder({ symbol: 'MSFT', side: 'buy', type: 'market', timeInForce: 'day', clientOrderId: coid, notional: dec('500') });
    expect(placed.kind).toBe('accepted');
    const opened = h.next('opened', (e) => e.tradeId === trade.id);
    h.supervisor.entrySubmitted(trade, { kind: 'unknown', clientOrderId: coid, error: new BrokerError({ category: 'timeout', operation: 'POST /v2/orders', message: 'timed out' }) });
    await opened;
    expect((await reload(t, trade.id)).entryOrderId).not.toBeNull();
    expect(h.sim.server.faults.requests.filter((r) => r.method === 'POST' && r.path === '/v2/orders')).toHaveLength(1);
  });

  it('cancels the trade when an unknown entry turns out never to have reached the broker', async () => {
    const coid = 'keel-never-sent';
    const trade = await insertTrade(t.db, { symbol: 'MSFT', side: 'buy', status: 'pending_entry', entryClientOrderId: coid, notional: dec('500') }, h.sim.clock.now());
    const cancelled = h.next('cancelled', (e) => e.tradeId === trade.id);
    h.supervisor.entrySubmitted(trade, { kind: 'unknown', clientOrderId: coid, error: new BrokerError({ category: 'network', operation: 'POST /v2/orders', message: 'socket hang up' }) });
    expect((await cancelled).reason).toContain('never reached the broker');
    expect((await reload(t, trade.id)).status).toBe('cancelled');
  });

  it('exits on a snapshot price while the market-data stream is down', async () => {
    const subscribed = h.subscribed('AAPL');
    const trade = await h.enter('AAPL');
    await h.next('opened', (e) => e.tradeId === trade.id);
    await subscribed;
    await h.alpaca.marketDataStream.stop();
    const entry = (await reload(t, trade.id)).entryPrice!.toNumber();
    const closed = h.next('closed', (e) => e.tradeId === trade.id);
    h.sim.core.market.setPrice('AAPL', entry * 0.8);
    h.sim.clock.advance(5_000); // one poll period without a live tick
    expect((await closed).reason).toBe('hard_stop');
  });
});
