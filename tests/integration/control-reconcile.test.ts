/**
 * Startup reconciliation end to end: the broker side set up through the real adapter against the
 * simulated exchange, the journal side with insertTrade on real PostgreSQL, then boot().
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getDailyStats, insertTrade, listTrades } from '../../src/adapters/postgres/index.js';
import type { KeelBotControl } from '../../src/control/lifecycle/bot-control.js';
import { dec } from '../../src/domain/money.js';
import type { Order, OrderRequest } from '../../src/domain/order.js';
import type { NewTrade, Trade } from '../../src/domain/trade.js';
import { bootReconciled, journalOf, limitOrder, marketOrder, startControlHarness, type ControlHarness } from '../support/control-harness.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

let t: TestDb;
let h: ControlHarness;
let control: KeelBotControl;

beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });
beforeEach(async () => {
  await t.truncate();
  h = await startControlHarness(t);
  control = h.newControl();
});
afterEach(async () => { await h.close(); });

async function place(request: OrderRequest): Promise<Order> {
  const outcome = await h.alpaca.broker.submitOrder(request);
  if (outcome.kind !== 'accepted') throw new Error(`setup order ${request.clientOrderId} not accepted`);
  h.sim.core.sync();
  const order = await h.alpaca.broker.getOrder(outcome.order.id);
  if (!order) throw new Error('setup order vanished');
  return order;
}

const journalTrade = (trade: Omit<NewTrade, 'side'> & { side?: 'buy' | 'sell' }): Promise<Trade> =>
  insertTrade(t.db, { side: 'buy', entryAt: h.sim.clock.now(), ...trade }, h.clock.now());

const pending = (clientOrderId: string, symbol = 'AAPL') => journalTrade({ symbol, status: 'pending_entry', entryClientOrderId: clientOrderId, entryAt: null });

const tradeById = async (id: string): Promise<Trade> => {
  const found = (await listTrades(t.db, {})).find((x) => x.id === id);
  if (!found) throw new Error(`trade ${id} not found`);
  return found;
};

describe('reconciliation: journal open, broker flat', () => {
  it('closes a trade the broker sold, with exit price, P&L and the day\'s stats', async () => {
    const entry = await place(marketOrder('AAPL', 'buy', '2', 'keel-a-entry'));
    const trade = await journalTrade({ symbol: 'AAPL', status: 'open', shares: dec(2), entryPrice: entry.filledAvgPrice, entryClientOrderId: 'keel-a-entry', entryOrderId: entry.id });
    h.sim.clock.advance(60_000);
    const exit = await place(marketOrder('AAPL', 'sell', '2', 'manual-sell'));
    const report = await bootReconciled(control);

    const closed = await tradeById(trade.id);
    const expectedPnl = exit.filledAvgPrice!.minus(entry.filledAvgPrice!).times(2);
    expect(report.findings.map((f) => f.kind)).toEqual(['closed_at_broker']);
    expect(closed).toMatchObject({ status: 'closed', exitReason: 'reconciled_closed_at_broker', exitOrderId: exit.id, exitAt: exit.filledAt });
    expect(closed.exitPrice?.toFixed()).toBe(exit.filledAvgPrice?.toFixed());
    expect(closed.pnl?.toFixed()).toBe(expectedPnl.toFixed());
    const stats = await getDailyStats(t.db, '2026-11-23');
    expect([stats?.realizedPnl.toFixed(), stats?.tradeCount, stats?.roundTripCount]).toEqual([expectedPnl.toFixed(), 1, 1]);
    expect(await control.status()).toMatchObject({ todayTradeCount: 1, openPositionCount: 0 });
  });

  it('marks a trade the broker knows nothing of as missed, with a note', async () => {
    const trade = await journalTrade({ symbol: 'MSFT', status: 'open', shares: dec(5), entryPrice: dec(420) });
    const report = await bootReconciled(control);
    expect(report.findings.map((f) => f.kind)).toEqual(['missing_at_broker']);
    const missed = await tradeById(trade.id);
    expect(missed).toMatchObject({ status: 'missed', exitReason: 'reconciled_missing_on_startup' });
    expect(missed.notes).toMatch(/no sell fill/);
    expect((await journalOf(t, ['reconciliation_correction'])).map((e) => e.subject)).toEqual([trade.id]);
  });
});

describe('reconciliation: broker positions', () => {
  it('imports a broker position with no trade as open, catalyst unknown, and warns', async () => {
    const order = await place(marketOrder('TSLA', 'buy', '3', 'manual-buy'));
    const report = await bootReconciled(control);
    expect(report.findings.map((f) => f.kind)).toEqual(['imported_broker_position']);
    const [imported] = await listTrades(t.db, { statuses: ['open'] });
    expect(imported).toMatchObject({ symbol: 'TSLA', side: 'buy', catalystType: 'unknown' });
    expect([imported?.shares?.toFixed(), imported?.entryPrice?.toFixed()]).toEqual(['3', order.filledAvgPrice?.toFixed()]);
    expect((await journalOf(t, ['warning'])).map((e) => e.subject)).toEqual(['TSLA']);
    expect((await control.status()).openPositionCount).toBe(1);
  });

  it("takes the broker's quantity on a mismatch and journals the correction", async () => {
    const entry = await place(marketOrder('AAPL', 'buy', '3', 'keel-m-entry'));
    const trade = await journalTrade({ symbol: 'AAPL', status: 'open', shares: dec(5), entryPrice: entry.filledAvgPrice, entryClientOrderId: 'keel-m-entry', entryOrderId: entry.id });
    const report = await bootReconciled(control);
    expect(report.findings).toEqual([expect.objectContaining({ kind: 'quantity_mismatch', tradeId: trade.id })]);
    expect((await tradeById(trade.id)).shares?.toFixed()).toBe('3');
    expect((await journalOf(t, ['reconciliation_correction']))[0]?.data).toMatchObject({ finding: { kind: 'quantity_mismatch', brokerShares: '3', journalShares: '5' } });
  });

  it('reports an open broker order no trade owns and leaves it alone', async () => {
    h.sim.core.faults.holdFills(true);
    const foreign = await place(limitOrder('NVDA', '1', '100', 'someone-else'));
    const report = await bootReconciled(control);
    expect(report.findings).toEqual([{ kind: 'unowned_open_order', orderId: foreign.id, clientOrderId: 'someone-else', symbol: 'NVDA', side: 'buy' }]);
    expect((await h.alpaca.broker.getOrder(foreign.id))?.status).toBe('new');
    expect(await listTrades(t.db, {})).toEqual([]);
  });
});

describe('reconciliation: pending entries', () => {
  it('opens an entry that filled, with the filled quantity and price', async () => {
    const trade = await pending('keel-p-fill');
    const order = await place(marketOrder('AAPL', 'buy', '4', 'keel-p-fill'));
    await bootReconciled(control);
    const opened = await tradeById(trade.id);
    expect(opened).toMatchObject({ status: 'open', entryOrderId: order.id });
    expect([opened.shares?.toFixed(), opened.entryPrice?.toFixed()]).toEqual(['4', order.filledAvgPrice?.toFixed()]);
  });

  it('keeps a still-working entry pending and attaches its order id', async () => {
    h.sim.core.faults.holdFills(true);
    const trade = await pending('keel-p-work', 'MSFT');
    const order = await place(limitOrder('MSFT', '1', '100', 'keel-p-work'));
    const report = await bootReconciled(control);
    expect(report.findings.map((f) => f.kind)).toEqual(['pending_entry_working']);
    expect(await tradeById(trade.id)).toMatchObject({ status: 'pending_entry', entryOrderId: order.id });
  });

  it('cancels an entry whose order was canceled with nothing filled', async () => {
    h.sim.core.faults.holdFills(true);
    const trade = await pending('keel-p-cancel');
    const order = await place(limitOrder('AAPL', '1', '100', 'keel-p-cancel'));
    await h.alpaca.broker.cancelOrder(order.id);
    h.sim.core.sync();
    const report = await bootReconciled(control);
    expect(report.findings).toEqual([expect.objectContaining({ kind: 'pending_entry_cancelled', status: 'canceled' })]);
    expect(await tradeById(trade.id)).toMatchObject({ status: 'cancelled', entryOrderId: order.id });
  });

  it('cancels an entry the broker never received, with a note', async () => {
    const trade = await pending('keel-p-lost');
    const report = await bootReconciled(control);
    expect(report.findings).toEqual([{ kind: 'pending_entry_not_found', tradeId: trade.id, symbol: 'AAPL', clientOrderId: 'keel-p-lost' }]);
    const cancelled = await tradeById(trade.id);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.notes).toMatch(/not found/);
  });
});

describe('reconciliation: idempotent and reported', () => {
  it('changes nothing when run a second time', async () => {
    const entry = await place(marketOrder('AAPL', 'buy', '3', 'keel-i-entry'));
    await journalTrade({ symbol: 'AAPL', status: 'open', shares: dec(5), entryPrice: entry.filledAvgPrice, entryClientOrderId: 'keel-i-entry' });
    await journalTrade({ symbol: 'MSFT', status: 'open', shares: dec(1), entryPrice: dec(400) });
    await place(marketOrder('TSLA', 'buy', '2', 'manual-tsla'));
    await pending('keel-i-pend', 'NVDA');
    await place(marketOrder('NVDA', 'buy', '1', 'keel-i-pend'));
    const first = await bootReconciled(control);
    expect(first.findings.map((f) => f.kind).sort()).toEqual(['imported_broker_position', 'missing_at_broker', 'pending_entry_filled', 'quantity_mismatch']);
    const tradesAfterFirst = await listTrades(t.db, {});
    const journalAfterFirst = (await journalOf(t, ['reconciliation_correction', 'warning'])).length;

    expect((await control.act('start', 'api')).ok).toBe(true); // start reconciles again
    const second = await control.lastReconciliation();
    expect(second).toMatchObject({ ok: true, findings: [] });
    expect(second?.startedAt).toBeGreaterThanOrEqual(first.startedAt);
    expect(await listTrades(t.db, {})).toEqual(tradesAfterFirst);
    expect(await journalOf(t, ['reconciliation_correction', 'warning'])).toHaveLength(journalAfterFirst);
    expect(await journalOf(t, ['reconciliation_completed'])).toHaveLength(2);
  });

  it('answers the last report from the database after a restart', async () => {
    await journalTrade({ symbol: 'MSFT', status: 'open', shares: dec(1), entryPrice: dec(400) });
    await bootReconciled(control);
    await control.shutdown();
    h.sim.server.faults.failNext({}, { kind: 'status', status: 503 }, 100_000);
    const next = h.newControl();
    // no new run can succeed; the stored report of the first process is still the last good one
    expect((await next.lastReconciliation())?.findings.map((f) => f.kind)).toEqual(['missing_at_broker']);
  });
});
