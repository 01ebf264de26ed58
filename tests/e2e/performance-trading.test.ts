/**
 * Does it make money, end to end: the pipeline and the real position supervisor trade on the
 * simulated exchange over loopback (real PostgreSQL, one ManualClock), the equity snapshot job
 * records the account each minute, and the trader then reads the answers over the HTTP API:
 * /api/performance finds the closed trade with its exact P&L, its exit rule and the equity curve;
 * /api/performance/today adds the open position's unrealized P&L; /api/trades/active shows the
 * levels the open position is armed with (stop, target, max hold) and the same unrealized P&L.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { filter, firstValueFrom, Subject } from 'rxjs';
import { getTrade, listTrades } from '../../src/adapters/postgres/index.js';
import { EquitySnapshotJob, type SnapshotOutcome } from '../../src/control/jobs/equity-snapshot-job.js';
import { Decimal } from '../../src/domain/money.js';
import { createApp } from '../../src/http/app.js';
import { useApiContract } from '../support/api-contract.js';
import { decide, realSupervisor, signal, startPipelineHarness, TEST_SETTINGS, type Keel, type PipelineHarness } from '../support/pipeline-harness.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

const TOKEN = 'test-token-0123456789abcdef';
const MINUTE = 60_000;

let t: TestDb;
let h: PipelineHarness;
let keel: Keel;
let job: EquitySnapshotJob;
const ticks = new Subject<SnapshotOutcome>();
const contract = useApiContract();

beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });
afterEach(async () => {
  await job.stop();
  await h.close();
});

const get = async (app: ReturnType<typeof createApp>, path: string) => {
  const res = await app.request(path, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status, path).toBe(200);
  return res.json();
};

async function nextMinute(): Promise<SnapshotOutcome> {
  const tick = firstValueFrom(ticks);
  h.clock.advance(MINUTE - (h.clock.now() % MINUTE));
  return tick;
}

async function openBySignal(symbol: string) {
  const watching = firstValueFrom(h.alpaca.marketDataStream.events$.pipe(filter((e) => e.type === 'subscription' && e.subscription.trades.includes(symbol))));
  expect(await decide(keel.pipeline, signal({ id: `sig-${symbol}`, symbol, strategy: 'gap', catalystType: 'fda' }))).toMatchObject({ outcome: 'fired' });
  const tradeId = (await keel.pipeline.getSignal(`sig-${symbol}`))!.tradeId!;
  await keel.position('opened', (e) => e.tradeId === tradeId);
  await watching;
  const trade = (await getTrade(t.db, tradeId))!;
  return { id: tradeId, entry: trade.entryPrice!, shares: trade.shares! };
}

describe('a trading session read back through the analytics API', () => {
  it('finds the closed trade, the open position and the equity it made', async () => {
    await t.truncate();
    h = await startPipelineHarness(t, realSupervisor);
    keel = await h.boot({ settings: { ...TEST_SETTINGS, hardStopLossPct: 7, profitTargetPct: 10 } });
    const started = keel.applied('start');
    expect((await keel.control.act('start', 'test')).ok).toBe(true);
    await started;
    await keel.streamLive();
    job = new EquitySnapshotJob({
      db: t.db, clock: h.clock, status: () => keel.control.status(), account: keel.pipeline.account, supervisor: keel.supervisor,
      warn: () => {}, onTick: (o) => ticks.next(o),
    });
    job.start();
    const app = contract.check(createApp({ control: keel.control, pipeline: keel.pipeline, apiToken: TOKEN, logError: (e) => { throw e; } }));

    // a winner: AAPL hits its profit target
    const won = await openBySignal('AAPL');
    const closed = keel.position('closed', (e) => e.tradeId === won.id);
    h.sim.core.market.setPrice('AAPL', won.entry.times(1.11).toNumber());
    expect((await closed).reason).toBe('profit_target');
    const wonRow = (await getTrade(t.db, won.id))!;
    const pnl = wonRow.pnl!;
    expect(pnl.gt(0)).toBe(true);

    // still open: MSFT, up 2 %
    const held = await openBySignal('MSFT');
    const up = held.entry.times(1.02).toDecimalPlaces(2);
    const ticked = firstValueFrom(h.alpaca.marketDataStream.events$.pipe(filter((e) => e.type === 'trade' && e.trade.symbol === 'MSFT' && e.trade.price === up.toNumber())));
    h.sim.core.market.setPrice('MSFT', up.toNumber());
    await ticked;

    expect(await nextMinute()).toMatchObject({ kind: 'minute', written: true });
    expect(await nextMinute()).toMatchObject({ kind: 'minute', written: true });

    const perf = await get(app, '/api/performance');
    expect(perf.mode).toBe('paper');
    expect(perf.summary).toMatchObject({
      trades: 1, wins: 1, losses: 0, breakeven: 0, winRate: 1, totalPnl: pnl.toFixed(), grossProfit: pnl.toFixed(), grossLoss: '0',
      profitFactor: null, bestTrade: { id: won.id, symbol: 'AAPL', pnl: pnl.toFixed() }, maxConsecutiveWins: 1,
    });
    expect(perf.breakdowns.exitReason).toEqual([expect.objectContaining({ key: 'profit_target', trades: 1, wins: 1, totalPnl: pnl.toFixed() })]);
    expect(perf.breakdowns.strategy).toEqual([expect.objectContaining({ key: 'gap', trades: 1 })]);
    expect(perf.equityCurve).toHaveLength(2);
    const account = await h.alpaca.broker.getAccount();
    expect(perf.equityCurve.at(-1).equity).toBe(account.equity.toFixed());
    expect(perf.equityCurve.at(-1).realizedPnl).toBe(pnl.toFixed());

    const today = await get(app, '/api/performance/today');
    expect(today).toMatchObject({ mode: 'paper', trades: 1, wins: 1, realizedPnl: pnl.toFixed(), openPositions: 1 });
    // the sim's market keeps printing while the clock runs: the position is valued at its last print
    const last = (keel.supervisor as unknown as { lastPrice(symbol: string): number | null }).lastPrice('MSFT');
    expect(last).not.toBeNull();
    expect(today.unrealizedPnl).toBe(new Decimal(last!).minus(held.entry).times(held.shares).toFixed());
    expect((await listTrades(t.db, {})).filter((x) => x.status === 'open').map((x) => x.id)).toEqual([held.id]);

    // the open position with the levels its exits are armed with: 7 % stop, 10 % target
    const active = await get(app, '/api/trades/active');
    expect(active.items).toHaveLength(1);
    const [row] = active.items;
    expect(row).toMatchObject({ id: held.id, symbol: 'MSFT', state: 'open', entryPrice: held.entry.toFixed(), shares: held.shares.toFixed(), trailingStopPrice: null });
    expect(Number(row.stopPrice)).toBeCloseTo(held.entry.times(0.93).toNumber(), 6);
    expect(Number(row.targetPrice)).toBeCloseTo(held.entry.times(1.1).toNumber(), 6);
    expect(row.lastPrice).toBe(new Decimal(last!).toFixed());
    expect(row.unrealizedPnl).toBe(today.unrealizedPnl);
    expect(row.maxHoldUntil).toBeGreaterThan(row.entryAt);
  });
});
