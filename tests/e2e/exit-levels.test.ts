/**
 * The levels a trade exits at, end to end (the pipeline, the real position supervisor, PostgreSQL,
 * the simulated exchange over loopback, one ManualClock): a signal's own stopLossPrice /
 * takeProfitPrice → its catalyst type's override → the settings, resolved when the signal fires and
 * frozen on the trade.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { filter, firstValueFrom } from 'rxjs';
import { getTrade } from '../../src/adapters/postgres/index.js';
import type { BotSettings } from '../../src/domain/bot-config.js';
import { dec } from '../../src/domain/money.js';
import type { SignalInput } from '../../src/domain/signal.js';
import type { Trade } from '../../src/domain/trade.js';
import { eventually } from '../support/eventually.js';
import { decide, realSupervisor, signal, startPipelineHarness, TEST_SETTINGS, type Keel, type PipelineHarness } from '../support/pipeline-harness.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

let t: TestDb;
let h: PipelineHarness;
let keel: Keel;

beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });
afterEach(async () => { await h.close(); });

async function bootRunning(settings: Partial<BotSettings> = {}) {
  await t.truncate();
  h = await startPipelineHarness(t, realSupervisor);
  keel = await h.boot({ settings: { ...TEST_SETTINGS, ...settings } });
  const started = keel.applied('start');
  expect((await keel.control.act('start', 'test')).ok).toBe(true);
  await started;
  await keel.streamLive();
}

/** PATCH /api/bot/config's path: the control, then (an exit rule changed) the running supervisor */
async function patch(settings: Partial<BotSettings>, reachesSupervisor = true) {
  const applied = reachesSupervisor ? keel.applied('settings') : null;
  expect((await keel.control.patchConfig(settings, 'test')).ok).toBe(true);
  await applied;
}

const row = async (id: string): Promise<Trade> => (await getTrade(t.db, id))!;
const cents = (x: number) => Math.round(x * 100) / 100;

async function openBySignal(input: Partial<SignalInput> & { id: string; symbol: string }) {
  const watching = firstValueFrom(h.alpaca.marketDataStream.events$.pipe(filter((e) => e.type === 'subscription' && e.subscription.trades.includes(input.symbol))));
  expect(await decide(keel.pipeline, signal(input))).toMatchObject({ outcome: 'fired' });
  const tradeId = (await keel.pipeline.getSignal(input.id))!.tradeId!;
  await keel.position('opened', (e) => e.tradeId === tradeId);
  await watching;
  const trade = await row(tradeId);
  return { trade, entry: trade.entryPrice!.toNumber() };
}

describe('the levels a trade uses', () => {
  it("uses the signal's own stop and target, frozen on the trade and shown as armed; exits at its target", async () => {
    await bootRunning();
    const price = h.sim.core.market.price('AAPL')!;
    const stop = cents(price * 0.97);
    const target = cents(price * 1.04);
    const { trade } = await openBySignal({ id: 'own', symbol: 'AAPL', priceAtSignal: dec(price), stopLossPrice: dec(stop), takeProfitPrice: dec(target) });
    expect(trade.exitPlan).toEqual({
      catalystType: null, stopPrice: String(stop), targetPrice: String(target), override: {},
      sources: { stop: 'signal', target: 'signal', trailingStop: 'settings', maxHold: 'settings' },
    });
    const [active] = await keel.pipeline.activeTrades();
    expect(active!.stopPrice!.toNumber()).toBe(stop);
    expect(active!.targetPrice!.toNumber()).toBe(target);
    expect(active!.levelSources).toMatchObject({ stop: 'signal', target: 'signal' });
    // a settings change does not move what the signal set
    await patch({ hardStopLossPct: 1, profitTargetPct: 1 });
    const decided = keel.position('exit_decided', (e) => e.tradeId === trade.id);
    h.sim.core.market.setPrice('AAPL', cents(target + 0.02));
    const exit = await decided;
    expect(exit.reason).toBe('profit_target');
    expect(exit.detail).toContain("the signal's own target");
  });

  it("uses the catalyst's override as it was when the signal fired", async () => {
    await bootRunning({ exitOverrides: { earnings: { profitTargetPct: 3, maxHoldSec: 86_400 } } });
    const { trade, entry } = await openBySignal({ id: 'cat', symbol: 'MSFT', catalystType: 'earnings' });
    expect(trade.exitPlan).toMatchObject({ catalystType: 'earnings', override: { profitTargetPct: 3, maxHoldSec: 86_400 }, sources: { stop: 'settings', target: 'catalyst', maxHold: 'catalyst' } });
    // the override changes after the entry: the open trade keeps the one it entered with
    // (overrides are read when a signal fires: the change has nothing to tell the supervisor)
    await patch({ exitOverrides: { earnings: { profitTargetPct: 50 } } }, false);
    const closed = keel.position('closed', (e) => e.tradeId === trade.id);
    h.sim.core.market.setPrice('MSFT', cents(entry * 1.035));
    expect((await closed).reason).toBe('profit_target');
  });

  it('skips a signal whose levels do not hold stop < price < target, naming each problem', async () => {
    await bootRunning();
    const price = h.sim.core.market.price('NVDA')!;
    const answer = await decide(keel.pipeline, signal({ id: 'bad', symbol: 'NVDA', priceAtSignal: dec(price), stopLossPrice: dec(cents(price * 1.01)), takeProfitPrice: dec(cents(price * 1.05)) }));
    expect(answer).toMatchObject({ outcome: 'skipped', reason: 'INVALID_SIGNAL_LEVELS' });
    const stored = await keel.pipeline.getSignal('bad');
    expect(stored?.denial?.message).toContain('is not below the price');
    expect(stored?.tradeId).toBeNull();
  });
});

