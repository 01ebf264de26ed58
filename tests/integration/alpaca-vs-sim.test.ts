/**
 * Keel's Alpaca adapters (built by createAlpacaAdapters from resolveAlpacaUrls) against the real
 * simulated exchange over loopback: every BrokerPort method, market-data REST and both streams.
 * The adapters share the sim's ManualClock; request timeouts run on a separate one the test
 * advances, so nothing sleeps.
 */
import { filter, firstValueFrom, take } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAlpacaAdapters, type AlpacaAdapters } from '../../src/adapters/alpaca/index.js';
import { resolveAlpacaUrls } from '../../src/adapters/alpaca/urls.js';
import { ManualClock } from '../../src/clock/manual.clock.js';
import { dec } from '../../src/domain/money.js';
import type { OrderRequest } from '../../src/domain/order.js';
import { nextEvent as next } from '../support/scripted-events.js';
import { SESSION_OPEN, startSim, type SimHarness } from '../support/sim-harness.js';

let sim: SimHarness;
let timeouts: ManualClock;
let alpaca: AlpacaAdapters;

beforeEach(async () => {
  sim = await startSim({ onError: (error) => { throw error; } });
  timeouts = new ManualClock(SESSION_OPEN);
  const resolved = resolveAlpacaUrls({
    ALPACA_PAPER_URL: sim.server.tradingUrl,
    ALPACA_DATA_URL: sim.server.dataUrl,
    ALPACA_DATA_STREAM_URL: sim.server.dataStreamUrl('iex'),
    ALPACA_API_KEY: 'PKSIMKEY',
    ALPACA_API_SECRET: 'sim-secret',
  }, 'paper');
  alpaca = createAlpacaAdapters(resolved, { clock: sim.clock, random: () => 0.5, timeoutClock: timeouts });
});

afterEach(async () => {
  await alpaca.tradeStream.stop();
  await alpaca.marketDataStream.stop();
  await sim.close();
});

const buy = (clientOrderId: string, symbol = 'AAPL', qty = '1'): OrderRequest =>
  ({ symbol, side: 'buy', type: 'market', timeInForce: 'day', clientOrderId, qty: dec(qty) });

const limitBuy = (clientOrderId: string, symbol = 'AAPL'): OrderRequest =>
  ({ ...buy(clientOrderId, symbol), type: 'limit', limitPrice: dec('1.00') });

