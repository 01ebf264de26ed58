import { beforeEach, describe, expect, it } from 'vitest';
import { Decimal } from '../../src/domain/money.js';
import { createApp } from '../../src/http/app.js';
import { useApiContract } from '../support/api-contract.js';
import { FakeBotControl } from '../support/fake-bot-control.js';
import { FakePipelineControl } from '../support/fake-pipeline-control.js';

const TOKEN = 'test-token-0123456789abcdef';
const AUTH = { authorization: `Bearer ${TOKEN}` };

describe('performance routes', () => {
  let pipeline: FakePipelineControl;
  let app: ReturnType<typeof createApp>;
  const contract = useApiContract();

  beforeEach(() => {
    pipeline = new FakePipelineControl();
    app = contract.check(createApp({ control: new FakeBotControl(), pipeline, apiToken: TOKEN, logError: () => {} }));
  });

  it('needs the bearer token', async () => {
    for (const path of ['/api/performance', '/api/performance/daily', '/api/performance/today']) {
      expect((await app.request(path)).status).toBe(401);
    }
    expect(pipeline.calls).toEqual([]);
  });

  it('passes every filter through and answers money as decimal strings, ratios as numbers', async () => {
    pipeline.performanceReport = {
      ...pipeline.performanceReport,
      summary: { ...pipeline.performanceReport.summary, trades: 3, wins: 2, winRate: 0.6667, totalPnl: new Decimal('12.340000001'), profitFactor: 1.5 },
      equityCurve: [{ t: 1, equity: new Decimal('100000.5'), realizedPnl: new Decimal('-1.25') }],
    };
    const res = await app.request('/api/performance?from=2026-11-02&to=2026-11-20&mode=live&strategy=gap&catalystType=fda&symbol=abcd', { headers: AUTH });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ from: '2026-11-02', to: '2026-11-20', mode: 'live' });
    expect(body.summary).toMatchObject({ trades: 3, winRate: 0.6667, totalPnl: '12.340000001', profitFactor: 1.5, sharpe: null });
    expect(body.equityCurve).toEqual([{ t: 1, equity: '100000.5', realizedPnl: '-1.25' }]);
    expect(Object.keys(body.breakdowns)).toEqual(['strategy', 'catalystType', 'catalystTier', 'stars', 'exitReason', 'symbol', 'entryHourEt', 'weekday']);
    expect(pipeline.callsOf('performance')[0]!.args[0]).toEqual({
      from: '2026-11-02', to: '2026-11-20', mode: 'live', strategy: 'gap', catalystType: 'fda', symbol: 'ABCD',
    });
  });

  it('leaves an absent window and mode to the pipeline (the current mode, the last 30 days)', async () => {
    const res = await app.request('/api/performance/daily', { headers: AUTH });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ from: '2026-10-25', to: '2026-11-23', mode: 'paper', days: [] });
    expect(pipeline.callsOf('performanceDaily')[0]!.args[0]).toEqual({});
  });

  it('rejects bad queries with 400 listing every problem, and calls nothing', async () => {
    const res = await app.request('/api/performance?from=2026-02-30&to=yesterday&mode=demo&symbol=1x&strategy=&limit=5', { headers: AUTH });
    expect(res.status).toBe(400);
    const paths = ((await res.json()).error.issues as Array<{ path: string }>).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['from', 'to', 'mode', 'symbol', 'strategy', 'limit']));
    const daily = await app.request('/api/performance/daily?from=2026-11-20&to=2026-11-19&symbol=ABCD', { headers: AUTH });
    expect(daily.status).toBe(400);
    expect(((await daily.json()).error.issues as Array<{ path: string }>).map((i) => i.path).sort()).toEqual(['symbol', 'to']);
    const today = await app.request('/api/performance/today?from=2026-11-20', { headers: AUTH });
    expect(today.status).toBe(400);
    expect(pipeline.calls).toEqual([]);
  });

  it('answers today with the live fields', async () => {
    pipeline.today = { ...pipeline.today, trades: 1, realizedPnl: new Decimal('5'), unrealizedPnl: new Decimal('-2.5'), openPositions: 2, equity: new Decimal('100002.5') };
    const res = await app.request('/api/performance/today?mode=paper', { headers: AUTH });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ date: '2026-11-23', mode: 'paper', trades: 1, realizedPnl: '5', unrealizedPnl: '-2.5', openPositions: 2, equity: '100002.5' });
    expect(pipeline.callsOf('performanceToday')[0]!.args[0]).toEqual({ mode: 'paper' });
  });
});
