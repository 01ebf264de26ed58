import { filter, firstValueFrom, take } from 'rxjs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getDailyStats, saveBotSettings } from '../../src/adapters/postgres/index.js';
import { etDate } from '../../src/domain/market-time.js';
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

async function openPosition(symbol: string) {
  const subscribed = h.subscribed(symbol);
  const trade = await h.enter(symbol);
  const opened = await h.next('opened', (e) => e.tradeId === trade.id);
  await subscribed;
  return { trade, opened };
}

describe('position supervisor on the simulated exchange', () => {
  it('opens a trade when the entry fills, with shares and average price from the fill', async () => {
    const { trade, opened } = await openPosition('AAPL');
    const row = await reload(t, trade.id);
    expect(row.status).toBe('open');
    expect(row.shares?.gt(0)).toBe(true);
    expect(row.entryPrice?.toFixed()).toBe(opened.entryPrice);
    expect(row.entryOrderId).not.toBeNull();
    expect(row.entryAt).not.toBeNull();
    expect(h.supervisor.trackedCount()).toBe(1);
    // the first exit's id is on the row before any exit is decided (the exit sends, then records)
    expect(row.exitClientOrderId).toBe(`${trade.entryClientOrderId}-x1`);
    expect(row.exitOrderId).toBeNull();
  });

  it('closes at the hard stop with the exact P&L and the day counted in bot_daily_stats', async () => {
    const { trade } = await openPosition('AAPL');
    const entry = (await reload(t, trade.id)).entryPrice!.toNumber();
    const closed = h.next('closed', (e) => e.tradeId === trade.id);
    h.sim.core.market.setPrice('AAPL', entry * 0.9);
    const event = await closed;
    const row = await reload(t, trade.id);
    expect(event.reason).toBe('hard_stop');
    expect(row.status).toBe('closed');
    expect(row.exitReason).toBe('hard_stop');
    expect(row.pnl!.toFixed()).toBe(row.exitPrice!.minus(row.entryPrice!).times(row.shares!).toFixed());
    expect(row.pnl!.isNegative()).toBe(true);
    const stats = await getDailyStats(t.db, etDate(h.sim.clock.now()));
    expect(stats?.tradeCount).toBe(1);
    expect(stats?.roundTripCount).toBe(1);
    expect(stats?.realizedPnl.toFixed()).toBe(row.pnl!.toFixed());
    // the sell's id names the rule that fired
    expect(row.exitClientOrderId).toBe(`${trade.entryClientOrderId}-x1-hard-stop`);
  });

  it('closes at the profit target', async () => {
    const { trade } = await openPosition('MSFT');
    const entry = (await reload(t, trade.id)).entryPrice!.toNumber();
    const closed = h.next('closed', (e) => e.tradeId === trade.id);
    h.sim.core.market.setPrice('MSFT', entry * 1.2);
    expect((await closed).reason).toBe('profit_target');
    expect((await reload(t, trade.id)).pnl!.isPositive()).toBe(true);
  });

  it('exits only once: a kill switch during an exit in flight sends no second sell', async () => {
    const { trade } = await openPosition('AAPL');
    const entry = (await reload(t, trade.id)).entryPrice!.toNumber();
    const submitted: string[] = [];
    const sub = h.supervisor.events$.subscribe((e) => { if (e.type === 'exit_submitted') submitted.push(e.clientOrderId); });
    const decided = h.next('exit_decided', (e) => e.tradeId === trade.id);
    const closed = h.next('closed', (e) => e.tradeId === trade.id);
    h.sim.core.market.setPrice('AAPL', entry * 0.9);
    await decided;
    await h.supervisor.exitAll('manual');
    await closed;
    sub.unsubscribe();
    expect(submitted).toHaveLength(1);
    expect((await reload(t, trade.id)).exitReason).toBe('hard_stop');
    const sells = await h.alpaca.broker.listOrders({ status: 'all', side: 'sell' });
    expect(sells).toHaveLength(1);
  });

  it('settles an exit whose POST got no answer by client order id, without a second sell', async () => {
    const { trade } = await openPosition('AAPL');
    h.sim.server.faults.failNext({ method: 'POST', path: '/v2/orders' }, { kind: 'timeout' });
    const withheld = firstValueFrom(h.sim.server.faults.requests$.pipe(filter((r) => r.fault === 'timeout'), take(1)));
    const closed = h.next('closed', (e) => e.tradeId === trade.id);
    const report = h.supervisor.exitAll('manual');
    await withheld;
    h.timeouts.advance(60_000);
    await report;
    expect((await closed).reason).toBe('manual');
    const posts = h.sim.server.faults.requests.filter((r) => r.method === 'POST' && r.path === '/v2/orders');
    expect(posts).toHaveLength(2); // the entry and ONE sell
    expect((await h.alpaca.broker.listOrders({ status: 'all', side: 'sell' }))).toHaveLength(1);
  });

  it('cancels the trade with the broker message when the entry is rejected', async () => {
    h.sim.core.faults.rejectNextOrder({ status: 403, code: 40310000, message: 'insufficient buying power' });
    const cancelled = h.next('cancelled');
    const trade = await h.enter('AAPL');
    expect((await cancelled).reason).toContain('insufficient buying power');
    const row = await reload(t, trade.id);
    expect(row.status).toBe('cancelled');
    expect(row.notes).toContain('insufficient buying power');
  });

  it('takes the position endpoint as the truth after partial fills and opens with the whole fill', async () => {
    h.sim.core.faults.partialFills(3);
    const trade = await h.enter('AAPL');
    await h.next('opened', (e) => e.tradeId === trade.id);
    const filled = await h.alpaca.broker.getPosition('AAPL');
    // the later partial fills keep updating the row; it settles on the broker's position
    const row = await eventually(async () => {
      await h.alpaca.broker.getOrderByClientOrderId(trade.entryClientOrderId!);
      const r = await reload(t, trade.id);
      if (!r.shares!.eq(filled!.qty)) throw new Error('not settled yet');
      return r;
    });
    expect(row.status).toBe('open');
    expect(row.shares!.toFixed()).toBe(filled!.qty.toFixed());
  });

  it('exitAll(kill_switch) closes every open position with exit reason kill_switch', async () => {
    const a = await openPosition('AAPL');
    const b = await openPosition('MSFT');
    const closedA = h.next('closed', (e) => e.tradeId === a.trade.id);
    const closedB = h.next('closed', (e) => e.tradeId === b.trade.id);
    const report = await h.supervisor.exitAll('kill_switch');
    expect(report.exiting.sort()).toEqual([a.trade.id, b.trade.id].sort());
    expect(report.failed).toEqual([]);
    await Promise.all([closedA, closedB]);
    expect((await reload(t, a.trade.id)).exitReason).toBe('kill_switch');
    expect((await reload(t, b.trade.id)).exitReason).toBe('kill_switch');
    expect(h.supervisor.trackedCount()).toBe(0);
  });


  it('resumes after a restart with the persisted peak and trails from it', async () => {
    await saveBotSettings(t.db, { trailingStopPct: 2, profitTargetPct: 50 }, h.sim.clock.now());
    await h.supervisor.stop();
    await h.supervisor.start();
    const { trade } = await openPosition('AAPL');
    const entry = (await reload(t, trade.id)).entryPrice!.toNumber();
    const high = Math.round(entry * 105) / 100;
    const seen = firstValueFrom(h.alpaca.marketDataStream.events$.pipe(filter((e) => e.type === 'trade' && e.trade.price === high)));
    h.sim.core.market.setPrice('AAPL', high);
    await seen;
    await h.supervisor.stop();
    expect((await reload(t, trade.id)).peakPrice!.toNumber()).toBe(high);

    const restarted = h.newSupervisor();
    const subscribed = h.subscribed('AAPL');
    await restarted.start();
    await subscribed;
    expect(restarted.trackedCount()).toBe(1);
    const closed = h.next('closed', (e) => e.tradeId === trade.id, restarted);
    h.sim.core.market.setPrice('AAPL', Math.round(high * 97) / 100); // 3 % under the peak, still above entry
    expect((await closed).reason).toBe('trailing_stop');
  });

  it('adopts a sell that reached the broker before a crash (open row, persisted exit id) instead of sending a second', async () => {
    const { trade } = await openPosition('AAPL');
    await h.supervisor.stop();
    const row = await reload(t, trade.id);
    expect(row.status).toBe('open');
    // what a crash between the exit POST and the 'exiting' write leaves: the sell is at the broker
    const sent = await h.alpaca.broker.submitOrder({ symbol: 'AAPL', side: 'sell', type: 'market', timeInForce: 'day', qty: row.shares!, clientOrderId: row.exitClientOrderId! });
    expect(sent.kind).toBe('accepted');

    const restarted = h.newSupervisor();
    const closed = h.next('closed', (e) => e.tradeId === trade.id, restarted);
    await restarted.start();
    const event = await closed;
    expect(event.reason).toBe('manual');
    const after = await reload(t, trade.id);
    expect(after.status).toBe('closed');
    expect(after.exitClientOrderId).toBe(row.exitClientOrderId);
    expect(after.exitOrderId).toBe(sent.kind === 'accepted' ? sent.order.id : null);
    expect(await h.alpaca.broker.listOrders({ status: 'all', side: 'sell' })).toHaveLength(1);
  });

  it('adopts a sell sent before a crash with the rule its id names (the row held only the stem)', async () => {
    const { trade } = await openPosition('AAPL');
    await h.supervisor.stop();
    const row = await reload(t, trade.id);
    const coid = `${row.exitClientOrderId!}-trailing-stop`;
    const sent = await h.alpaca.broker.submitOrder({ symbol: 'AAPL', side: 'sell', type: 'market', timeInForce: 'day', qty: row.shares!, clientOrderId: coid });
    expect(sent.kind).toBe('accepted');

    const restarted = h.newSupervisor();
    const closed = h.next('closed', (e) => e.tradeId === trade.id, restarted);
    await restarted.start();
    expect((await closed).reason).toBe('trailing_stop');
    expect(await reload(t, trade.id)).toMatchObject({ status: 'closed', exitReason: 'trailing_stop', exitClientOrderId: coid });
    expect(await h.alpaca.broker.listOrders({ status: 'all', side: 'sell' })).toHaveLength(1);
  });

  it('looks for a sell sent before a crash before any exit can send: a rule due at once adopts it, never a second sell', async () => {
    const { trade } = await openPosition('AAPL');
    await h.supervisor.stop();
    const row = await reload(t, trade.id);
    const coid = `${row.exitClientOrderId!}-trailing-stop`;
    h.sim.core.faults.holdFills(true); // the sell sent before the crash is still working at the broker
    const sent = await h.alpaca.broker.submitOrder({ symbol: 'AAPL', side: 'sell', type: 'market', timeInForce: 'day', qty: row.shares!, clientOrderId: coid });
    expect(sent.kind).toBe('accepted');
    // while Keel is down the max hold passes: its rule is due the moment the restored position is armed
    await saveBotSettings(t.db, { maxHoldDurationSec: 60 }, h.sim.clock.now());
    h.sim.clock.set(row.entryAt! + 120_000);

    const restarted = h.newSupervisor();
    const closed = h.next('closed', (e) => e.tradeId === trade.id, restarted);
    const decided = h.next('exit_decided', (e) => e.tradeId === trade.id, restarted);
    await restarted.start();
    await decided;
    h.sim.core.faults.holdFills(false);
    h.sim.core.sync();
    expect((await closed).reason).toBe('trailing_stop');
    const sells = await h.alpaca.broker.listOrders({ status: 'all', side: 'sell' });
    expect(sells.map((o) => o.clientOrderId)).toEqual([coid]);
    expect(h.sim.server.faults.requests.filter((r) => r.method === 'POST' && r.path === '/v2/orders' && r.status === 422)).toEqual([]);
  });

  it('keeps a restored position open when its persisted exit id is unknown at the broker, and exits it with that id', async () => {
    const { trade } = await openPosition('AAPL');
    await h.supervisor.stop();
    const restarted = h.newSupervisor();
    // the restore asks for the symbol's sells by the exit id's stem (a sent sell's id adds the rule)
    const lookedUp = firstValueFrom(h.sim.server.faults.requests$.pipe(filter((r) => r.method === 'GET' && r.path === '/v2/orders' && r.query.includes('side=sell')), take(1)));
    const subscribed = h.subscribed('AAPL');
    await restarted.start();
    await Promise.all([lookedUp, subscribed]);
    await eventually(async () => expect((await reload(t, trade.id)).status).toBe('open'));
    expect(await h.alpaca.broker.listOrders({ status: 'all', side: 'sell' })).toHaveLength(0);

    const entry = (await reload(t, trade.id)).entryPrice!.toNumber();
    const closed = h.next('closed', (e) => e.tradeId === trade.id, restarted);
    h.sim.core.market.setPrice('AAPL', entry * 0.9);
    expect((await closed).reason).toBe('hard_stop');
    const sells = await h.alpaca.broker.listOrders({ status: 'all', side: 'sell' });
    expect(sells.map((o) => o.clientOrderId)).toEqual([`${trade.entryClientOrderId}-x1-hard-stop`]);
  });

  it('opens the stream-gap gate after a restart on a trade stream that stayed connected (it catches up again)', async () => {
    const resynced = () => firstValueFrom(h.alpaca.tradeStream.events$.pipe(filter((e) => e.type === 'resynced')));
    await eventually(async () => expect(h.supervisor.streamGate().live).toBe(true));
    // another subscriber (the service's trade-update journal) keeps the socket up across the restart
    const keepAlive = h.alpaca.tradeStream.events$.subscribe();
    await h.supervisor.stop();
    h.alpaca.tradeStream.start();
    expect(h.supervisor.streamGate().live).toBe(false);
    const restarted = h.newSupervisor();
    const caughtUp = resynced();
    await restarted.start();
    await caughtUp;
    expect(restarted.streamGate()).toMatchObject({ live: true, phase: 'live' });
    keepAlive.unsubscribe();
  });
});
