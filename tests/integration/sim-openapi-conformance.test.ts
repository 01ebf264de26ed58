/**
 * The simulated exchange's LIVE responses, over real HTTP, validated against Alpaca's official
 * OpenAPI specs. The serializer tests check our wire functions on hand-built values; this checks
 * what the sim actually sends after real orders, fills and cancels — the payloads any Alpaca
 * client pointed at the sim will read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenApiValidator, errorsOf } from '../support/openapi-validator.js';
import { limitBuy, marketBuy, startSim, type SimHarness } from '../support/sim-harness.js';

const openapi = createOpenApiValidator();
let sim: SimHarness;
let filledOrderId = '';

async function json(path: string, init?: RequestInit): Promise<unknown> {
  const res = await sim.rest(path, init);
  expect(res.status, `${init?.method ?? 'GET'} ${path}`).toBeLessThan(300);
  return res.json();
}

beforeAll(async () => {
  sim = await startSim();
  const order = (await json('/v2/orders', marketBuy('AAPL', 'conf-1', '3'))) as { id: string };
  filledOrderId = order.id;
  await json('/v2/orders', marketBuy('MSFT', 'conf-2', '2'));
  sim.core.sync();
  sim.core.faults.holdFills(true);
  await json('/v2/orders', limitBuy('TSLA', 'conf-open', '1.00'));
});

afterAll(async () => {
  await sim.close();
});

describe('trading REST responses of the sim conform to trading-api.json', () => {
  const cases: Array<[string, string, string?]> = [
    ['GET /v2/account', '/v2/account'],
    ['GET /v2/clock', '/v2/clock'],
    ['GET /v2/calendar', '/v2/calendar?start=2026-11-20&end=2026-12-31'],
    ['GET /v2/positions', '/v2/positions'],
    ['GET /v2/positions/{symbol}', '/v2/positions/AAPL', '/v2/positions/{symbol_or_asset_id}'],
    ['GET /v2/orders?status=all', '/v2/orders?status=all&nested=true', '/v2/orders'],
    ['GET /v2/orders:by_client_order_id', '/v2/orders:by_client_order_id?client_order_id=conf-1'],
  ];
  for (const [name, url, specPath] of cases) {
    it(`${name} matches its 200 schema`, async () => {
      const body = await json(url);
      expect(errorsOf(openapi.response('trading', specPath ?? url.split('?')[0]!), body)).toEqual([]);
    });
  }

  it('GET /v2/orders/{id} matches its 200 schema', async () => {
    const body = await json(`/v2/orders/${filledOrderId}`);
    expect(errorsOf(openapi.response('trading', '/v2/orders/{order_id}'), body)).toEqual([]);
  });

  it('FILL activities match the TradingActivities schema, element by element', async () => {
    const body = (await json('/v2/account/activities/FILL')) as unknown[];
    expect(body.length).toBeGreaterThan(0);
    // the path's own 200 schema is a oneOf whose branches require nothing, so every item matches
    // both and fails; the component it names is the meaningful contract
    for (const item of body) expect(errorsOf(openapi.component('trading', 'TradingActivities'), item)).toEqual([]);
  });

  it('DELETE /v2/positions/{symbol} answers an Order matching its 200 schema', async () => {
    const body = await json('/v2/positions/MSFT?percentage=50', { method: 'DELETE' });
    expect(errorsOf(openapi.response('trading', '/v2/positions/{symbol_or_asset_id}', 'delete'), body)).toEqual([]);
  });

  it('DELETE /v2/orders answers a 207 matching its schema', async () => {
    const res = await sim.rest('/v2/orders', { method: 'DELETE' });
    expect(res.status).toBe(207);
    const body = (await res.json()) as unknown[];
    expect(body.length).toBeGreaterThan(0);
    expect(errorsOf(openapi.response('trading', '/v2/orders', 'delete', '207'), body)).toEqual([]);
  });

  it('DELETE /v2/positions answers a 207 matching its schema', async () => {
    const res = await sim.rest('/v2/positions?cancel_orders=true', { method: 'DELETE' });
    expect(res.status).toBe(207);
    const body = (await res.json()) as unknown[];
    expect(body.length).toBeGreaterThan(0);
    expect(errorsOf(openapi.response('trading', '/v2/positions', 'delete', '207'), body)).toEqual([]);
  });
});

describe('market data REST responses of the sim conform to market-data-api.json', () => {
  const cases: Array<[string, string]> = [
    ['/v2/stocks/snapshots?symbols=AAPL,MSFT', '/v2/stocks/snapshots'],
    ['/v2/stocks/AAPL/snapshot', '/v2/stocks/{symbol}/snapshot'],
    ['/v2/stocks/trades/latest?symbols=AAPL,MSFT', '/v2/stocks/trades/latest'],
    ['/v2/stocks/AAPL/trades/latest', '/v2/stocks/{symbol}/trades/latest'],
    ['/v2/stocks/quotes/latest?symbols=AAPL', '/v2/stocks/quotes/latest'],
    ['/v2/stocks/bars?symbols=AAPL,MSFT&timeframe=1Min&start=2026-11-23T14:30:00Z&limit=50', '/v2/stocks/bars'],
    ['/v2/stocks/AAPL/bars?timeframe=1Day&start=2026-11-01', '/v2/stocks/{symbol}/bars'],
  ];
  for (const [url, specPath] of cases) {
    it(`GET ${url.split('?')[0]} matches its 200 schema`, async () => {
      const body = await json(url);
      expect(errorsOf(openapi.response('data', specPath), body)).toEqual([]);
    });
  }
});
