/**
 * The simulated exchange over real loopback HTTP and websockets (docs/alpaca.md §1, §2, §5, §7–9, §11),
 * core included, time on a ManualClock. One file by design (the transport's whole contract in one
 * place), grouped by surface; every wait is on a concrete frame, response or request-log entry.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { filter, firstValueFrom } from 'rxjs';
import { ANY_KEY, limitBuy, marketBuy, startSim, type SimHarness } from '../support/sim-harness.js';
import { WsProbe } from '../support/ws-probe.js';

let sim: SimHarness;
const probes: WsProbe[] = [];

async function probe(url: string, headers?: Record<string, string>): Promise<WsProbe> {
  const p = await WsProbe.open(url, headers);
  probes.push(p);
  return p;
}

afterEach(async () => {
  for (const p of probes.splice(0)) await p.close();
  await sim?.close();
});

describe('sim server: trading REST', () => {
  beforeEach(async () => {
    sim = await startSim();
  });

  it('answers GET /v2/clock for any non-empty key pair', async () => {
    const res = await sim.rest('/v2/clock');
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.is_open).toBe(true);
    expect(body.timestamp).toMatch(/^2026-11-23T10:00:00/);
  });

  it('rejects a request without APCA headers with 401 40110000', async () => {
    const res = await fetch(`${sim.server.tradingUrl}/v2/account`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ code: 40110000, message: 'request is not authorized' });
  });

  it('serves the literal-colon path /v2/orders:by_client_order_id', async () => {
    const placed = (await (await sim.rest('/v2/orders', marketBuy('AAPL', 'colon-1'))).json()) as { id: string };
    const found = await sim.rest('/v2/orders:by_client_order_id?client_order_id=colon-1');
    expect(found.status).toBe(200);
    expect(((await found.json()) as { id: string }).id).toBe(placed.id);
    const missing = await sim.rest('/v2/orders:by_client_order_id?client_order_id=nope');
    expect(missing.status).toBe(404);
  });

  it('answers 404 with Alpaca bodies for an unknown order, a flat position and an unknown route', async () => {
    const order = await sim.rest('/v2/orders/9b2f0e4c-1111-4a4a-8b8b-000000000000');
    expect(order.status).toBe(404);
    expect(((await order.json()) as { code: number }).code).toBe(40410000);
    const position = await sim.rest('/v2/positions/AAPL');
    expect(position.status).toBe(404);
    expect(await position.json()).toMatchObject({ code: 40410000, message: 'position does not exist' });
    const route = await sim.rest('/v2/nothing-here');
    expect(route.status).toBe(404);
    expect(await route.json()).toHaveProperty('message');
  });

  it('defaults the calendar to today through 30 days ahead in New York', async () => {
    const days = (await (await sim.rest('/v2/calendar')).json()) as Array<{ date: string }>;
    expect(days[0]?.date).toBe('2026-11-23');
    expect(days.every((d) => d.date <= '2026-12-23')).toBe(true);
    expect(days.map((d) => d.date)).not.toContain('2026-11-26'); // Thanksgiving
  });

  it('lists fills under both activity routes', async () => {
    await sim.rest('/v2/orders', marketBuy('AAPL', 'fill-1'));
    sim.core.sync();
    const byPath = (await (await sim.rest('/v2/account/activities/FILL')).json()) as Array<{ symbol: string; activity_type: string }>;
    const byQuery = (await (await sim.rest('/v2/account/activities?activity_types=FILL')).json()) as unknown[];
    expect(byPath).toEqual([expect.objectContaining({ symbol: 'AAPL', activity_type: 'FILL' })]);
    expect(byQuery).toEqual(byPath);
  });

  it('rejects an undecodable order body with 400 40010000', async () => {
    const res = await sim.rest('/v2/orders', { method: 'POST', body: '{"symbol":' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ code: 40010000, message: 'failed to decode request body' });
  });

  it('cancels every open order with a 207 multi-status', async () => {
    sim.core.faults.holdFills(true);
    const a = (await (await sim.rest('/v2/orders', limitBuy('AAPL', 'open-a', '100'))).json()) as { id: string };
    const b = (await (await sim.rest('/v2/orders', limitBuy('MSFT', 'open-b', '100'))).json()) as { id: string };
    const res = await sim.rest('/v2/orders', { method: 'DELETE' });
    expect(res.status).toBe(207);
    const body = (await res.json()) as Array<{ id: string; status: number }>;
    expect(body.map((e) => e.id).sort()).toEqual([a.id, b.id].sort());
    expect(body.every((e) => e.status === 200)).toBe(true);
  });

  it('closes all positions with a 207 array of per-symbol results', async () => {
    await sim.rest('/v2/orders', marketBuy('AAPL', 'own-1'));
    sim.core.sync();
    const res = await sim.rest('/v2/positions?cancel_orders=true', { method: 'DELETE' });
    expect(res.status).toBe(207);
    const body = (await res.json()) as Array<{ symbol: string; status: number; body: { side?: string } }>;
    expect(body).toEqual([expect.objectContaining({ symbol: 'AAPL', status: 200, body: expect.objectContaining({ side: 'sell' }) })]);
  });
});

describe('sim server: rate limit and transport faults', () => {
  beforeEach(async () => {
    sim = await startSim({ rateLimitPerMinute: 3 });
  });

  it('counts down X-RateLimit headers and answers the (limit+1)th call in a minute with 429', async () => {
    const remaining: Array<string | null> = [];
    for (let i = 0; i < 3; i++) {
      const res = await sim.rest('/v2/clock');
      expect(res.headers.get('x-ratelimit-limit')).toBe('3');
      expect(res.headers.get('x-ratelimit-reset')).toBe(String(Date.parse('2026-11-23T15:01:00Z') / 1000));
      remaining.push(res.headers.get('x-ratelimit-remaining'));
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const limited = await sim.rest('/v2/clock');
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ code: 42910000, message: 'rate limit exceeded' });
    sim.clock.advance(60_000);
    expect((await sim.rest('/v2/clock')).status).toBe(200);
  });

  it('answers a scripted 503 without submitting the order', async () => {
    sim.server.faults.failNext({ method: 'POST', path: '/v2/orders' }, { kind: 'status', status: 503 });
    const res = await sim.rest('/v2/orders', marketBuy('AAPL', 'fault-503'));
    expect(res.status).toBe(503);
    expect((await sim.rest('/v2/orders:by_client_order_id?client_order_id=fault-503')).status).toBe(404);
    expect(sim.server.faults.requests[0]).toMatchObject({ method: 'POST', path: '/v2/orders', status: 503, fault: 'status' });
  });

  it('repeats a status fault the scripted number of times, then serves normally', async () => {
    sim.server.faults.failNext({ path: '/v2/account' }, { kind: 'status', status: 502 }, 2);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await sim.rest('/v2/account')).status);
    expect(statuses).toEqual([502, 502, 200]);
  });

  it('processes a timed-out order but never answers until the client gives up', async () => {
    sim.server.faults.failNext({ method: 'POST', path: '/v2/orders' }, { kind: 'timeout' });
    const held = firstValueFrom(sim.server.faults.requests$.pipe(filter((r) => r.fault === 'timeout')));
    const abort = new AbortController();
    const pending = sim.rest('/v2/orders', { ...marketBuy('AAPL', 'fault-timeout'), signal: abort.signal });
    await held;
    expect((await sim.rest('/v2/orders:by_client_order_id?client_order_id=fault-timeout')).status).toBe(200);
    abort.abort();
    await expect(pending).rejects.toThrow();
  });

  it('processes a dropped order and destroys the socket without a response', async () => {
    sim.server.faults.failNext({ path: /^\/v2\/orders$/ }, { kind: 'drop' });
    await expect(sim.rest('/v2/orders', marketBuy('AAPL', 'fault-drop'))).rejects.toThrow();
    expect((await sim.rest('/v2/orders:by_client_order_id?client_order_id=fault-drop')).status).toBe(200);
  });
});

describe('sim server: trade_updates stream', () => {
  beforeEach(async () => {
    sim = await startSim({ credentials: { keyId: 'key-1', secret: 'secret-1' } });
  });

  const auth = { 'APCA-API-KEY-ID': 'key-1', 'APCA-API-SECRET-KEY': 'secret-1' };

  it('authorizes both auth message forms and refuses a wrong secret', async () => {
    const ws = await probe(sim.server.tradeStreamUrl);
    ws.send({ action: 'auth', key: 'key-1', secret: 'secret-1' });
    expect((await ws.next()).json).toEqual({ stream: 'authorization', data: { status: 'authorized', action: 'authenticate' } });
    ws.send({ action: 'authenticate', data: { key_id: 'key-1', secret_key: 'secret-1' } });
    expect((await ws.next()).json).toMatchObject({ stream: 'authorization', data: { status: 'authorized' } });
    ws.send({ action: 'authenticate', data: { key_id: 'key-1', secret_key: 'wrong' } });
    expect((await ws.next()).json).toMatchObject({ stream: 'authorization', data: { status: 'unauthorized', action: 'authenticate' } });
  });

  it('answers listen before auth with unauthorized for action listen', async () => {
    const ws = await probe(sim.server.tradeStreamUrl);
    ws.send({ action: 'listen', data: { streams: ['trade_updates'] } });
    expect((await ws.next()).json).toEqual({ stream: 'authorization', data: { status: 'unauthorized', action: 'listen' } });
  });

  it('streams a submitted order as binary trade_updates frames', async () => {
    const ws = await probe(sim.server.tradeStreamUrl);
    ws.send({ action: 'authenticate', data: { key_id: 'key-1', secret_key: 'secret-1' } });
    await ws.next((m) => m.stream === 'authorization');
    ws.send({ action: 'listen', data: { streams: ['trade_updates', 'account_updates'] } });
    expect((await ws.next((m) => m.stream === 'listening')).json).toEqual({ stream: 'listening', data: { streams: ['trade_updates'] } });
    const res = await fetch(`${sim.server.tradingUrl}/v2/orders`, { ...marketBuy('AAPL', 'streamed-1'), headers: auth });
    const order = (await res.json()) as { id: string };
    const frame = await ws.next((m) => m.stream === 'trade_updates' && m.data.order.id === order.id);
    expect(frame.binary).toBe(true);
  });

  async function listening(): Promise<WsProbe> {
    const ws = await probe(sim.server.tradeStreamUrl);
    ws.send({ action: 'auth', key: 'key-1', secret: 'secret-1' });
    await ws.next((m) => m.stream === 'authorization');
    ws.send({ action: 'listen', data: { streams: ['trade_updates'] } });
    await ws.next((m) => m.stream === 'listening');
    return ws;
  }

  async function restingOrder(clientOrderId: string): Promise<string> {
    sim.core.faults.holdFills(true);
    const res = await fetch(`${sim.server.tradingUrl}/v2/orders`, { ...limitBuy('AAPL', clientOrderId, '100'), headers: auth });
    sim.core.sync(); // emits 'new'
    return ((await res.json()) as { id: string }).id;
  }

  const cancel = (id: string) => fetch(`${sim.server.tradingUrl}/v2/orders/${id}`, { method: 'DELETE', headers: auth });
  const forOrder = (id: string) => (m: any) => m.data?.order?.id === id;

  it('sends a scripted duplicate of the next event', async () => {
    const ws = await listening();
    sim.server.faults.duplicateNextEvents(1);
    const id = await restingOrder('dup-1');
    const first = await ws.next(forOrder(id));
    const second = await ws.next(forOrder(id));
    expect(first.json).toMatchObject({ data: { event: 'new' } });
    expect(second.json).toEqual(first.json);
  });

  it('never sends a scripted dropped event', async () => {
    const ws = await listening();
    sim.server.faults.dropNextEvents(1);
    const id = await restingOrder('drop-1');
    expect((await cancel(id)).status).toBe(204);
    expect((await ws.next(forOrder(id))).json).toMatchObject({ data: { event: 'canceled' } });
  });

  it('holds events until released, then flushes them in order', async () => {
    const ws = await listening();
    sim.server.faults.holdEvents();
    const id = await restingOrder('held-1');
    await cancel(id);
    sim.server.faults.sendRawTradeFrame({ stream: 'trade_updates', data: { event: 'marker' } });
    await ws.next((m) => m.data?.event === 'marker');
    expect(ws.pending).toHaveLength(0);
    sim.server.faults.releaseEvents();
    expect((await ws.next(forOrder(id))).json).toMatchObject({ data: { event: 'new' } });
    expect((await ws.next(forOrder(id))).json).toMatchObject({ data: { event: 'canceled' } });
  });

  it('injects raw frames as binary and terminates sockets on demand', async () => {
    const ws = await listening();
    sim.server.faults.sendRawTradeFrame({ stream: 'trade_updates', data: { event: 'mystery', order: { id: 'x' } } });
    expect((await ws.next((m) => m.data?.event === 'mystery')).binary).toBe(true);
    expect(sim.server.faults.tradeStreamClients()).toBe(1);
    sim.server.faults.disconnectTradeStreams();
    expect(await ws.closed).toBe(1006);
  });
});

describe('sim server: market data stream', () => {
  beforeEach(async () => {
    sim = await startSim({ symbolLimit: 3 });
  });

  async function authed(feed: 'iex' | 'sip' | 'test' = 'iex', key = 'any'): Promise<WsProbe> {
    const ws = await probe(sim.server.dataStreamUrl(feed));
    expect((await ws.next()).json).toEqual([{ T: 'success', msg: 'connected' }]);
    ws.send({ action: 'auth', key, secret: 'any' });
    expect((await ws.next()).json).toEqual([{ T: 'success', msg: 'authenticated' }]);
    return ws;
  }

  it('replies to subscribe deltas with the full subscription state', async () => {
    const ws = await authed();
    ws.send({ action: 'subscribe', trades: ['AAPL'], quotes: ['MSFT'] });
    expect((await ws.next()).json).toEqual([
      { T: 'subscription', trades: ['AAPL'], quotes: ['MSFT'], bars: [], updatedBars: [], dailyBars: [], statuses: [], lulds: [], corrections: ['AAPL'], cancelErrors: ['AAPL'] },
    ]);
    ws.send({ action: 'subscribe', bars: ['*'] });
    expect((await ws.next()).json).toMatchObject([{ trades: ['AAPL'], quotes: ['MSFT'], bars: ['*'] }]);
    ws.send({ action: 'unsubscribe', trades: ['AAPL'] });
    expect((await ws.next()).json).toMatchObject([{ trades: [], quotes: ['MSFT'], bars: ['*'], corrections: [] }]);
  });

  it('forwards trades for subscribed symbols only', async () => {
    const ws = await authed('test');
    ws.send({ action: 'subscribe', trades: ['FAKEPACA'] });
    await ws.next((m) => m[0]?.T === 'subscription');
    sim.core.market.setPrice('AAPL', 231.5);
    sim.core.market.setPrice('FAKEPACA', 101.25);
    const trade = await ws.next((m) => m[0]?.T === 't');
    expect(trade.json).toEqual([expect.objectContaining({ T: 't', S: 'FAKEPACA', p: 101.25 })]);
    expect(trade.binary).toBe(false);
  });

  it('refuses a second connection with the same key on the same feed with 406', async () => {
    await authed('iex');
    await authed('sip');
    const second = await probe(sim.server.dataStreamUrl('iex'));
    await second.next();
    second.send({ action: 'auth', key: 'any', secret: 'any' });
    expect((await second.next()).json).toEqual([{ T: 'error', code: 406, msg: 'connection limit exceeded' }]);
    await second.closed;
  });

  it('refuses a subscription over the symbol limit with 405 and keeps the old one', async () => {
    const ws = await authed();
    ws.send({ action: 'subscribe', trades: ['AAPL', 'MSFT'] });
    await ws.next();
    ws.send({ action: 'subscribe', quotes: ['TSLA', 'NVDA'] });
    expect((await ws.next()).json).toEqual([{ T: 'error', code: 405, msg: 'symbol limit exceeded' }]);
    ws.send({ action: 'subscribe', quotes: ['AAPL'] });
    expect((await ws.next()).json).toMatchObject([{ trades: ['AAPL', 'MSFT'], quotes: ['AAPL'] }]);
  });

  it('answers subscribe before auth with 401 and bad JSON with 400', async () => {
    const ws = await probe(sim.server.dataStreamUrl('iex'));
    await ws.next();
    ws.send({ action: 'subscribe', trades: ['AAPL'] });
    expect((await ws.next()).json).toEqual([{ T: 'error', code: 401, msg: 'not authenticated' }]);
    ws.send('{nope');
    expect((await ws.next()).json).toEqual([{ T: 'error', code: 400, msg: 'invalid syntax' }]);
  });

  it('authenticates from upgrade headers', async () => {
    const ws = await probe(sim.server.dataStreamUrl('iex'), { ...ANY_KEY });
    expect((await ws.next()).json).toEqual([{ T: 'success', msg: 'connected' }]);
    expect((await ws.next()).json).toEqual([{ T: 'success', msg: 'authenticated' }]);
  });

  it('closes an unauthenticated connection with 404 after the auth timeout', async () => {
    const ws = await probe(sim.server.dataStreamUrl('iex'));
    await ws.next();
    sim.clock.advance(9_999);
    expect(ws.pending).toHaveLength(0);
    sim.clock.advance(1);
    expect((await ws.next()).json).toEqual([{ T: 'error', code: 404, msg: 'auth timeout' }]);
    await ws.closed;
  });
});

describe('sim server: market data REST', () => {
  beforeEach(async () => {
    sim = await startSim();
  });

  type BarsPage = { bars: Record<string, Array<{ t: string }>>; next_page_token: string | null };
  const range = 'timeframe=1Min&start=2026-11-20T14:30:00Z&end=2026-11-20T15:29:59Z';

  it('pages multi-symbol bars by symbol then time with next_page_token', async () => {
    const all = (await (await sim.rest(`/v2/stocks/bars?symbols=MSFT,AAPL&${range}&limit=10000`)).json()) as BarsPage;
    expect(Object.keys(all.bars)).toEqual(['AAPL', 'MSFT']);
    expect(all.next_page_token).toBeNull();
    const perSymbol = all.bars.AAPL?.length ?? 0;
    expect(perSymbol).toBeGreaterThan(10);

    const limit = perSymbol + Math.floor(perSymbol / 2);
    const first = (await (await sim.rest(`/v2/stocks/bars?symbols=MSFT,AAPL&${range}&limit=${limit}`)).json()) as BarsPage;
    expect(first.bars.AAPL).toEqual(all.bars.AAPL);
    expect(first.bars.MSFT).toEqual(all.bars.MSFT?.slice(0, limit - perSymbol));
    expect(first.next_page_token).toEqual(expect.any(String));

    const token = encodeURIComponent(first.next_page_token as string);
    const second = (await (await sim.rest(`/v2/stocks/bars?symbols=MSFT,AAPL&${range}&limit=${limit}&page_token=${token}`)).json()) as BarsPage;
    expect(Object.keys(second.bars)).toEqual(['MSFT']);
    expect([...(first.bars.MSFT ?? []), ...(second.bars.MSFT ?? [])]).toEqual(all.bars.MSFT);
    expect(second.next_page_token).toBeNull();
  });

  it('answers unknown symbols with an empty bars object', async () => {
    const res = await sim.rest(`/v2/stocks/bars?symbols=ZZZZ&${range}`);
    expect(await res.json()).toEqual({ bars: {}, next_page_token: null });
  });

  it('rejects a bad timeframe and a bad start with message-only 400s', async () => {
    const tf = await sim.rest('/v2/stocks/AAPL/bars?timeframe=60Min');
    expect(tf.status).toBe(400);
    expect(await tf.json()).toEqual({ message: 'timeframe period number is larger than the allowed maximum of 59' });
    const start = await sim.rest('/v2/stocks/AAPL/bars?timeframe=1Min&start=yesterday');
    expect(start.status).toBe(400);
    expect(Object.keys((await start.json()) as object)).toEqual(['message']);
  });

  it('keys snapshots and latest trades by symbol and omits unknown symbols', async () => {
    const snaps = (await (await sim.rest('/v2/stocks/snapshots?symbols=AAPL,ZZZZ')).json()) as Record<string, unknown>;
    expect(Object.keys(snaps)).toEqual(['AAPL']);
    const latest = (await (await sim.rest('/v2/stocks/trades/latest?symbols=AAPL,ZZZZ')).json()) as { trades: Record<string, unknown> };
    expect(Object.keys(latest.trades)).toEqual(['AAPL']);
    const single = (await (await sim.rest('/v2/stocks/AAPL/quotes/latest')).json()) as { symbol: string; quote: { ap: number } };
    expect(single.symbol).toBe('AAPL');
    expect(single.quote.ap).toEqual(expect.any(Number));
  });
});
