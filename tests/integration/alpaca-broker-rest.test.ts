/**
 * BrokerPort and MarketDataPort paging and bulk answers against a scripted loopback server.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlpacaBroker } from '../../src/adapters/alpaca/alpaca-broker.js';
import { Credentials } from '../../src/adapters/alpaca/credentials.js';
import { AlpacaHttpClient } from '../../src/adapters/alpaca/http-client.js';
import { AlpacaMarketData } from '../../src/adapters/alpaca/market-data.client.js';
import { barToWire, calendarDayToWire, fillActivityToWire, orderToWire, snapshotToWire, tradeToWire } from '../../src/adapters/alpaca/serialize.js';
import { ManualClock } from '../../src/clock/manual.clock.js';
import { dec } from '../../src/domain/money.js';
import { toIso } from '../../src/domain/time.js';
import { aBar, aCalendarDay, aFill, anOrder, aSnapshot, aTrade } from '../support/alpaca-builders.js';
import { loadFixture } from '../support/fixtures.js';
import { ScriptedHttpServer, type RecordedRequest } from '../support/scripted-http-server.js';

const T0 = Date.parse('2026-11-23T15:00:00Z');
let server: ScriptedHttpServer;
let broker: AlpacaBroker;
let data: AlpacaMarketData;

beforeEach(async () => {
  server = new ScriptedHttpServer();
  const baseUrl = await server.start();
  const clock = new ManualClock(T0, true);
  const http = new AlpacaHttpClient({ baseUrl, credentials: new Credentials('PK', 'secret'), clock, random: () => 0, timeoutClock: new ManualClock(T0) });
  broker = new AlpacaBroker({ mode: 'paper', http });
  data = new AlpacaMarketData({ http, feed: 'iex' });
});

afterEach(() => server.close());

const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

describe('listAllOrders', () => {
  it('pages by submission time, re-reads the boundary millisecond and returns each order once', async () => {
    // 700 orders one second apart, except 498–501 which share one submission millisecond
    const orders = Array.from({ length: 700 }, (_, i) => {
      const submittedAt = i >= 498 && i <= 501 ? T0 + 498_000 : T0 + i * 1000;
      return anOrder({ id: uuid(i), clientOrderId: `c-${i}`, submittedAt, createdAt: submittedAt });
    });
    server.on('GET', '/v2/orders', (req: RecordedRequest) => {
      const after = req.query.get('after');
      const limit = Number(req.query.get('limit'));
      const page = orders.filter((o) => after === null || (o.submittedAt ?? 0) > Date.parse(after)).slice(0, limit);
      return { status: 200, body: page.map(orderToWire) };
    });
    const all = await broker.listAllOrders({ status: 'all', nested: true });
    expect(all).toHaveLength(700);
    expect(new Set(all.map((o) => o.id)).size).toBe(700);
    const queries = server.requests.map((r) => Object.fromEntries(r.query));
    expect(queries[0]).toEqual({ status: 'all', nested: 'true', limit: '500', direction: 'asc' });
    // order 499 is the last of page 1; the next page starts 1 ms before its timestamp
    expect(queries[1]?.after).toBe(toIso(T0 + 498_000 - 1));
    expect(queries).toHaveLength(2);
  });

  it('reports a page it cannot advance past instead of looping', async () => {
    const same = Array.from({ length: 500 }, (_, i) => anOrder({ id: uuid(i), submittedAt: T0, createdAt: T0 }));
    server.on('GET', '/v2/orders', { status: 200, body: same.map(orderToWire) });
    await expect(broker.listAllOrders({ status: 'all' })).rejects.toMatchObject({ category: 'invalid_response' });
    expect(server.count('GET', '/v2/orders')).toBe(2);
  });
});

describe('listFillActivities', () => {
  it('follows page_token (the last id) until a short page', async () => {
    const fills = Array.from({ length: 5 }, (_, i) => ({ ...aFill(), id: `2026112315000000${i}::${uuid(i)}`, transactionTime: T0 + i }));
    server.on('GET', '/v2/account/activities/FILL', (req: RecordedRequest) => {
      const token = req.query.get('page_token');
      const start = token === null ? 0 : fills.findIndex((f) => f.id === token) + 1;
      return { status: 200, body: fills.slice(start, start + Number(req.query.get('page_size'))).map(fillActivityToWire) };
    });
    const got = await broker.listFillActivities({ after: T0, direction: 'asc', pageSize: 2 });
    expect(got.map((f) => f.id)).toEqual(fills.map((f) => f.id));
    const queries = server.requests.map((r) => r.query);
    expect(queries.map((q) => q.get('page_token'))).toEqual([null, fills[1]?.id, fills[3]?.id]);
    expect(queries[0]?.get('after')).toBe(toIso(T0));
  });
});

describe('bulk and calendar calls', () => {
  it('inspects every element of the 207 close-all answer', async () => {
    server.on('DELETE', '/v2/positions', { status: 207, body: loadFixture('positions-close-all-207.json') });
    const results = await broker.closeAllPositions({ cancelOrders: true });
    expect(server.requests[0]?.query.get('cancel_orders')).toBe('true');
    expect(results.map((r) => [r.symbol, r.status, r.order !== null, r.error?.code ?? null])).toEqual([
      ['BTCUSD', 200, true, null], ['SQQQ', 403, false, 40310000], ['NYC', 403, false, 40310000],
    ]);
  });

  it('inspects every element of the 207 cancel-all answer', async () => {
    server.on('DELETE', '/v2/orders', { status: 207, body: loadFixture('orders-cancel-all-207.json') });
    const results = await broker.cancelAllOrders();
    expect(results.map((r) => [r.orderId, r.status, r.error?.message ?? null])).toEqual([
      ['497f6eca-6276-4993-bfeb-53cbbbba6f08', 200, null], ['72249bb6-6c89-4ea7-b8cf-73f1a140812b', 404, 'order not found'],
    ]);
  });

  it('asks for the calendar with inclusive start and end dates', async () => {
    server.on('GET', '/v2/calendar', { status: 200, body: [calendarDayToWire(aCalendarDay())] });
    const days = await broker.getCalendar({ start: '2025-11-24', end: '2025-11-28' });
    expect(days.map((d) => d.close)).toEqual(['13:00']);
    expect(Object.fromEntries(server.requests[0]?.query ?? [])).toEqual({ start: '2025-11-24', end: '2025-11-28' });
  });

  it('sends a partial liquidation as a qty query and returns the order', async () => {
    server.on('DELETE', '/v2/positions/AAPL', { status: 200, body: orderToWire(anOrder({ side: 'sell', type: 'market', limitPrice: null })) });
    const order = await broker.closePosition('AAPL', { qty: dec('2.5') });
    expect(order.side).toBe('sell');
    expect(server.requests[0]?.query.get('qty')).toBe('2.5');
  });
});

describe('market data REST', () => {
  it('follows next_page_token until null and merges bars per symbol', async () => {
    const bar = (symbol: string, minute: number) => aBar({ symbol, t: T0 + minute * 60_000 });
    server.on('GET', '/v2/stocks/bars',
      { status: 200, body: { bars: { AAPL: [barToWire(bar('AAPL', 0)), barToWire(bar('AAPL', 1))] }, next_page_token: 'QUFQTHwx' } },
      { status: 200, body: { bars: { AAPL: [barToWire(bar('AAPL', 2))], TSLA: [barToWire(bar('TSLA', 0))] }, next_page_token: null } });
    const bars = await data.getBars({ symbols: ['AAPL', 'TSLA'], timeframe: '1Min', start: T0, limit: 3 });
    expect(bars.AAPL?.map((b) => b.t)).toEqual([T0, T0 + 60_000, T0 + 120_000]);
    expect(bars.TSLA).toHaveLength(1);
    const [first, second] = server.requests.map((r) => r.query);
    expect(first?.has('page_token')).toBe(false);
    expect(second?.get('page_token')).toBe('QUFQTHwx');
    expect(second?.get('symbols')).toBe('AAPL,TSLA');
    expect(first?.get('feed')).toBe('iex');
  });

  it('reads snapshots and latest trades for comma-joined symbols', async () => {
    server.on('GET', '/v2/stocks/snapshots', { status: 200, body: { AAPL: snapshotToWire(aSnapshot()) } });
    server.on('GET', '/v2/stocks/trades/latest', { status: 200, body: { trades: { AAPL: tradeToWire(aTrade()) } } });
    const snapshots = await data.getSnapshots(['AAPL', 'ZZZZ']);
    const trades = await data.getLatestTrades(['AAPL', 'ZZZZ']);
    expect(Object.keys(snapshots)).toEqual(['AAPL']);
    expect(trades.AAPL?.price).toBe(172.61);
    expect(server.requests.map((r) => r.query.get('symbols'))).toEqual(['AAPL,ZZZZ', 'AAPL,ZZZZ']);
  });

  it('asks nothing for an empty symbol list', async () => {
    expect(await data.getSnapshots([])).toEqual({});
    expect(server.requests).toHaveLength(0);
  });
});