describe('invalidating a signal', () => {
  it("sells its open trade with exit reason signal_invalidated, journaled with the reason; a second time is refused", async () => {
    await bootRunning();
    const { trade } = await openBySignal({ id: 'inv', symbol: 'AMD' });
    const closed = keel.position('closed', (e) => e.tradeId === trade.id);
    const result = await keel.pipeline.invalidateSignal('inv', 'the catalyst was retracted', 'test');
    expect(result).toEqual({ ok: true, value: { signalId: 'inv', action: 'exiting', tradeId: trade.id, reason: 'the catalyst was retracted' } });
    expect((await closed).reason).toBe('signal_invalidated');
    expect(await row(trade.id)).toMatchObject({ status: 'closed', exitReason: 'signal_invalidated' });
    const detail = await keel.pipeline.getTrade(trade.id);
    expect(detail?.journal.some((e) => e.message.includes('invalidated: the catalyst was retracted'))).toBe(true);
    const again = await keel.pipeline.invalidateSignal('inv', 'again', 'test');
    expect(again).toMatchObject({ ok: false, error: { code: 'SIGNAL_NOT_LIVE', httpStatus: 409 } });
  });

  it('rejects a signal waiting for approval, the reason as its note', async () => {
    await bootRunning({ executionMode: 'semi_auto' });
    expect(await decide(keel.pipeline, signal({ id: 'wait', symbol: 'TSLA' }))).toMatchObject({ outcome: 'pending' });
    expect(await keel.pipeline.invalidateSignal('wait', 'halted stock', 'test')).toMatchObject({ ok: true, value: { action: 'rejected', tradeId: null } });
    expect(await keel.pipeline.getSignal('wait')).toMatchObject({ status: 'rejected', note: 'invalidated: halted stock' });
    expect(await keel.pipeline.invalidateSignal('ghost', 'x', 'test')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('cancels an entry still working: the trade is cancelled and nothing is bought', async () => {
    await bootRunning();
    h.sim.core.faults.holdFills(true);
    expect(await decide(keel.pipeline, signal({ id: 'early', symbol: 'SPY' }))).toMatchObject({ outcome: 'fired' });
    const tradeId = (await keel.pipeline.getSignal('early'))!.tradeId!;
    await keel.position('tracked', (e) => e.tradeId === tradeId);
    const cancelled = keel.position('cancelled', (e) => e.tradeId === tradeId);
    expect(await keel.pipeline.invalidateSignal('early', 'too late', 'test')).toMatchObject({ ok: true, value: { action: 'cancelling_entry', tradeId } });
    await cancelled;
    expect((await row(tradeId)).status).toBe('cancelled');
    expect(await h.alpaca.broker.getPosition('SPY')).toBeNull();
  });
});

describe('whole-share bracket entries', () => {
  const bracketSettings: Partial<BotSettings> = { entryOrderType: 'bracket', brokerStopMode: 'hard_stop', maxHoldDurationSec: 86_400 };

  async function openBracket(symbol: string, price: number, id: string) {
    h.sim.core.market.setPrice(symbol, price);
    const opened = await openBySignal({ id, symbol, priceAtSignal: dec(price) });
    // the legs are on the row once the broker named them (the POST's answer)
    const trade = await eventually(async () => {
      const t = await row(opened.trade.id);
      if (!t.targetOrderId || !t.stopOrderId) throw new Error('legs not recorded yet');
      return t;
    });
    return { ...opened, trade };
  }

  it("sends whole shares with take-profit and stop-loss legs at the trade's levels; the take-profit leg closes the trade, the stop leg is cancelled", async () => {
    await bootRunning(bracketSettings);
    const { trade } = await openBracket('AMD', 20, 'br-tp'); // $100 at 5 stars → 5 shares
    expect(trade.exitPlan?.bracket).toEqual({ qty: '5', limitPrice: null, takeProfit: '22', stopLoss: '18.6' });
    expect(trade.exitPlan).toMatchObject({ stopPrice: '18.6', targetPrice: '22' });
    expect(trade.shares?.toFixed()).toBe('5');
    const [parent] = await h.alpaca.broker.listOrders({ status: 'all', symbols: ['AMD'], side: 'buy' });
    expect(parent).toMatchObject({ orderClass: 'bracket', status: 'filled', clientOrderId: trade.entryClientOrderId });
    const legs = await h.alpaca.broker.listOrders({ status: 'open', symbols: ['AMD'], side: 'sell' });
    expect(legs.map((l) => [l.id, l.type, l.status]).sort()).toEqual([[trade.stopOrderId, 'stop', 'new'], [trade.targetOrderId, 'limit', 'new']].sort());
    const [active] = await keel.pipeline.activeTrades();
    expect(active!.brokerStop).toMatchObject({ state: 'protected', orderId: trade.stopOrderId });
    expect(active).toMatchObject({ targetAtBroker: true });
    expect(active!.targetPrice!.toFixed()).toBe('22');
    const closed = keel.position('closed', (e) => e.tradeId === trade.id);
    // Keel hears the print at the target first and leaves it to the resting limit: it sells nothing
    h.sim.core.market.setPrice('AMD', 22.05);
    await eventually(async () => expect((await keel.pipeline.activeTrades())[0]!.lastPrice?.toFixed()).toBe('22.05'));
    expect((await keel.pipeline.activeTrades())[0]!.state).toBe('open');
    // then the exchange matches the take-profit leg
    h.sim.core.sync();
    const exit = await closed;
    expect(exit.reason).toBe('profit_target');
    const done = await row(trade.id);
    expect(done).toMatchObject({ status: 'closed', exitReason: 'profit_target', exitOrderId: trade.targetOrderId });
    const stop = await h.alpaca.broker.getOrder(trade.stopOrderId!);
    expect(stop?.status).toBe('canceled');
    // nothing of Keel's own was sold: the only sells are the two legs
    expect((await h.alpaca.broker.listOrders({ status: 'all', symbols: ['AMD'], side: 'sell' })).map((o) => o.id).sort()).toEqual([trade.stopOrderId, trade.targetOrderId].sort());
  });

  it("a take-profit leg cancelled outside Keel gives the target back to Keel's monitor, which then sells at it", async () => {
    await bootRunning(bracketSettings);
    const { trade } = await openBracket('AMD', 20, 'br-back');
    expect(h.sim.core.cancelOrder(trade.targetOrderId!).ok).toBe(true); // the broker cancels its OCO partner too
    await eventually(async () => expect((await keel.pipeline.activeTrades())[0]).toMatchObject({ targetAtBroker: false }));
    const decided = keel.position('exit_decided', (e) => e.tradeId === trade.id);
    h.sim.core.market.setPrice('AMD', 22.05);
    expect(await decided).toMatchObject({ reason: 'profit_target' });
    await keel.position('closed', (e) => e.tradeId === trade.id);
    const market = (await h.alpaca.broker.listOrders({ status: 'all', symbols: ['AMD'], side: 'sell' })).filter((o) => o.type === 'market');
    expect(market.map((o) => [o.status, o.filledQty.toFixed()])).toEqual([['filled', '5']]);
  });

  it("Keel's own exit (the max hold) cancels both legs, each acknowledged, then sells once at market", async () => {
    await bootRunning({ ...bracketSettings, maxHoldDurationSec: 60 });
    const { trade } = await openBracket('AMD', 20, 'br-hold');
    const closed = keel.position('closed', (e) => e.tradeId === trade.id);
    h.clock.advance(61_000);
    h.sim.core.market.setPrice('AMD', 20.1);
    expect((await closed).reason).toBe('time_exit');
    const sells = await h.alpaca.broker.listOrders({ status: 'all', symbols: ['AMD'], side: 'sell', direction: 'asc' });
    const byId = new Map(sells.map((o) => [o.id, o]));
    expect(byId.get(trade.stopOrderId!)?.status).toBe('canceled');
    expect(byId.get(trade.targetOrderId!)?.status).toBe('canceled');
    const market = sells.filter((o) => o.type === 'market');
    expect(market.map((o) => [o.status, o.filledQty.toFixed()])).toEqual([['filled', '5']]);
  });

  it('falls back to the notional market buy when the size buys less than one whole share, and says so', async () => {
    await bootRunning(bracketSettings);
    const { trade } = await openBySignal({ id: 'br-small', symbol: 'MSFT', priceAtSignal: dec(h.sim.core.market.price('MSFT')!) });
    expect(trade.exitPlan?.bracket ?? null).toBeNull();
    const detail = await keel.pipeline.getTrade(trade.id);
    expect(detail?.journal.some((e) => e.message.includes('buys less than one whole share') && e.message.includes('the notional market buy'))).toBe(true);
  });
});
