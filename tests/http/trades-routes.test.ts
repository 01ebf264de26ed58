import { beforeEach, describe, expect, it } from 'vitest';
import type { TradeDetail } from '../../src/control/pipeline/pipeline.types.js';
import { Decimal } from '../../src/domain/money.js';
import { NO_PROTECTIVE_STOP, type Trade } from '../../src/domain/trade.js';
import { createApp } from '../../src/http/app.js';
import { useApiContract } from '../support/api-contract.js';
import { FakeBotControl } from '../support/fake-bot-control.js';
import { FakePipelineControl } from '../support/fake-pipeline-control.js';

const TOKEN = 'test-token-0123456789abcdef';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const JSON_AUTH = { ...AUTH, 'content-type': 'application/json' };
const T0 = Date.UTC(2026, 10, 23, 14, 30, 0, 0);

const closedTrade = (id: string): Trade => ({
  id, symbol: 'ABCD', side: 'buy', status: 'closed', entryPrice: new Decimal('10.01'), exitPrice: new Decimal('11.011'),
  shares: new Decimal('9.990009990'), notional: new Decimal('100'), pnl: new Decimal('9.99999999'), pnlPct: new Decimal('10'),
  fees: null, catalystType: 'fda', catalystTier: 1, stars: 5, strategy: null, signalId: 'sig-1',
  entryClientOrderId: 'keel-e', entryOrderId: 'ord-e', exitClientOrderId: 'keel-x', exitOrderId: 'ord-x',
  exitReason: 'profit_target', peakPrice: new Decimal('11.02'), notes: null, ...NO_PROTECTIVE_STOP, entryAt: T0, exitAt: T0 + 90_000, mode: 'paper',
  createdAt: T0, updatedAt: T0 + 90_000,
});