describe('BrokerPort against the sim', () => {
  it('reads account, clock, calendar and an empty book', async () => {
    const { broker } = alpaca;
    expect(broker.mode).toBe('paper');
    expect((await broker.getAccount()).equity.gt(0)).toBe(true);
    expect((await broker.getClock()).isOpen).toBe(true);
    const days = await broker.getCalendar({ start: '2026-11-23', end: '2026-11-27' });
    expect(days.map((d) => d.date)).toEqual(['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-27']);
    expect(await broker.listPositions()).toEqual([]);
    expect(await broker.getPosition('AAPL')).toBeNull();
    expect(await broker.getOrder('9b2f0e4c-1111-4a4a-8b8b-000000000000')).toBeNull();
    expect(await broker.getOrderByClientOrderId('never-sent')).toBeNull();
  });

  it('submits, fills and finds an order through every read', async () => {
    const { broker } = alpaca;
    const outcome = await broker.submitOrder(buy('vs-sim-1', 'AAPL', '2'));
    expect(outcome).toMatchObject({ kind: 'accepted', recovered: false });
    if (outcome.kind !== 'accepted') return;
    sim.core.sync();
    expect((await broker.getOrder(outcome.order.id))?.status).toBe('filled');
    expect((await broker.getOrderByClientOrderId('vs-sim-1'))?.id).toBe(outcome.order.id);
    expect((await broker.getPosition('AAPL'))?.qty.toString()).toBe('2');
    expect((await broker.listPositions()).map((p) => p.symbol)).toEqual(['AAPL']);
    expect((await broker.listOrders({ status: 'closed' })).map((o) => o.id)).toContain(outcome.order.id);
    expect((await broker.listAllOrders({ status: 'all' })).map((o) => o.id)).toEqual([outcome.order.id]);
    const fills = await broker.listFillActivities({ direction: 'asc' });
    expect(fills.map((f) => [f.orderId, f.cumQty.toString()])).toEqual([[outcome.order.id, '2']]);
  });

  it('recovers a duplicate client_order_id instead of submitting twice', async () => {
    const first = await alpaca.broker.submitOrder(buy('vs-sim-dup'));
    const again = await alpaca.broker.submitOrder(buy('vs-sim-dup'));
    expect(again).toMatchObject({ kind: 'accepted', recovered: true });
    expect(first.kind === 'accepted' && again.kind === 'accepted' && again.order.id === first.order.id).toBe(true);
  });

  it('rejects with the broker code and message', async () => {
    sim.core.faults.rejectNextOrder({ status: 403, code: 40310000, message: 'insufficient buying power' });
    const outcome = await alpaca.broker.submitOrder(buy('vs-sim-rejected'));
    expect(outcome).toMatchObject({ kind: 'rejected', error: { status: 403, code: 40310000, brokerMessage: 'insufficient buying power' } });
  });

  it('resolves a POST whose response never comes by client_order_id, with one POST', async () => {
    sim.server.faults.failNext({ method: 'POST', path: '/v2/orders' }, { kind: 'timeout' });
    const withheld = firstValueFrom(sim.server.faults.requests$.pipe(filter((r) => r.fault === 'timeout'), take(1)));
    const pending = alpaca.broker.submitOrder(buy('vs-sim-timeout'));
    await withheld;
    timeouts.advance(10_000);
    expect(await pending).toMatchObject({ kind: 'accepted', recovered: true, order: { clientOrderId: 'vs-sim-timeout' } });
    expect(sim.server.faults.requests.filter((r) => r.method === 'POST' && r.path === '/v2/orders')).toHaveLength(1);
  });

  it('resubmits with the same id when a 503 POST never reached the book', async () => {
    sim.server.faults.failNext({ method: 'POST', path: '/v2/orders' }, { kind: 'status', status: 503 });
    expect(await alpaca.broker.submitOrder(buy('vs-sim-503'))).toMatchObject({ kind: 'accepted', recovered: false });
    expect(sim.server.faults.requests.filter((r) => r.method === 'POST').map((r) => r.status)).toEqual([503, 200]);
  });

  it('cancels one order and then all open orders', async () => {
    const { broker } = alpaca;
    sim.core.faults.holdFills(true);
    const a = await broker.submitOrder(limitBuy('vs-sim-open-a'));
    await broker.submitOrder(limitBuy('vs-sim-open-b', 'MSFT'));
    await broker.submitOrder(limitBuy('vs-sim-open-c', 'MSFT'));
    if (a.kind !== 'accepted') throw new Error('setup order not accepted');
    await broker.cancelOrder(a.order.id);
    sim.core.sync();
    expect((await broker.getOrder(a.order.id))?.status).toBe('canceled');
    const results = await broker.cancelAllOrders();
    expect(results.map((r) => r.status)).toEqual([200, 200]);
  });

  it('closes part of a position, then everything', async () => {
    const { broker } = alpaca;
    await broker.submitOrder(buy('vs-sim-long-aapl', 'AAPL', '3'));
    await broker.submitOrder(buy('vs-sim-long-msft', 'MSFT', '1'));
    sim.core.sync();
    const partial = await broker.closePosition('AAPL', { qty: dec('1') });
    expect([partial.side, partial.qty?.toString()]).toEqual(['sell', '1']);
    sim.core.sync();
    expect((await broker.getPosition('AAPL'))?.qty.toString()).toBe('2');
    const closed = await broker.closeAllPositions({ cancelOrders: true });
    expect(closed.map((r) => [r.symbol, r.status, r.order?.side]).sort()).toEqual([['AAPL', 200, 'sell'], ['MSFT', 200, 'sell']]);
  });
});

describe('rate limits against the sim', () => {
  it('waits for X-RateLimit-Reset after the sim answers 429, then reads successfully', async () => {
    const limited = await startSim({ rateLimitPerMinute: 2 });
    try {
      // waiting moves the sim's own clock, so its rate-limit window really turns over
      const clock = { now: () => limited.clock.now(), sleeps: [] as number[], sleep: async (ms: number) => { clock.sleeps.push(ms); limited.clock.advance(ms); } };
      const resolved = resolveAlpacaUrls({
        ALPACA_PAPER_URL: limited.server.tradingUrl, ALPACA_API_KEY: 'PKLIMIT', ALPACA_API_SECRET: 'limit-secret',
      }, 'paper');
      // the sim's window follows its own clock; keep both clocks together
      const { broker } = createAlpacaAdapters({ ...resolved, tuning: { maxRequestsPerMinute: null } }, { clock, random: () => 0.5, timeoutClock: timeouts });
      await broker.getClock();
      await broker.getClock();
      const before = clock.now();
      const waiting = broker.getAccount();
      const account = await waiting;
      expect(account.cash.toString()).toBe('100000');
      const statuses = limited.server.faults.requests.map((r) => r.status);
      expect(statuses).toEqual([200, 200, 429, 200]);
      expect(clock.sleeps.some((ms) => ms > 0)).toBe(true);
      expect(clock.now()).toBeGreaterThan(before);
    } finally {
      await limited.close();
    }
  });
});

