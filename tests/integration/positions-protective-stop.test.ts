/**
 * The protective stop at the broker (brokerStopMode 'hard_stop'), on real PostgreSQL against the
 * simulated exchange over loopback: placed when the entry fills, exactly one live, replaced when its
 * level changes, cancelled (acknowledged) before any sell of Keel's own, and the trade's exit when
 * it sells while Keel is not watching.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listJournal, saveBotSettings } from '../../src/adapters/postgres/index.js';
import { HealthJob } from '../../src/control/safety/health-job.js';
import { activeTrades } from '../../src/control/pipeline/active-trades.js';
import { RecordingNotifier } from '../support/recording-notifier.js';
import { stopLevel } from '../../src/core/exits/protective-stop.js';
import type { Order } from '../../src/domain/order.js';
import { eventually } from '../support/eventually.js';
import { createTestDb, type TestDb } from '../support/test-db.js';
import { reload, startPositionsHarness, type PositionsHarness } from '../support/positions-harness.js';
import { SESSION_OPEN } from '../support/sim-harness.js';

let t: TestDb;
let h: PositionsHarness;

beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });
beforeEach(async () => {
  await t.truncate();
  h = await startPositionsHarness(t, {}, SESSION_OPEN, 'hard_stop');
  await h.supervisor.start();
});
afterEach(async () => { await h.close(); });

async function openProtected(symbol: string, notional?: string) {
  const subscribed = h.subscribed(symbol);
  const placed = h.next('stop_placed');
  const trade = await h.enter(symbol, notional);
  await h.next('opened', (e) => e.tradeId === trade.id);
  await subscribed;
  await placed;
  const row = await reload(t, trade.id);
  return { trade, row, entry: row.entryPrice!.toNumber() };
}

const sells = async (symbol: string): Promise<Order[]> =>
  (await h.alpaca.broker.listOrders({ status: 'all', side: 'sell', symbols: [symbol], direction: 'asc' }));

async function patched(patch: Parameters<typeof saveBotSettings>[1]) {
  return saveBotSettings(t.db, patch, h.sim.clock.now());
}

describe('the protective stop at the broker', () => {
  it('is placed when the entry fills: a day sell stop for the shares at the hard-stop level rounded down to the cent', async () => {
    const { trade, row, entry } = await openProtected('AAPL');
    const [stop, ...others] = await sells('AAPL');
    expect(others).toEqual([]);
    expect(stop).toMatchObject({ type: 'stop', timeInForce: 'day', status: 'new', clientOrderId: `${trade.entryClientOrderId}-s1` });
    expect(stop!.qty!.eq(row.shares!)).toBe(true);
    expect(stop!.stopPrice!.toFixed()).toBe(stopLevel(entry, 7).toFixed());
    expect(stop!.stopPrice!.toNumber()).toBeLessThanOrEqual(entry * 0.93);
    expect(row).toMatchObject({ stopOrderId: stop!.id, stopClientOrderId: stop!.clientOrderId, stopNote: null });
    expect(row.stopPrice!.eq(stop!.stopPrice!)).toBe(true);
    // GET /api/trades/active's view of it
    const [active] = await activeTrades({ db: t.db, supervisor: h.supervisor });
    expect(active!.brokerStop).toMatchObject({ state: 'protected', orderId: stop!.id, clientOrderId: stop!.clientOrderId, note: null, why: null });
    expect(active!.brokerStop.stopPrice!.eq(stop!.stopPrice!)).toBe(true);
  });

  it("Keel's own exit (a trailing stop) cancels the stop first, the cancel acknowledged, and sells once", async () => {
    h.supervisor.applySettings(await patched({ trailingStopPct: 2 }));
    const { trade, entry } = await openProtected('AAPL');
    const closed = h.next('closed', (e) => e.tradeId === trade.id);
    h.sim.core.market.setPrice('AAPL', Math.round(entry * 105) / 100);
    h.sim.core.market.setPrice('AAPL', Math.round(entry * 102) / 100); // 2.9 % under the 1.05 peak, far above the 7 % stop
    expect((await closed).reason).toBe('trailing_stop');
    const [stop, sell, ...others] = await sells('AAPL');
    expect(others).toEqual([]);
    expect(stop).toMatchObject({ type: 'stop', status: 'canceled' });
    expect(sell).toMatchObject({ type: 'market', status: 'filled' });
    expect(sell!.filledQty.eq((await reload(t, trade.id)).shares!)).toBe(true);
    expect(stop!.canceledAt!).toBeLessThanOrEqual(sell!.createdAt);
    expect(await h.alpaca.broker.getPosition('AAPL')).toBeNull();
  });

  it('is replaced in ONE request when the level changes: the broker swaps the orders, one stop live at every moment', async () => {
    const { trade, entry } = await openProtected('AAPL');
    const liveStops = () => (h.sim.core.listOrders({ status: 'open' }) as { value: Order[] }).value.filter((o) => o.symbol === 'AAPL' && o.type === 'stop').length;
    const seen: number[] = [];
    const watching = h.sim.core.tradeUpdates$.subscribe(() => seen.push(liveStops()));
    const before = h.sim.server.faults.requests.length;
    const placed = h.next('stop_placed', (e) => e.tradeId === trade.id);
    h.supervisor.applySettings(await patched({ hardStopLossPct: 3 }));
    await placed;
    watching.unsubscribe();
    const [first, second, ...others] = await sells('AAPL');
    expect(others).toEqual([]);
    expect(first).toMatchObject({ status: 'replaced', replacedBy: second!.id, clientOrderId: `${trade.entryClientOrderId}-s1` });
    expect(second).toMatchObject({ status: 'new', replaces: first!.id, clientOrderId: `${trade.entryClientOrderId}-s2` });
    expect(second!.stopPrice!.toFixed()).toBe(stopLevel(entry, 3).toFixed());
    expect(second!.qty!.eq(first!.qty!)).toBe(true);
    expect(seen).toEqual([1, 1]); // the old one's 'replaced' and the new one's 'new'
    const writes = h.sim.server.faults.requests.slice(before).filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);
    expect(writes).toEqual([`PATCH /v2/orders/${first!.id}`]);
    const row = await reload(t, trade.id);
    expect(row).toMatchObject({ stopOrderId: second!.id, stopClientOrderId: second!.clientOrderId });
    expect(row.stopPrice!.eq(second!.stopPrice!)).toBe(true);
    // the first one's 'replaced' on the stream is Keel's own doing: the stop stays protected, nothing re-placed
    const [active] = await activeTrades({ db: t.db, supervisor: h.supervisor });
    expect(active!.brokerStop).toMatchObject({ state: 'protected', orderId: second!.id });
    expect(await sells('AAPL')).toHaveLength(2);
  });

  it('where the broker will not replace it: the old stop cancelled, the cancel acknowledged, then the new one, journaled', async () => {
    const { trade, entry } = await openProtected('AAPL');
    h.sim.core.faults.refuseReplaces(true);
    const placed = h.next('stop_placed', (e) => e.tradeId === trade.id);
    h.supervisor.applySettings(await patched({ hardStopLossPct: 3 }));
    await placed;
    const [first, second, ...others] = await sells('AAPL');
    expect(others).toEqual([]);
    expect(first).toMatchObject({ status: 'canceled', clientOrderId: `${trade.entryClientOrderId}-s1` });
    expect(second).toMatchObject({ status: 'new', replaces: null, clientOrderId: `${trade.entryClientOrderId}-s2` });
    expect(second!.stopPrice!.toFixed()).toBe(stopLevel(entry, 3).toFixed());
    expect(first!.canceledAt!).toBeLessThanOrEqual(second!.createdAt);
    expect((await reload(t, trade.id)).stopOrderId).toBe(second!.id);
    const refused = (await listJournal(t.db, { kinds: ['warning'] })).filter((e) => e.message.includes('would not replace protective stop'));
    expect(refused).toHaveLength(1);
  });

  it("after a restart, a replacement whose answer never came is found through the old stop's replaced_by: recorded, nothing sent twice", async () => {
    const { trade, entry, row } = await openProtected('AAPL');
    await h.supervisor.stop();
    // what the step had done when the process died: the new level and id on the row, the PATCH
    // landed at the broker, its answer lost
    await patched({ hardStopLossPct: 3 });
    const coid = `${trade.entryClientOrderId}-s2`;
    await t.db.updateTable('bot_trade').set({ stop_client_order_id: coid, stop_price: stopLevel(entry, 3).toFixed() }).where('id', '=', trade.id).execute();
    expect(h.sim.core.replaceOrder(row.stopOrderId!, { stop_price: stopLevel(entry, 3).toFixed(), client_order_id: coid }).ok).toBe(true);
    const before = h.sim.server.faults.requests.length;
    const restarted = h.newSupervisor();
    const recorded = h.next('stop_placed', (e) => e.tradeId === trade.id, restarted);
    await restarted.start();
    expect((await recorded).clientOrderId).toBe(coid);
    const [first, second, ...others] = await sells('AAPL');
    expect(others).toEqual([]);
    expect(first).toMatchObject({ status: 'replaced', replacedBy: second!.id });
    expect(await reload(t, trade.id)).toMatchObject({ stopOrderId: second!.id, stopClientOrderId: coid });
    expect(h.sim.server.faults.requests.slice(before).filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it("Keel's own exit cancels a stop's replacement it never heard of (the replace's events lost), then sells once", async () => {
    h.supervisor.applySettings(await patched({ trailingStopPct: 2 }));
    const { trade, row, entry } = await openProtected('AAPL');
    h.sim.server.faults.dropNextEvents(2); // the replace's 'replaced' and 'new' never reach Keel
    expect(h.sim.core.replaceOrder(row.stopOrderId!, { stop_price: stopLevel(entry, 5).toFixed(), client_order_id: `${trade.entryClientOrderId}-s2` }).ok).toBe(true);
    const closed = h.next('closed', (e) => e.tradeId === trade.id);
    h.sim.core.market.setPrice('AAPL', Math.round(entry * 105) / 100);
    h.sim.core.market.setPrice('AAPL', Math.round(entry * 102) / 100);
    expect((await closed).reason).toBe('trailing_stop');
    const orders = await sells('AAPL');
    expect(orders.map((o) => [o.type, o.status])).toEqual([['stop', 'replaced'], ['stop', 'canceled'], ['market', 'filled']]);
    expect(orders[2]!.filledQty.eq((await reload(t, trade.id)).shares!)).toBe(true);
  });

  it('is cancelled when the mode is turned off, and placed again when it is turned back on', async () => {
    const { trade } = await openProtected('AAPL');
    h.supervisor.applySettings(await patched({ brokerStopMode: 'off' }));
    await eventually(async () => expect((await sells('AAPL')).map((o) => o.status)).toEqual(['canceled']));
    const placed = h.next('stop_placed', (e) => e.tradeId === trade.id);
    h.supervisor.applySettings(await patched({ brokerStopMode: 'hard_stop' }));
    await placed;
    expect((await sells('AAPL')).map((o) => o.status)).toEqual(['canceled', 'new']);
  });

  it('sells the position while Keel is stopped: the restarted supervisor closes the trade broker_stop at the broker\'s price and sells nothing', async () => {
    const { trade, entry } = await openProtected('AAPL');
    await h.supervisor.stop();
    h.sim.core.market.setPrice('AAPL', Math.round(entry * 90) / 100);
    h.sim.core.sync();
    const [stop] = await sells('AAPL');
    expect(stop).toMatchObject({ status: 'filled' });
    const restarted = h.newSupervisor();
    const closed = h.next('closed', (e) => e.tradeId === trade.id, restarted);
    await restarted.start();
    const event = await closed;
    expect(event.reason).toBe('broker_stop');
    const row = await reload(t, trade.id);
    expect(row).toMatchObject({ status: 'closed', exitReason: 'broker_stop', exitOrderId: stop!.id });
    expect(row.exitPrice!.eq(stop!.filledAvgPrice!)).toBe(true);
    expect(await sells('AAPL')).toHaveLength(1);
  });

  it('covers the whole shares when the broker refuses a fractional stop, and says the remainder is Keel\'s alone', async () => {
    h.sim.core.faults.refuseFractionalStops(true);
    const subscribed = h.subscribed('AAPL');
    const placed = h.next('stop_placed');
    const trade = await h.enter('AAPL', '1000');
    await subscribed;
    await placed;
    const row = await reload(t, trade.id);
    expect(row.shares!.isInteger()).toBe(false);
    const live = (await sells('AAPL')).filter((o) => o.status === 'new');
    expect(live).toHaveLength(1);
    expect(live[0]!.qty!.toFixed()).toBe(row.shares!.floor().toFixed());
    expect(row.stopNote).toBe(`${row.shares!.minus(row.shares!.floor()).toFixed()} share(s) protected by Keel's monitor only`);
  });

  it('a stop gone at the broker without a word on the stream is found by the health job and placed again, journaled', async () => {
    const { trade, row } = await openProtected('AAPL');
    await h.alpaca.tradeStream.stop(); // the cancel below never reaches Keel on the stream
    expect(h.sim.core.cancelOrder(row.stopOrderId!).ok).toBe(true);
    const health = new HealthJob({
      db: t.db, clock: h.sim.clock, notifier: new RecordingNotifier(), broker: () => h.alpaca.broker, supervisor: h.supervisor as never,
      reconcile: async () => ({ ok: true, corrections: 0, error: null }), onError: (m, e) => { throw e ?? new Error(m); },
    });
    const placed = h.next('stop_placed', (e) => e.tradeId === trade.id);
    const report = await health.runOnce();
    expect(report).toMatchObject({ ran: true, stopsRechecked: [trade.id] });
    expect((await placed).clientOrderId).toBe(`${trade.entryClientOrderId}-s2`);
    expect((await sells('AAPL')).map((o) => o.status)).toEqual(['canceled', 'new']);
    const warnings = (await listJournal(t.db, { kinds: ['warning'] })).filter((e) => e.data.event === 'stop_replaced_missing');
    expect(warnings).toHaveLength(1);
    // all in order now: the next run re-checks nothing
    expect(await health.runOnce()).toMatchObject({ stopsRechecked: [] });
  });

  it('costs one stop POST per trade, and a cancel and one read back before Keel\'s own exit (the request log of a whole trade)', async () => {
    // the trade stream's catch-up after its connect re-reads working orders: let it finish first
    await eventually(async () => expect(h.supervisor.streamGate().live).toBe(true));
    const before = h.sim.server.faults.requests.length;
    const { trade, entry } = await openProtected('AAPL');
    const closed = h.next('closed', (e) => e.tradeId === trade.id);
    h.sim.core.market.setPrice('AAPL', Math.round(entry * 111) / 100);
    await closed;
    // this trade's requests: its order POSTs, and the reads and cancels of its own orders (the trade
    // stream's catch-up list after the connect is the stream's, whenever it lands)
    const row = await reload(t, trade.id);
    const own = new Map([[row.entryOrderId!, 'entry'], [row.stopOrderId!, 'stop'], [row.exitOrderId!, 'exit']]);
    const trading = h.sim.server.faults.requests.slice(before).flatMap((r) => {
      if (r.method === 'POST' && r.path === '/v2/orders') return ['POST'];
      const id = /^\/v2\/orders\/([0-9a-f-]{36})$/.exec(r.path)?.[1];
      return id && own.has(id) ? [`${r.method} ${own.get(id)}`] : [];
    });
    expect(trading).toEqual([
      'POST', 'GET entry', // the entry, and its read once accepted (a fill may have beaten the answer)
      'POST', // the protective stop
      'DELETE stop', 'GET stop', // Keel's exit: the stop's cancel, acknowledged
      'POST', // the sell
    ]);
  });

});
