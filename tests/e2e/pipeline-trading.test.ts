/**
 * Signal to exit, end to end: the pipeline, the real position supervisor and the lifecycle wiring
 * on real PostgreSQL, the simulated exchange over loopback through the real Alpaca adapter, and
 * one ManualClock for Keel and the exchange. Every wait is for a concrete event.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { filter, firstValueFrom } from 'rxjs';
import { getDailyStats, getTrade, listTrades } from '../../src/adapters/postgres/index.js';
import type { BotSettings } from '../../src/domain/bot-config.js';
import { etDate } from '../../src/domain/market-time.js';
import type { Trade } from '../../src/domain/trade.js';
import { withUnattendedCount } from '../../src/service/attended-control.js';
import { eventually } from '../support/eventually.js';
import { decide, realSupervisor, signal, startPipelineHarness, TEST_SETTINGS, type Keel, type PipelineHarness } from '../support/pipeline-harness.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

let t: TestDb;
let h: PipelineHarness;
let keel: Keel;

beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });
afterEach(async () => { await h.close(); });

async function bootRunning(settings: Partial<BotSettings> = {}, start?: string) {
  await t.truncate();
  h = await startPipelineHarness(t, realSupervisor, start);
  keel = await h.boot({ settings: { ...TEST_SETTINGS, ...settings } });
  const started = keel.applied('start');
  expect((await keel.control.act('start', 'test')).ok).toBe(true);
  await started;
  await keel.streamLive();
}

const subscribed = (symbol: string) =>
  firstValueFrom(h.alpaca.marketDataStream.events$.pipe(filter((e) => e.type === 'subscription' && e.subscription.trades.includes(symbol))));

const row = async (id: string): Promise<Trade> => {
  const trade = await getTrade(t.db, id);
  if (!trade) throw new Error(`no trade ${id}`);
  return trade;
};

/** posts a signal and waits until its trade is open and its symbol's prices are watched */
async function openBySignal(symbol: string, id = `sig-${symbol}`) {
  const watching = subscribed(symbol);
  expect(await decide(keel.pipeline, signal({ id, symbol }))).toMatchObject({ outcome: 'fired' });
  const tradeId = (await keel.pipeline.getSignal(id))!.tradeId!;
  await keel.position('opened', (e) => e.tradeId === tradeId);
  await watching;
  const trade = await row(tradeId);
  return { trade, entry: trade.entryPrice!.toNumber() };
}

describe('signal → order → fill → price path → exit', () => {
  it.each([
    ['hard_stop', {}, (entry: number) => [entry * 0.92]],
    ['profit_target', {}, (entry: number) => [entry * 1.11]],
    ['trailing_stop', { trailingStopPct: 2 }, (entry: number) => [entry * 1.05, entry * 1.02]],
  ] as const)('closes on %s with the exact P&L and the day counted in the daily stats', async (reason, settings, path) => {
    await bootRunning(settings);
    const { trade, entry } = await openBySignal('AAPL');
    const closed = keel.position('closed', (e) => e.tradeId === trade.id);
    for (const price of path(entry)) h.sim.core.market.setPrice('AAPL', price);
    expect((await closed).reason).toBe(reason);
    const done = await row(trade.id);
    expect(done).toMatchObject({ status: 'closed', exitReason: reason, signalId: 'sig-AAPL' });
    expect(done.pnl!.toFixed()).toBe(done.exitPrice!.minus(done.entryPrice!).times(done.shares!).toFixed());
    const stats = await getDailyStats(t.db, etDate(h.clock.now()));
    expect(stats?.tradeCount).toBe(1);
    expect(stats?.realizedPnl.toFixed()).toBe(done.pnl!.toFixed());
    const detail = await keel.pipeline.getTrade(trade.id);
    expect(detail?.holdSeconds).not.toBeNull();
    expect(detail?.journal.map((e) => e.kind)).toEqual(expect.arrayContaining(['signal', 'order_submitted', 'order_outcome']));
  });

  it('closes on time_exit once the max hold has passed', async () => {
    await bootRunning({ maxHoldDurationSec: 60 });
    const { trade, entry } = await openBySignal('MSFT');
    const closed = keel.position('closed', (e) => e.tradeId === trade.id);
    h.clock.advance(61_000);
    h.sim.core.market.setPrice('MSFT', entry);
    expect((await closed).reason).toBe('time_exit');
  });
});