describe('MarketDataPort against the sim', () => {
  it('reads snapshots, latest trades and paged bars', async () => {
    const { marketData } = alpaca;
    const snapshots = await marketData.getSnapshots(['AAPL', 'MSFT']);
    expect(Object.keys(snapshots).sort()).toEqual(['AAPL', 'MSFT']);
    const latest = await marketData.getLatestTrades(['AAPL']);
    expect(latest.AAPL?.price).toBeGreaterThan(0);
    const start = Date.parse(SESSION_OPEN) - 60 * 60_000;
    const bars = await marketData.getBars({ symbols: ['AAPL', 'MSFT'], timeframe: '1Min', start, end: Date.parse(SESSION_OPEN), limit: 25 });
    const pages = sim.server.faults.requests.filter((r) => r.path === '/v2/stocks/bars');
    expect(pages.length).toBeGreaterThan(1);
    for (const symbol of ['AAPL', 'MSFT']) {
      const times = bars[symbol]?.map((b) => b.t) ?? [];
      expect(times.length).toBeGreaterThan(25);
      expect(times).toEqual([...times].sort((x, y) => x - y));
      expect(new Set(times).size).toBe(times.length);
    }
  });
});

describe('streams against the sim', () => {
  it('streams a fill after connecting and resyncing, and catches up after a disconnect', async () => {
    const { tradeStream, broker } = alpaca;
    const resynced = next(tradeStream.events$, 'resynced');
    tradeStream.start();
    await resynced;
    const fill = next(tradeStream.events$, 'trade_update', (e) => e.update.event === 'fill');
    await broker.submitOrder(buy('vs-sim-stream'));
    sim.core.sync();
    expect((await fill).update.order.clientOrderId).toBe('vs-sim-stream');

    const disconnected = next(tradeStream.events$, 'disconnected');
    sim.server.faults.disconnectTradeStreams();
    const gap = await disconnected;
    const caughtUp = next(tradeStream.events$, 'resynced');
    sim.clock.advance(gap.retryInMs ?? 0);
    const after = await caughtUp;
    expect(after.fills.map((f) => f.symbol)).toEqual(['AAPL']);
  });

  it('recovers a fill that happened while the stream was down through the resync', async () => {
    const { tradeStream, broker } = alpaca;
    const ready = next(tradeStream.events$, 'resynced');
    tradeStream.start();
    await ready;

    const disconnected = next(tradeStream.events$, 'disconnected');
    sim.server.faults.disconnectTradeStreams();
    const gap = await disconnected;
    // the order fills while nobody listens: its events are lost for good on the socket
    const outcome = await broker.submitOrder(buy('filled-in-the-gap', 'MSFT', '3'));
    expect(outcome.kind).toBe('accepted');
    sim.core.sync();
    expect((await broker.getOrderByClientOrderId('filled-in-the-gap'))?.status).toBe('filled');

    const connected = next(tradeStream.events$, 'connected');
    const caughtUp = next(tradeStream.events$, 'resynced');
    sim.clock.advance(gap.retryInMs ?? 0);
    const order = await connected;
    const resync = await caughtUp;
    expect(order.attempt).toBeGreaterThan(0);
    expect(resync.fills.map((f) => [f.symbol, f.side, f.cumQty.toString()])).toEqual([['MSFT', 'buy', '3']]);
  });

  it('asks for a REST refresh when the sim sends an unknown trade event kind', async () => {
    const { tradeStream, broker } = alpaca;
    const ready = next(tradeStream.events$, 'resynced');
    tradeStream.start();
    await ready;
    const placed = await broker.submitOrder(buy('odd-event'));
    if (placed.kind !== 'accepted') throw new Error('order was not accepted');
    const refresh = next(tradeStream.events$, 'refresh_order');
    const wire = (await sim.rest(`/v2/orders/${placed.order.id}`).then((r) => r.json())) as Record<string, unknown>;
    sim.server.faults.sendRawTradeFrame({ stream: 'trade_updates', data: { event: 'held_for_review', order: wire, timestamp: SESSION_OPEN } });
    const event = await refresh;
    expect(event.orderId).toBe(placed.order.id);
  });

  it('subscribes on the data stream and receives trades after a price change', async () => {
    const { marketDataStream } = alpaca;
    marketDataStream.subscribe({ trades: ['AAPL'] });
    const subscribed = next(marketDataStream.events$, 'subscription');
    marketDataStream.start();
    expect((await subscribed).subscription.trades).toEqual(['AAPL']);
    const trade = next(marketDataStream.events$, 'trade', (e) => e.trade.price === 190);
    sim.core.market.setPrice('AAPL', 190);
    expect((await trade).trade.symbol).toBe('AAPL');
  });
});
