/**
 * /api/performance end to end on real PostgreSQL: the HTTP shell, the pipeline facade and the SQL
 * path, with the simulated exchange behind the account cache. The clock stands at Monday
 * 2026-11-23 10:00 ET; the bot is in paper mode.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { etWallToEpoch } from '../../src/domain/market-time.js';
import { Decimal } from '../../src/domain/money.js';
import { createApp } from '../../src/http/app.js';
import { useApiContract } from '../support/api-contract.js';
import { eventually } from '../support/eventually.js';
import { aPoint } from '../support/analytics-builders.js';
import { insertEquityRows, insertTradeRows, type TradeRowSpec } from '../support/performance-rows.js';
import { FakeSupervisor, startPipelineHarness, type Keel, type PipelineHarness } from '../support/pipeline-harness.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

const TOKEN = 'test-token-0123456789abcdef';
const AUTH = { authorization: `Bearer ${TOKEN}` };

const trade = (over: Partial<TradeRowSpec>): TradeRowSpec => ({
  mode: 'paper', status: 'closed', symbol: 'ABCD', pnl: '1', entryAt: etWallToEpoch('2026-11-23', 9, 31), exitAt: etWallToEpoch('2026-11-23', 9, 33),
  strategy: 'gap', catalystType: 'fda', catalystTier: 1, stars: 5, exitReason: 'profit_target', ...over,
});

let t: TestDb;
let h: PipelineHarness;
let supervisor: FakeSupervisor;
let keel: Keel;
let app: ReturnType<typeof createApp>;
const contract = useApiContract();

beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });
beforeEach(async () => {
  await t.truncate();
  supervisor = new FakeSupervisor();
  h = await startPipelineHarness(t, () => supervisor);
  keel = await h.boot();
  app = contract.check(createApp({ control: keel.control, pipeline: keel.pipeline, apiToken: TOKEN, logError: (e) => { throw e; } }));
  await insertTradeRows(t.db, [
    trade({ pnl: '12.50' }),
    trade({ pnl: '-4.25', symbol: 'EFGH', strategy: 'news', exitAt: etWallToEpoch('2026-11-23', 9, 50) }),
    trade({ pnl: '3', entryAt: etWallToEpoch('2026-11-20', 15, 0), exitAt: etWallToEpoch('2026-11-20', 15, 30) }),
    trade({ mode: 'live', pnl: '1000' }),
    trade({ status: 'open', pnl: null, exitAt: null, exitReason: null }),
  ]);
  await insertEquityRows(t.db, [
    aPoint('2026-11-20', 9, 30, '100000'), aPoint('2026-11-20', 16, 0, '100003', { kind: 'close' }),
    aPoint('2026-11-23', 9, 30, '100003'), aPoint('2026-11-23', 9, 45, '99990'), aPoint('2026-11-23', 9, 59, '100011.25'),
    aPoint('2026-11-23', 9, 59, '5000', { mode: 'live' }),
  ]);
});
afterEach(async () => { await h.close(); });

const get = async (path: string) => {
  const res = await app.request(path, { headers: AUTH });
  expect(res.status).toBe(200);
  return res.json();
};

describe('/api/performance on real PostgreSQL', () => {
  it('defaults to the current mode and the 30 ET days ending today, and never mixes modes', async () => {
    const paper = await get('/api/performance');
    expect(paper).toMatchObject({ from: '2026-10-25', to: '2026-11-23', mode: 'paper' });
    // 12.50 − 4.25 + 3 = 11.25; equity 100000 → 100011.25 = +0.01125 % → 0.0113 (rounded)
    expect(paper.summary).toMatchObject({ trades: 3, wins: 2, losses: 1, totalPnl: '11.25', winRate: 0.6667, returnPct: 0.0113, maxDrawdownUsd: '13' });
    expect(paper.breakdowns.strategy).toEqual([
      { key: 'gap', trades: 2, wins: 2, winRate: 1, totalPnl: '15.5', avgPnl: '7.75', profitFactor: null },
      { key: 'news', trades: 1, wins: 0, winRate: 0, totalPnl: '-4.25', avgPnl: '-4.25', profitFactor: 0 },
    ]);
    expect(paper.equityCurve).toHaveLength(5);
    const live = await get('/api/performance?mode=live');
    expect(live.summary).toMatchObject({ trades: 1, totalPnl: '1000' });
    expect(live.equityCurve).toEqual([{ t: etWallToEpoch('2026-11-23', 9, 59), equity: '5000', realizedPnl: '0' }]);
    expect((await get('/api/performance?symbol=efgh&from=2026-11-23')).summary).toMatchObject({ trades: 1, totalPnl: '-4.25' });
  });

  it('gives one daily row per ET date with a trade or a snapshot', async () => {
    const { days } = await get('/api/performance/daily?from=2026-11-20&to=2026-11-23');
    expect(days.map((d: { date: string; realizedPnl: string; endEquity: string }) => [d.date, d.realizedPnl, d.endEquity]))
      .toEqual([['2026-11-20', '3', '100003'], ['2026-11-23', '8.25', '100011.25']]);
  });

  it('answers today from the database and memory, without a broker call', async () => {
    supervisor.active = true;
    supervisor.unrealized = new Decimal('7.5');
    const account = await h.alpaca.broker.getAccount();
    // the pipeline's start read the account: once it has, today answers from that snapshot
    await eventually(async () => expect((await get('/api/performance/today')).equity).toBe(account.equity.toFixed()));
    const before = h.sim.server.faults.requests.length;
    const today = await get('/api/performance/today');
    expect(today).toMatchObject({
      date: '2026-11-23', mode: 'paper', trades: 2, wins: 1, losses: 1, realizedPnl: '8.25', startEquity: '100003', endEquity: '100011.25',
      unrealizedPnl: '7.5', openPositions: 1, equity: account.equity.toFixed(),
    });
    // the other mode: its own trades, none of this mode's live state
    expect(await get('/api/performance/today?mode=live')).toMatchObject({ mode: 'live', trades: 1, realizedPnl: '1000', unrealizedPnl: null, openPositions: null, equity: null });
    expect(h.sim.server.faults.requests.length).toBe(before);
  });

  it('values the open positions as unknown while nothing watches them, and as 0 when there is none', async () => {
    supervisor.active = false;
    expect(await get('/api/performance/today')).toMatchObject({ openPositions: 1, unrealizedPnl: null });
    await t.db.deleteFrom('bot_trade').where('status', '=', 'open').execute();
    expect(await get('/api/performance/today')).toMatchObject({ openPositions: 0, unrealizedPnl: '0' });
  });
});
