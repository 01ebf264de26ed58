/**
 * The trailing stop's peak survives a crash: a restored open position takes the highest 1-minute
 * bar high since its fill when that is above its saved peak (saved only every 10 s), and a failed
 * bars read keeps the saved peak without holding up the position. The real supervisor on
 * PostgreSQL and the simulated exchange (which serves the bars of its own price path), one ManualClock.
 */
import { filter, firstValueFrom } from 'rxjs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPostgresTradeStore, listJournalForSubjects, saveBotSettings, updateTrade } from '../../src/adapters/postgres/index.js';
import { createPositionSupervisor } from '../../src/actors/position-supervisor.js';
import type { PositionEvent, PositionSupervisor } from '../../src/actors/position-supervisor.types.js';
import { dec } from '../../src/domain/money.js';
import type { Trade } from '../../src/domain/trade.js';
import { eventually } from '../support/eventually.js';
import { createTestDb, type TestDb } from '../support/test-db.js';
import { reload, startPositionsHarness, type PositionsHarness } from '../support/positions-harness.js';

let t: TestDb;
let h: PositionsHarness;

beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });
beforeEach(async () => {
  await t.truncate();
  await saveBotSettings(t.db, { trailingStopPct: 2, profitTargetPct: 50 }, Date.parse('2026-11-23T15:00:00Z'));
  h = await startPositionsHarness(t);
  await h.supervisor.start();
});
afterEach(async () => { await h.close(); });

/** moves the market and waits until the price feed has seen the trade */
async function priceSeen(price: number) {
  const seen = firstValueFrom(h.alpaca.marketDataStream.events$.pipe(filter((e) => e.type === 'trade' && e.trade.symbol === 'AAPL' && e.trade.price === price)));
  h.sim.core.market.setPrice('AAPL', price);
  await seen;
}

/** an open AAPL position that rose 5 % over its entry; then what a kill -9 before the next peak flush leaves */
async function crashAfterNewHigh(): Promise<{ trade: Trade; entry: number; high: number }> {
  const subscribed = h.subscribed('AAPL');
  const trade = await h.enter('AAPL');
  await h.next('opened', (e) => e.tradeId === trade.id);
  await subscribed;
  const entry = (await reload(t, trade.id)).entryPrice!.toNumber();
  const high = Math.round(entry * 105) / 100;
  await priceSeen(high);
  // the peak is live at once, while its column waits for the next flush
  expect(h.supervisor.livePeak(trade.id)).toBe(high);
  expect((await reload(t, trade.id)).peakPrice!.toNumber()).toBe(entry);
  await h.supervisor.stop();
  await updateTrade(t.db, trade.id, { peakPrice: dec(entry) }, h.sim.clock.now()); // the flush the crash lost
  h.sim.clock.advance(61_000); // the minute of the high is over: its bar is served
  return { trade, entry, high };
}

async function restart(supervisor: PositionSupervisor): Promise<PositionSupervisor> {
  const subscribed = h.subscribed('AAPL');
  await supervisor.start();
  await subscribed;
  return supervisor;
}

function closedEvents(supervisor: PositionSupervisor) {
  const closed: Array<Extract<PositionEvent, { type: 'closed' }>> = [];
  supervisor.events$.subscribe((e) => { if (e.type === 'closed') closed.push(e); });
  return closed;
}

describe('trailing peak after a crash', () => {
  it('rebuilds the peak from the 1-minute bars since the fill and exits 3.3 % under the real peak', async () => {
    const { trade, entry } = await crashAfterNewHigh();
    const bars = (await h.alpaca.marketData.getBars({ symbols: ['AAPL'], timeframe: '1Min', start: Math.floor((await reload(t, trade.id)).entryAt! / 60_000) * 60_000 }))['AAPL']!;
    const realPeak = Math.max(...bars.map((b) => b.h));

    const restarted = await restart(h.newSupervisor());
    const closed = closedEvents(restarted);
    await eventually(async () => expect((await reload(t, trade.id)).peakPrice!.toNumber()).toBeGreaterThanOrEqual(realPeak), { deadlineMs: 5_000 });
    expect(restarted.livePeak(trade.id)).toBeGreaterThanOrEqual(realPeak);
    // the rebuilt peak is saved first and journaled after it: wait for the entry too
    await eventually(async () => {
      const journal = await listJournalForSubjects(t.db, [trade.id]);
      expect(journal.some((e) => e.cause === 'market_data' && e.data['peakPrice'] === realPeak && e.data['savedPeak'] === entry)).toBe(true);
    }, { deadlineMs: 5_000 });

    const under = Math.round(realPeak * 96.7) / 100; // 3.3 % under the real peak, still 1.5 % over the entry
    expect(under).toBeGreaterThan(entry * 0.98);
    h.sim.core.market.setPrice('AAPL', under);
    await eventually(async () => expect(closed.map((e) => e.reason)).toEqual(['trailing_stop']), { deadlineMs: 5_000 });
    expect((await reload(t, trade.id)).exitReason).toBe('trailing_stop');
  });

  it('keeps the saved peak and still supervises the position when the bars cannot be read', async () => {
    const { trade, entry } = await crashAfterNewHigh();
    const market = h.alpaca.marketData;
    const barsDown = createPositionSupervisor({
      store: createPostgresTradeStore(t.db), clock: h.sim.clock, tuning: { cron: false },
      adapters: () => ({ ...h.alpaca, marketData: { getSnapshots: (s) => market.getSnapshots(s), getLatestTrades: (s) => market.getLatestTrades(s), getBars: () => Promise.reject(new Error('bars unavailable')) } }),
    });
    try {
      const restarted = await restart(barsDown);
      const closed = closedEvents(restarted);
      await eventually(async () => {
        const journal = await listJournalForSubjects(t.db, [trade.id]);
        expect(journal.some((e) => e.kind === 'warning' && e.cause === 'market_data' && e.message.includes('bars unavailable'))).toBe(true);
      }, { deadlineMs: 5_000 });
      expect(restarted.trackedCount()).toBe(1);
      expect((await reload(t, trade.id)).peakPrice!.toNumber()).toBe(entry);

      h.sim.core.market.setPrice('AAPL', Math.round(entry * 90) / 100);
      await eventually(async () => expect(closed.map((e) => e.reason)).toEqual(['hard_stop']), { deadlineMs: 5_000 });
    } finally {
      await barsDown.stop();
    }
  });
});
