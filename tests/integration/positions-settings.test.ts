/**
 * Exit settings reach the RUNNING supervisor (applySettings): the real supervisor on PostgreSQL
 * and the simulated exchange, one ManualClock; every wait is for a concrete event.
 */
import { filter, firstValueFrom } from 'rxjs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadBotConfig, saveBotSettings } from '../../src/adapters/postgres/index.js';
import type { BotSettings } from '../../src/domain/bot-config.js';
import { createTestDb, type TestDb } from '../support/test-db.js';
import { reload, startPositionsHarness, type PositionsHarness } from '../support/positions-harness.js';

let t: TestDb;
let h: PositionsHarness;

beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });
beforeEach(async () => {
  await t.truncate();
  h = await startPositionsHarness(t);
  await h.supervisor.start();
});
afterEach(async () => { await h.close(); });

async function openPosition(symbol: string) {
  const subscribed = h.subscribed(symbol);
  const trade = await h.enter(symbol);
  await h.next('opened', (e) => e.tradeId === trade.id);
  await subscribed;
  return { trade, entry: (await reload(t, trade.id)).entryPrice!.toNumber() };
}

/** the persisted config with `patch` saved, as the control would hand it over after a PATCH */
async function patched(patch: Partial<BotSettings>) {
  await saveBotSettings(t.db, patch, h.sim.clock.now());
  return loadBotConfig(t.db, h.sim.clock.now());
}

/** moves the market and waits until the supervisor's price feed has seen the trade */
async function priceSeen(symbol: string, price: number) {
  const seen = firstValueFrom(h.alpaca.marketDataStream.events$.pipe(filter((e) => e.type === 'trade' && e.trade.symbol === symbol && e.trade.price === price)));
  h.sim.core.market.setPrice(symbol, price);
  await seen;
}

describe('position supervisor applySettings', () => {
  it('exits at once when a tightened hard stop puts the last price below it', async () => {
    const { trade, entry } = await openPosition('AAPL');
    const inside = Math.round(entry * 96) / 100; // 4 % down: inside the default 7 % stop
    await priceSeen('AAPL', inside);
    expect(h.supervisor.trackedCount()).toBe(1);

    const applied = h.next('settings_applied');
    const closed = h.next('closed', (e) => e.tradeId === trade.id);
    h.supervisor.applySettings(await patched({ hardStopLossPct: 3 }));
    expect(await applied).toMatchObject({ armed: 1, exits: 1 });
    expect((await closed).reason).toBe('hard_stop');
    expect((await reload(t, trade.id)).exitReason).toBe('hard_stop');
  });

  it('a loosened stop keeps a position open through a price that would have stopped it', async () => {
    const { trade, entry } = await openPosition('AAPL');
    h.supervisor.applySettings(await patched({ hardStopLossPct: 20 }));
    await priceSeen('AAPL', Math.round(entry * 90) / 100); // 10 % down: past the old 7 % stop
    expect(h.supervisor.trackedCount()).toBe(1);
    expect((await reload(t, trade.id)).status).toBe('open');
    const closed = h.next('closed', (e) => e.tradeId === trade.id);
    h.sim.core.market.setPrice('AAPL', Math.round(entry * 79) / 100);
    expect((await closed).reason).toBe('hard_stop');
  });

  it('a shorter max hold closes a position already held longer, at once', async () => {
    const { trade } = await openPosition('MSFT');
    h.sim.clock.advance(60_000); // held 60 s: inside the default 300 s
    const closed = h.next('closed', (e) => e.tradeId === trade.id);
    const applied = h.next('settings_applied');
    h.supervisor.applySettings(await patched({ maxHoldDurationSec: 30 }));
    expect((await applied).exits).toBe(1);
    expect((await closed).reason).toBe('time_exit');
  });

  it('measures a shorter max hold from the entry: the position exits on the first tick past it', async () => {
    const { trade, entry } = await openPosition('MSFT');
    h.sim.clock.advance(60_000);
    const applied = h.next('settings_applied');
    h.supervisor.applySettings(await patched({ maxHoldDurationSec: 120 }));
    expect((await applied).exits).toBe(0);
    await priceSeen('MSFT', Math.round(entry * 101) / 100);
    expect(h.supervisor.trackedCount()).toBe(1);

    const closed = h.next('closed', (e) => e.tradeId === trade.id);
    h.sim.clock.advance(61_000); // 121 s since entry, still far below the old 300 s
    h.sim.core.market.setPrice('MSFT', Math.round(entry * 100.5) / 100);
    expect((await closed).reason).toBe('time_exit');
    const row = await reload(t, trade.id);
    const heldMs = row.exitAt! - row.entryAt!;
    expect(heldMs).toBeGreaterThanOrEqual(120_000);
    expect(heldMs).toBeLessThan(300_000);
  });

  it('leaves an exit in flight alone: one sell, with the reason it was decided for', async () => {
    const { trade, entry } = await openPosition('AAPL');
    const decided = h.next('exit_decided', (e) => e.tradeId === trade.id);
    const closed = h.next('closed', (e) => e.tradeId === trade.id);
    h.sim.core.market.setPrice('AAPL', Math.round(entry * 111) / 100);
    expect((await decided).reason).toBe('profit_target');
    const applied = h.next('settings_applied');
    h.supervisor.applySettings(await patched({ hardStopLossPct: 0.5, maxHoldDurationSec: 1 }));
    expect(await applied).toMatchObject({ armed: 0, exits: 0 });
    expect((await closed).reason).toBe('profit_target');
    expect(await h.alpaca.broker.listOrders({ status: 'all', side: 'sell' })).toHaveLength(1);
  });

  it('a change made while stopped is read by the next start', async () => {
    const { trade, entry } = await openPosition('AAPL');
    await priceSeen('AAPL', Math.round(entry * 96) / 100);
    await h.supervisor.stop();
    h.supervisor.applySettings(await patched({ hardStopLossPct: 3 })); // no run: nothing to re-arm
    const subscribed = h.subscribed('AAPL');
    await h.supervisor.start();
    await subscribed;
    const closed = h.next('closed', (e) => e.tradeId === trade.id);
    h.sim.core.market.setPrice('AAPL', Math.round(entry * 965) / 1000); // inside 7 %, past 3 %
    expect((await closed).reason).toBe('hard_stop');
  });

  it('an earlier eodForceCloseTime moves today\'s session close: positions are force-closed then', async () => {
    const { trade, entry } = await openPosition('AAPL'); // 10:00 ET
    const closed = h.next('closed', (e) => e.tradeId === trade.id);
    const at = Date.parse('2026-11-23T16:00:00Z'); // 11:00 EST, long before the default 15:45
    const scheduled = h.next('session_close_scheduled', (e) => e.forceCloseAt === at);
    h.supervisor.applySettings(await patched({ eodForceCloseTime: '11:00', maxHoldDurationSec: 86_400 }));
    await scheduled;
    expect(h.supervisor.trackedCount()).toBe(1);
    h.sim.clock.set(at);
    h.sim.core.market.setPrice('AAPL', Math.round(entry * 101) / 100); // the timer or this tick, whichever comes first
    expect((await closed).reason).toBe('force_close_eod');
  });
});