describe('entries the exchange does not simply fill', () => {
  it('cancels the trade with Alpaca\'s message when the order is rejected', async () => {
    await bootRunning();
    h.sim.core.faults.rejectNextOrder({ status: 403, code: 40310000, message: 'insufficient buying power' });
    await decide(keel.pipeline, signal({ id: 'rej', symbol: 'AAPL' }));
    const tradeId = (await keel.pipeline.getSignal('rej'))!.tradeId!;
    expect((await keel.position('cancelled', (e) => e.tradeId === tradeId)).reason).toContain('insufficient buying power');
    expect(await row(tradeId)).toMatchObject({ status: 'cancelled' });
  });

  it('opens a partially filled entry with what the broker holds', async () => {
    await bootRunning();
    h.sim.core.faults.partialFills(3);
    await decide(keel.pipeline, signal({ id: 'part', symbol: 'NVDA' }));
    const tradeId = (await keel.pipeline.getSignal('part'))!.tradeId!;
    await keel.position('opened', (e) => e.tradeId === tradeId);
    expect((await row(tradeId)).status).toBe('open');
  });

  it('resolves a POST whose answer never came, opening the trade from one order', async () => {
    await bootRunning();
    h.sim.server.faults.failNext({ method: 'POST', path: '/v2/orders' }, { kind: 'timeout' });
    const withheld = firstValueFrom(h.sim.server.faults.requests$.pipe(filter((r) => r.fault === 'timeout')));
    await decide(keel.pipeline, signal({ id: 'lost', symbol: 'AMD' }));
    await withheld;
    h.timeouts.advance(120_000);
    const tradeId = (await keel.pipeline.getSignal('lost'))!.tradeId!;
    await keel.position('opened', (e) => e.tradeId === tradeId);
    expect(h.sim.server.faults.requests.filter((r) => r.method === 'POST' && r.path === '/v2/orders')).toHaveLength(1);
  });
});

describe('the bot lifecycle around open positions', () => {
  it('keeps exits running while paused, and refuses new entries', async () => {
    await bootRunning();
    const { trade, entry } = await openBySignal('AAPL');
    expect((await keel.control.act('pause', 'test')).ok).toBe(true);
    expect(await decide(keel.pipeline, signal({ id: 'while-paused', symbol: 'MSFT' }))).toMatchObject({ outcome: 'skipped', reason: 'BOT_NOT_RUNNING' });
    const closed = keel.position('closed', (e) => e.tradeId === trade.id);
    h.sim.core.market.setPrice('AAPL', entry * 0.9);
    expect((await closed).reason).toBe('hard_stop');
  });

  it('resumes a position after stop and restart with its persisted peak', async () => {
    await bootRunning({ trailingStopPct: 2 });
    const { trade, entry } = await openBySignal('AAPL');
    const ticked = firstValueFrom(h.alpaca.marketDataStream.events$.pipe(filter((e) => e.type === 'trade' && e.trade.symbol === 'AAPL' && e.trade.price > entry * 1.04)));
    h.sim.core.market.setPrice('AAPL', entry * 1.05);
    await ticked;
    // the peak is flushed on the supervisor's cadence (10 s of the clock), by a background write
    h.clock.advance(11_000);
    const peak = await eventually(async () => {
      const p = (await row(trade.id)).peakPrice?.toNumber() ?? 0;
      if (p < entry * 1.05 - 0.01) throw new Error(`peak ${p} not persisted yet`);
      return p;
    });
    expect(peak).toBeCloseTo(entry * 1.05, 2);

    const stopped = keel.applied('stop');
    expect((await keel.control.act('stop', 'test')).ok).toBe(true);
    await stopped;
    await keel.shutdown();

    // while nobody watches, the price falls below the trailing line of the peak, but stays above
    // the entry: only an actor that remembers the peak exits at its first price after the restart
    h.sim.core.market.setPrice('AAPL', entry * 1.02);
    keel = await h.boot();
    const started = keel.applied('start');
    expect((await keel.control.act('start', 'test')).ok).toBe(true);
    const closed = keel.position('closed', (e) => e.tradeId === trade.id);
    // the snapshot poll delivers a price even before the stream's next tick; the trade stream,
    // refused while the old socket was still closing, reconnects after its backoff
    h.clock.advance(5_000);
    await started;
    h.sim.core.market.setPrice('AAPL', entry * 1.02);
    expect((await closed).reason).toBe('trailing_stop');
  });
});