describe('trade and emergency-stop routes', () => {
  const contract = useApiContract();
  let pipeline: FakePipelineControl;
  let app: ReturnType<typeof createApp>;

  beforeEach(() => {
    pipeline = new FakePipelineControl();
    app = contract.check(createApp({ control: new FakeBotControl(), pipeline, apiToken: TOKEN, logError: () => {} }));
  });

  it('passes every filter through, accepting RFC 3339 and epoch-ms bounds', async () => {
    pipeline.tradePage = { items: [closedTrade('t1')], nextCursor: 'next_1' };
    const res = await app.request(
      `/api/trades?status=closed&symbol=abcd&from=2026-11-23T09:30:00-05:00&to=${T0 + 60_000}&exitReason=profit_target&limit=500&cursor=Y3Vy`,
      { headers: AUTH },
    );
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.nextCursor).toBe('next_1');
    expect(body.items[0]).toMatchObject({ id: 't1', shares: '9.99000999', pnl: '9.99999999', exitReason: 'profit_target' });
    expect(pipeline.callsOf('listTrades')[0]!.args[0]).toEqual({
      status: 'closed', symbol: 'ABCD', from: T0, to: T0 + 60_000, exitReason: 'profit_target', limit: 500, cursor: 'Y3Vy',
    });
  });

  it('answers GET /api/trades/active with the open positions as armed now (not as a trade id)', async () => {
    pipeline.active = [{
      id: 't1', symbol: 'ABCD', shares: new Decimal('10'), entryPrice: new Decimal('10.01'), entryAt: Date.UTC(2026, 10, 23, 14, 30),
      lastPrice: new Decimal('10.5'), lastPriceAt: Date.UTC(2026, 10, 23, 14, 31), unrealizedPnl: new Decimal('4.9'), unrealizedPnlPct: 4.8951,
      peakPrice: new Decimal('10.6'), stopPrice: new Decimal('9.3093'), targetPrice: new Decimal('11.011'), targetAtBroker: false, trailingStopPrice: null,
      maxHoldUntil: Date.UTC(2026, 10, 23, 14, 35), forceCloseAt: Date.UTC(2026, 10, 23, 20, 45), state: 'open',
      brokerStop: { state: 'protected', clientOrderId: 'k-t1-e-s1', orderId: 'o-9', stopPrice: new Decimal('9.3'), qty: new Decimal('9'), note: '0.5 share(s) protected by Keel\'s monitor only', why: null },
      levelSources: { stop: 'signal', target: 'settings', trailingStop: 'catalyst', maxHold: 'settings' },
    }];
    const res = await app.request('/api/trades/active', { headers: AUTH });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ items: [{
      id: 't1', symbol: 'ABCD', shares: '10', entryPrice: '10.01', entryAt: Date.UTC(2026, 10, 23, 14, 30),
      lastPrice: '10.5', lastPriceAt: Date.UTC(2026, 10, 23, 14, 31), unrealizedPnl: '4.9', unrealizedPnlPct: 4.8951,
      peakPrice: '10.6', stopPrice: '9.3093', targetPrice: '11.011', targetAtBroker: false, trailingStopPrice: null,
      maxHoldUntil: Date.UTC(2026, 10, 23, 14, 35), forceCloseAt: Date.UTC(2026, 10, 23, 20, 45), state: 'open',
      brokerStop: { state: 'protected', clientOrderId: 'k-t1-e-s1', orderId: 'o-9', stopPrice: '9.3', qty: '9', note: '0.5 share(s) protected by Keel\'s monitor only', why: null },
      levelSources: { stop: 'signal', target: 'settings', trailingStop: 'catalyst', maxHold: 'settings' },
    }] });
    expect(pipeline.callsOf('getTrade')).toEqual([]);
  });

  it('answers an empty list when nothing is open', async () => {
    const res = await app.request('/api/trades/active', { headers: AUTH });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ items: [] });
  });

  it('passes the strategy and catalyst-type filters through, trimmed', async () => {
    const res = await app.request('/api/trades?strategy=%20gap-up%20&catalystType=fda', { headers: AUTH });
    expect(res.status).toBe(200);
    expect(pipeline.callsOf('listTrades')[0]!.args[0]).toEqual({ strategy: 'gap-up', catalystType: 'fda' });
  });

  it('rejects an empty or unprintable strategy or catalyst type, naming each', async () => {
    const res = await app.request('/api/trades?strategy=&catalystType=a%00b', { headers: AUTH });
    expect(res.status).toBe(400);
    const paths = ((await res.json()).error.issues as Array<{ path: string }>).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['strategy', 'catalystType']));
    expect(pipeline.calls).toEqual([]);
  });

  it('rejects bad trade filters with 400 listing each, and calls nothing', async () => {
    const res = await app.request('/api/trades?status=done&from=yesterday&exitReason=panic&limit=0&cursor=%25%25', { headers: AUTH });
    expect(res.status).toBe(400);
    const paths = ((await res.json()).error.issues as Array<{ path: string }>).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['status', 'from', 'exitReason', 'limit', 'cursor']));
    expect(pipeline.calls).toEqual([]);
  });

  it('rejects a window whose end is before its start', async () => {
    const res = await app.request(`/api/trades?from=${T0}&to=${T0 - 1}`, { headers: AUTH });
    expect(res.status).toBe(400);
    expect((await res.json()).error.issues).toEqual([expect.objectContaining({ path: 'to' })]);
  });

  it('returns a trade with its provenance, decimals as strings', async () => {
    const detail: TradeDetail = {
      trade: closedTrade('t1'), signal: null, holdSeconds: 90,
      verdicts: [{ check: 'bot-running', passed: true, denial: null }],
      journal: [{ id: 7, at: T0, kind: 'order_submitted', cause: 'pipeline', subject: 'ord-e', message: 'entry sent', data: { notional: '100' } }],
    };
    pipeline.trades.set('t1', detail);
    const res = await app.request('/api/trades/t1', { headers: AUTH });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ holdSeconds: 90, signal: null, trade: { id: 't1', entryPrice: '10.01' }, verdicts: [{ check: 'bot-running' }] });
    expect(body.journal[0]).toMatchObject({ kind: 'order_submitted', data: { notional: '100' } });
  });

  it('answers 404 for an unknown trade', async () => {
    const res = await app.request('/api/trades/00000000-0000-0000-0000-000000000000', { headers: AUTH });
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('NOT_FOUND');
  });

  it('runs the emergency stop with closePositions and answers the report: cancelled, closed and left', async () => {
    pipeline.report = {
      cancelledOrders: [{ orderId: 'o1', status: 200, error: null }, { orderId: 'o2', status: 200, error: null }], cancelled: ['o1'], stillOpen: ['o2'],
      closed: ['t1'], closing: ['t2'], failed: [], flatten: 'incomplete',
      left: [{ symbol: 'ABCD', qty: new Decimal('2.50'), owner: 'keel', tradeId: 't2' }, { symbol: 'XYZ', qty: new Decimal('7'), owner: 'external' }],
      state: 'halted', problems: [],
    };
    const res = await app.request('/api/bot/emergency-stop', { method: 'POST', headers: JSON_AUTH, body: JSON.stringify({ closePositions: true }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      ...pipeline.report,
      left: [{ symbol: 'ABCD', qty: '2.5', owner: 'keel', tradeId: 't2' }, { symbol: 'XYZ', qty: '7', owner: 'external' }],
    });
    const call = pipeline.callsOf('emergencyStop')[0]!;
    expect(call.args[0]).toEqual({ closePositions: true });
    expect(call.args[1]).toContain('/api/bot/emergency-stop');
  });

  it('refuses an emergency stop that does not state closePositions', async () => {
    const res = await app.request('/api/bot/emergency-stop', { method: 'POST', headers: JSON_AUTH, body: JSON.stringify({ closePositions: 'yes', now: true }) });
    expect(res.status).toBe(400);
    const paths = ((await res.json()).error.issues as Array<{ path: string }>).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['closePositions', 'now']));
    expect(pipeline.calls).toEqual([]);
  });
});
