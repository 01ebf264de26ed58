/**
 * GET /api/trades/active's pipeline side over the REAL position supervisor (PostgreSQL, the
 * simulated exchange over loopback, one ManualClock): each open trade shows the levels its
 * position is armed with now, the symbol's last tick and the unrealized P&L at it.
 */
import { filter, firstValueFrom } from 'rxjs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadBotConfig, saveBotSettings } from '../../src/adapters/postgres/index.js';
import { activeTrades } from '../../src/control/pipeline/active-trades.js';
import { Decimal } from '../../src/domain/money.js';
import { createEventHub } from '../../src/http/live/event-hub.js';
import { toJson } from '../../src/http/to-json.js';
import { PositionsFeed, PUBLISH_MS } from '../../src/service/positions-feed.js';
import { reload, startPositionsHarness, type PositionsHarness } from '../support/positions-harness.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

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

const active = () => activeTrades({ db: t.db, supervisor: h.supervisor });

async function openPosition(symbol: string) {
  const subscribed = h.subscribed(symbol);
  const trade = await h.enter(symbol);
  await h.next('opened', (e) => e.tradeId === trade.id);
  await subscribed;
  return reload(t, trade.id);
}

async function priceSeen(symbol: string, price: number) {
  const seen = firstValueFrom(h.alpaca.marketDataStream.events$.pipe(filter((e) => e.type === 'trade' && e.trade.symbol === symbol && e.trade.price === price)));
  h.sim.core.market.setPrice(symbol, price);
  await seen;
}

const px = (x: number) => new Decimal(x).toDecimalPlaces(8).toFixed();

describe('active trades: the levels each position is armed with now', () => {
  it('shows the stop, target, max hold and session close of the default settings, the last tick and the unrealized P&L', async () => {
    const trade = await openPosition('AAPL');
    const entry = trade.entryPrice!.toNumber();
    const up = Math.round(entry * 102) / 100;
    await priceSeen('AAPL', up);
    const [row] = await active();
    expect(row).toMatchObject({
      id: trade.id, symbol: 'AAPL', state: 'open', entryAt: trade.entryAt!,
      trailingStopPrice: null, maxHoldUntil: trade.entryAt! + 300_000, lastPriceAt: h.sim.clock.now(),
    });
    expect(row!.stopPrice?.toFixed()).toBe(px(entry * 0.93));
    expect(row!.targetPrice?.toFixed()).toBe(px(entry * 1.1));
    expect(row!.lastPrice?.toFixed()).toBe(String(up));
    expect(row!.peakPrice?.toFixed()).toBe(String(up));
    expect(row!.unrealizedPnl?.toFixed()).toBe(trade.shares!.times(new Decimal(up).minus(trade.entryPrice!)).toFixed());
    expect(row!.unrealizedPnlPct).toBe(new Decimal(up).minus(trade.entryPrice!).div(trade.entryPrice!).times(100).toDecimalPlaces(4).toNumber());
    expect(row!.forceCloseAt).toBe(Date.parse('2026-11-23T20:45:00.000Z'));
  });

  it('follows new settings at once: a tightened stop, a trailing stop from the live peak; the last price keeps its time', async () => {
    const trade = await openPosition('MSFT');
    const entry = trade.entryPrice!.toNumber();
    const peak = Math.round(entry * 105) / 100;
    await priceSeen('MSFT', peak);
    const tickAt = h.sim.clock.now();
    h.sim.clock.advance(1_000);
    await saveBotSettings(t.db, { hardStopLossPct: 3, trailingStopPct: 2, maxHoldDurationSec: 600 }, h.sim.clock.now());
    h.supervisor.applySettings(await loadBotConfig(t.db, h.sim.clock.now()));
    const [row] = await active();
    expect(row!.stopPrice?.toFixed()).toBe(px(entry * 0.97));
    expect(row!.trailingStopPrice?.toFixed()).toBe(px(peak * 0.98));
    expect(row!.maxHoldUntil).toBe(trade.entryAt! + 600_000);
    // re-evaluating the armed positions at the last price is no new price
    expect(row!.lastPriceAt).toBe(tickAt);
  });

  it('lists a trade no running actor holds with no levels and no last price (the supervisor stopped)', async () => {
    const trade = await openPosition('NVDA');
    await h.supervisor.stop();
    expect(await active()).toEqual([expect.objectContaining({
      id: trade.id, state: 'open', stopPrice: null, targetPrice: null, trailingStopPrice: null, maxHoldUntil: null, forceCloseAt: null,
      lastPrice: null, lastPriceAt: null, unrealizedPnl: null, unrealizedPnlPct: null,
    })]);
  });

  it('the live positions event carries the same numbers from the supervisor alone, a second after the tick', async () => {
    const hub = createEventHub();
    const feed = new PositionsFeed({ hub, clock: h.sim.clock, armed: () => h.supervisor.armedPositions(), warn: () => undefined });
    const trade = await openPosition('AMD');
    feed.start();
    const up = Math.round(trade.entryPrice!.toNumber() * 103) / 100;
    await priceSeen('AMD', up);
    h.sim.clock.advance(PUBLISH_MS);
    await new Promise<void>((resolve) => setImmediate(resolve));
    await feed.stop();
    const events = hub.since(0);
    if (events === 'reset') throw new Error('reset');
    const [row] = await active();
    const { id, lastPrice, lastPriceAt, unrealizedPnl, unrealizedPnlPct, peakPrice, trailingStopPrice, state } = row!;
    expect(events.map((e) => e.data)).toEqual([toJson({ items: [{ id, lastPrice, lastPriceAt, unrealizedPnl, unrealizedPnlPct, peakPrice, trailingStopPrice, state }] })]);
    expect(lastPrice?.toFixed()).toBe(String(up));
  });
});