describe('the session close', () => {
  const WIDE = { hardStopLossPct: 50, profitTargetPct: 100, maxHoldDurationSec: 86_400 };

  it('force-closes an open position at 15:45 New York time', async () => {
    await bootRunning(WIDE);
    const { trade } = await openBySignal('AAPL');
    const closed = keel.position('closed', (e) => e.tradeId === trade.id);
    h.clock.set('2026-11-23T20:45:00Z'); // 15:45 EST
    h.sim.core.market.setPrice('AAPL', (await row(trade.id)).entryPrice!.toNumber());
    expect((await closed).reason).toBe('force_close_eod');
  });

  it('force-closes 15 minutes before an early close (the day after Thanksgiving, 13:00)', async () => {
    await bootRunning(WIDE, '2026-11-27T15:00:00Z');
    const { trade } = await openBySignal('AAPL');
    const closed = keel.position('closed', (e) => e.tradeId === trade.id);
    h.clock.set('2026-11-27T17:45:00Z'); // 12:45 EST
    h.sim.core.market.setPrice('AAPL', (await row(trade.id)).entryPrice!.toNumber());
    expect((await closed).reason).toBe('force_close_eod');
  });
});

describe('emergency stop', () => {
  it('closes every position with kill_switch and ends halted, the broker flat', async () => {
    await bootRunning();
    const a = await openBySignal('AAPL');
    const b = await openBySignal('MSFT');
    const report = await keel.pipeline.emergencyStop({ closePositions: true }, 'api');
    expect(report.closed.sort()).toEqual([a.trade.id, b.trade.id].sort());
    expect(report).toMatchObject({ closing: [], failed: [], flatten: 'done', left: [], state: 'halted' });
    expect((await row(a.trade.id))).toMatchObject({ status: 'closed', exitReason: 'kill_switch' });
    expect((await row(b.trade.id))).toMatchObject({ status: 'closed', exitReason: 'kill_switch' });
    expect(await h.alpaca.broker.listPositions()).toEqual([]);
  });

  it('without closing, cancels open orders and leaves the positions at the broker, still watched', async () => {
    await bootRunning();
    const { trade } = await openBySignal('AAPL');
    const report = await keel.pipeline.emergencyStop({ closePositions: false }, 'api');
    expect(report).toMatchObject({ closed: [], closing: [], flatten: 'not_requested', state: 'halted' });
    expect(report.left).toEqual([{ symbol: 'AAPL', qty: trade.shares, owner: 'keel', tradeId: trade.id }]);
    // halted keeps the position supervisor running: the exits still watch the position
    const status = await withUnattendedCount(keel.control, keel.supervisor).status();
    expect(status).toMatchObject({ state: 'halted', openPositionCount: 1, unattendedPositions: 0 });
    expect((await row(trade.id)).status).toBe('open');
    expect(await h.alpaca.broker.getPosition('AAPL')).not.toBeNull();
    expect((await listTrades(t.db, { statuses: ['open'] })).map((x) => x.id)).toEqual([trade.id]);
  });
});
