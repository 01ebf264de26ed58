/**
 * The verified, latched kill switch on real PostgreSQL, the real position supervisor
 * and the simulated exchange through the real Alpaca adapter, one ManualClock: in market hours
 * (everything cancelled, Keel's trades closed kill_switch, the broker flat for Keel, external
 * holdings reported and untouched, halted until acknowledged); outside market hours (queued, then
 * flattened at the open); signals racing it; a cancel the broker never carries out.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { filter, firstValueFrom } from 'rxjs';
import { getTrade, listJournal, listTrades } from '../../src/adapters/postgres/index.js';
import { clearFlattenQueue, getFlattenQueue, queueFlatten } from '../../src/adapters/postgres/flatten-queue.repo.js';
import type { ManualClock } from '../../src/clock/manual.clock.js';
import { runQueuedFlatten } from '../../src/control/kill-switch/flatten.js';
import { claimsOf, keelFlat, positionsLeft } from '../../src/control/kill-switch/position-ownership.js';
import { PipelineRuntime } from '../../src/control/pipeline/pipeline-runtime.js';
import { createPipeline, type PipelineDeps } from '../../src/control/pipeline/signal-service.js';
import type { BotSettings } from '../../src/domain/bot-config.js';
import { dec } from '../../src/domain/money.js';
import type { Trade } from '../../src/domain/trade.js';
import type { BrokerPort, CancelOrderResult } from '../../src/ports/broker.port.js';
import { decide, pipelineEvent, realSupervisor, signal, startPipelineHarness, TEST_SETTINGS, type Keel, type PipelineHarness } from '../support/pipeline-harness.js';
import { eventually } from '../support/eventually.js';
import { limitBuy, marketBuy } from '../support/sim-harness.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

let t: TestDb;
let h: PipelineHarness | null = null;
let keel: Keel;

beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });
afterEach(async () => { await h?.close(); h = null; });

async function bootRunning(settings: Partial<BotSettings> = {}) {
  await t.truncate();
  const harness = await startPipelineHarness(t, realSupervisor);
  h = harness;
  keel = await harness.boot({ settings: { ...TEST_SETTINGS, ...settings } });
  const started = keel.applied('start');
  expect((await keel.control.act('start', 'test')).ok).toBe(true);
  await started;
  await keel.streamLive();
  return harness;
}

const subscribed = (harness: PipelineHarness, symbol: string) =>
  firstValueFrom(harness.alpaca.marketDataStream.events$.pipe(filter((e) => e.type === 'subscription' && e.subscription.trades.includes(symbol))));

/** posts a signal and waits until its trade is open and its symbol's prices are watched */
async function openBySignal(harness: PipelineHarness, symbol: string): Promise<Trade> {
  const id = `sig-${symbol}`;
  const watching = subscribed(harness, symbol);
  expect(await decide(keel.pipeline, signal({ id, symbol }))).toMatchObject({ outcome: 'fired' });
  const tradeId = (await keel.pipeline.getSignal(id))!.tradeId!;
  await keel.position('opened', (e) => e.tradeId === tradeId);
  await watching;
  return (await getTrade(t.db, tradeId))!;
}

const ordersAtExchange = async (harness: PipelineHarness) =>
  (await (await harness.sim.rest('/v2/orders?status=all&limit=500')).json()) as Array<{ id: string; side: string; status: string; client_order_id: string }>;

const depsOf = (harness: PipelineHarness, overrides: Partial<PipelineDeps> = {}): PipelineDeps => ({
  db: t.db, clock: harness.clock, control: keel.control, supervisor: keel.supervisor,
  broker: () => harness.alpaca.broker, marketData: () => harness.alpaca.marketData, ...overrides,
});

/**
 * Once `from` resolved, moves the shared ManualClock in small steps while `work` runs (its waits
 * are on that clock): one step per turn of the event loop, `maxMs` at most in all. No timers.
 */
async function advanceWhile<T>(clock: ManualClock, from: Promise<unknown>, work: Promise<T>, stepMs = 250, maxMs = 10_000): Promise<T> {
  let settled = false;
  void work.then(() => { settled = true; }, () => { settled = true; });
  await from;
  for (let advanced = 0; !settled && advanced < maxMs; advanced += stepMs) {
    await new Promise((resolve) => setImmediate(resolve));
    clock.advance(stepMs);
  }
  return work;
}

describe('kill switch in market hours', () => {
  it('halts, cancels every open order, closes every Keel trade with kill_switch, leaves external holdings alone, and stays halted until acknowledged', async () => {
    const harness = await bootRunning();
    const aapl = await openBySignal(harness, 'AAPL');
    const msft = await openBySignal(harness, 'MSFT');
    // bought outside Keel: reported, never sold
    expect((await harness.sim.rest('/v2/orders', marketBuy('NVDA', 'outside-1', '3'))).status).toBe(200);
    harness.sim.core.faults.holdFills(true);
    const resting = await harness.sim.rest('/v2/orders', limitBuy('AMD', 'outside-2', '1.00'));
    const restingId = ((await resting.json()) as { id: string }).id;
    const submitted = pipelineEvent(keel.pipeline, 'entry_submitted', (e) => e.signalId === 'sig-TSLA');
    expect(await decide(keel.pipeline, signal({ id: 'sig-TSLA', symbol: 'TSLA' }))).toMatchObject({ outcome: 'fired' });
    const tslaTradeId = (await submitted).tradeId;
    const tslaEntry = (await getTrade(t.db, tslaTradeId))!;
    harness.sim.core.faults.holdFills(false);

    const report = await keel.pipeline.emergencyStop({ closePositions: true }, 'api');

    const entryOrderId = (await ordersAtExchange(harness)).find((o) => o.client_order_id === tslaEntry.entryClientOrderId)!.id;
    expect(report.cancelled.sort()).toEqual([restingId, entryOrderId].sort());
    expect(report.stillOpen).toEqual([]);
    expect(report.closed).toEqual(expect.arrayContaining([aapl.id, msft.id]));
    expect(report).toMatchObject({ closing: [], failed: [], flatten: 'done', state: 'halted', problems: [] });
    expect(report.left).toEqual([{ symbol: 'NVDA', qty: dec(3), owner: 'external' }]);
    for (const id of [aapl.id, msft.id]) expect(await getTrade(t.db, id)).toMatchObject({ status: 'closed', exitReason: 'kill_switch' });
    await keel.position('cancelled', (e) => e.tradeId === tslaTradeId);
    expect((await getTrade(t.db, tslaTradeId))?.status).toBe('cancelled');
    expect((await harness.alpaca.broker.listPositions()).map((p) => [p.symbol, p.qty.toFixed()])).toEqual([['NVDA', '3']]);
    expect(await harness.alpaca.broker.listOrders({ status: 'open' })).toEqual([]);

    // latched: no start until the halt is acknowledged; then stopped, then start
    expect((await keel.control.status()).state).toBe('halted');
    const refused = await keel.control.act('start', 'test');
    expect(refused.ok).toBe(false);
    expect((await keel.control.act('acknowledge-halt', 'test')).ok && (await keel.control.status()).state).toBe('stopped');
    const restarted = await keel.control.act('start', 'test');
    expect(restarted.ok && restarted.value.state).toBe('running');

    const journaled = (await listJournal(t.db, { kinds: ['warning'] })).filter((e) => e.subject === 'emergency-stop');
    const last = journaled.at(-1)!;
    expect(last.data).toMatchObject({ flatten: 'done', state: 'halted', stillOpen: [], left: [{ symbol: 'NVDA', qty: '3', owner: 'external' }] });
    expect((last.data.closed as string[]).sort()).toEqual([...report.closed].sort());
  });

  it('without closePositions cancels, leaves every position where it is, says whose each is, and halts', async () => {
    const harness = await bootRunning();
    const aapl = await openBySignal(harness, 'AAPL');
    const report = await keel.pipeline.emergencyStop({ closePositions: false }, 'api');
    expect(report).toMatchObject({ closed: [], flatten: 'not_requested', state: 'halted' });
    expect(report.left).toEqual([{ symbol: 'AAPL', qty: aapl.shares, owner: 'keel', tradeId: aapl.id }]);
    expect((await getTrade(t.db, aapl.id))?.status).toBe('open');
    expect(await getFlattenQueue(t.db)).toBeNull();
  });
});

describe('kill switch outside market hours', () => {
  // the price path overnight must not fire an exit rule: only the kill switch may close
  const OVERNIGHT: Partial<BotSettings> = { hardStopLossPct: 99, profitTargetPct: 100, maxHoldDurationSec: 7 * 86_400 };

  it('queues the flatten for the open and says so; the session-open job flattens and clears the queue', async () => {
    const harness = await bootRunning(OVERNIGHT);
    const aapl = await openBySignal(harness, 'AAPL');
    // stopped before the close (so the session close does not sell it), pressed next morning pre-market
    const stopped = keel.applied('stop');
    expect((await keel.control.act('stop', 'test')).ok).toBe(true);
    await stopped;
    harness.clock.set('2026-11-24T13:00:00Z'); // Tuesday 08:00 New York

    const report = await keel.pipeline.emergencyStop({ closePositions: true }, 'api');
    expect(report).toMatchObject({ flatten: 'queued_for_open', closed: [], closing: [], state: 'halted', problems: [] });
    expect(report.left).toEqual([{ symbol: 'AAPL', qty: aapl.shares, owner: 'keel', tradeId: aapl.id }]);
    expect(await getFlattenQueue(t.db)).toBe(Date.parse('2026-11-24T13:00:00Z'));
    expect((await getTrade(t.db, aapl.id))?.status).toBe('open');
    const rt = new PipelineRuntime(depsOf(harness));
    expect(await runQueuedFlatten(rt, 'scheduler')).toMatchObject({ flatten: 'queued_for_open' }); // still closed: stays queued
    expect(await getFlattenQueue(t.db)).not.toBeNull();

    harness.clock.set('2026-11-24T14:30:00Z'); // Tuesday 09:30 New York
    const atOpen = await runQueuedFlatten(rt, 'scheduler');
    expect(atOpen).toMatchObject({ queuedAt: Date.parse('2026-11-24T13:00:00Z'), flatten: 'done', closed: [aapl.id], closing: [], left: [] });
    expect(await getTrade(t.db, aapl.id)).toMatchObject({ status: 'closed', exitReason: 'kill_switch' });
    expect(await harness.alpaca.broker.listPositions()).toEqual([]);
    expect(await getFlattenQueue(t.db)).toBeNull();
    expect((await keel.control.status()).state).toBe('halted');
    expect(await runQueuedFlatten(rt, 'scheduler')).toBeNull();
  });
});

describe('kill switch racing signals', () => {
  it('lets no entry order reach the exchange after the cancel: every entry that got there is cancelled', async () => {
    const harness = await bootRunning();
    harness.sim.core.faults.holdFills(true);
    const symbols = ['AAPL', 'MSFT', 'TSLA', 'NVDA', 'AMD', 'SPY', 'FAKEPACA'];
    const first = decide(keel.pipeline, signal({ id: 'race-0', symbol: symbols[0] }));
    const early = symbols.slice(1).map((symbol, i) => decide(keel.pipeline, signal({ id: `race-${i + 1}`, symbol })));
    expect(await first).toMatchObject({ outcome: 'fired' }); // its POST may still be on the way
    const stopping = keel.pipeline.emergencyStop({ closePositions: false }, 'api');
    const late = symbols.map((symbol, i) => decide(keel.pipeline, signal({ id: `race-late-${i}`, symbol })));
    const [report, answers] = await Promise.all([stopping, Promise.all([first, ...early, ...late])]);

    const log = harness.sim.server.faults.requests;
    const cancelAt = log.findIndex((r) => r.method === 'DELETE' && r.path === '/v2/orders');
    expect(cancelAt).toBeGreaterThan(-1);
    expect(log.slice(cancelAt).filter((r) => r.method === 'POST' && r.path === '/v2/orders')).toEqual([]);
    const orders = await ordersAtExchange(harness);
    const fired = answers.filter((a) => a.outcome === 'fired');
    expect(orders).toHaveLength(fired.length);
    expect(orders.every((o) => o.status === 'canceled')).toBe(true);
    expect(report.cancelled.sort()).toEqual(orders.map((o) => o.id).sort());
    expect(report).toMatchObject({ stillOpen: [], state: 'halted' });
    for (const a of answers.slice(symbols.length)) expect(a).toMatchObject({ outcome: 'skipped', reason: 'BOT_NOT_RUNNING' });

    // latched after it finished: still nothing reaches the exchange
    expect(await decide(keel.pipeline, signal({ id: 'after', symbol: 'AAPL' }))).toMatchObject({ outcome: 'skipped' });
    await keel.pipeline.idle();
    expect(await ordersAtExchange(harness)).toHaveLength(orders.length);
  });
});

/** the broker, with every order POST held until release() (an entry on its way when the kill switch starts) */
function heldSubmits(broker: BrokerPort): { slow: BrokerPort; release: () => void } {
  let release = (): void => undefined;
  const gate = new Promise<void>((resolve) => { release = resolve; });
  const slow: BrokerPort = new Proxy(broker, {
    get(target, key, receiver) {
      if (key !== 'submitOrder') return Reflect.get(target, key, receiver) as unknown;
      return async (request: Parameters<BrokerPort['submitOrder']>[0]) => { await gate; return target.submitOrder(request); };
    },
  });
  return { slow, release: () => release() };
}

describe('kill switch with an entry POST on its way', () => {
  it('waits for the POST in flight and cancels its order: it reached the exchange before the cancel, not after', async () => {
    const harness = await bootRunning();
    harness.sim.core.faults.holdFills(true);
    const { slow, release } = heldSubmits(harness.alpaca.broker);
    const pipeline = createPipeline(depsOf(harness, { broker: () => slow }));
    expect(await decide(pipeline, signal({ id: 'in-flight', symbol: 'AAPL' }))).toMatchObject({ outcome: 'fired' });

    const stopping = pipeline.emergencyStop({ closePositions: false }, 'api');
    // the POST leaves only once the kill switch has halted and said so
    await eventually(async () => {
      if (!(await listJournal(t.db, { kinds: ['warning'] })).some((e) => e.subject === 'emergency-stop')) throw new Error('not halted yet');
    });
    expect((await keel.control.status()).state).toBe('halted');
    release();
    const report = await stopping;

    const orders = await ordersAtExchange(harness);
    expect(orders.map((o) => o.status)).toEqual(['canceled']);
    expect(report).toMatchObject({ cancelled: [orders[0]!.id], stillOpen: [] });
    const log = harness.sim.server.faults.requests.map((r) => `${r.method} ${r.path}`);
    expect(log.indexOf('POST /v2/orders')).toBeLessThan(log.indexOf('DELETE /v2/orders'));
    await pipeline.stop();
  });
});

describe('kill switch with closePositions, acknowledged while it still runs', () => {
  it('refuses start until the flatten was carried out: no position can open for it to close', async () => {
    const harness = await bootRunning();
    harness.sim.core.faults.holdFills(true); // the entry is cancelled unfilled: the flatten finds Keel flat
    const { slow, release } = heldSubmits(harness.alpaca.broker);
    const pipeline = createPipeline(depsOf(harness, { broker: () => slow }));
    expect(await decide(pipeline, signal({ id: 'in-flight', symbol: 'AAPL' }))).toMatchObject({ outcome: 'fired' });

    // the kill switch halts, then waits for the entry POST in flight: the trader acknowledges meanwhile
    const stopping = pipeline.emergencyStop({ closePositions: true }, 'api');
    await eventually(async () => expect(await getFlattenQueue(t.db)).not.toBeNull());
    expect((await keel.control.act('acknowledge-halt', 'test')).ok).toBe(true);
    const start = await keel.control.act('start', 'test');
    expect(start.ok ? null : start.error.code).toBe('FLATTEN_QUEUED');
    expect((await keel.control.status()).flattenQueuedAt).not.toBeNull();
    release();
    const report = await stopping;

    // the market is open: the flatten ran now and its mark is gone; start is allowed again
    expect(report.flatten).toBe('done');
    expect(await getFlattenQueue(t.db)).toBeNull();
    expect((await keel.control.status()).flattenQueuedAt).toBeNull();
    expect((await keel.control.act('start', 'test')).ok).toBe(true);
    await pipeline.stop();
  });
});

describe('kill switch with a cancel the broker never carries out', () => {
  it('reports the order that stayed open after the deadline in stillOpen, the others as cancelled', async () => {
    const harness = await bootRunning();
    harness.sim.core.faults.holdFills(true);
    const stuckId = ((await (await harness.sim.rest('/v2/orders', limitBuy('AAPL', 'stuck', '1.00'))).json()) as { id: string }).id;
    const goneId = ((await (await harness.sim.rest('/v2/orders', limitBuy('MSFT', 'gone', '1.00'))).json()) as { id: string }).id;
    // Alpaca accepts the cancel (200 in the 207) but the order stays open (pending_cancel forever)
    const real = harness.alpaca.broker;
    let cancelAsked = (): void => undefined;
    const asked = new Promise<void>((resolve) => { cancelAsked = resolve; });
    const stubborn: BrokerPort = new Proxy(real, {
      get(target, key, receiver) {
        if (key !== 'cancelAllOrders') return Reflect.get(target, key, receiver) as unknown;
        return async (): Promise<CancelOrderResult[]> => {
          const open = await target.listOrders({ status: 'open' });
          for (const o of open) if (o.id !== stuckId) await target.cancelOrder(o.id);
          cancelAsked();
          return open.map((o) => ({ orderId: o.id, status: 200, error: null }));
        };
      },
    });
    const pipeline = createPipeline(depsOf(harness, { broker: () => stubborn, emergencyCloseWaitMs: 2_000 }));

    const report = await advanceWhile(harness.clock, asked, pipeline.emergencyStop({ closePositions: false }, 'api'));

    expect(report.cancelled).toEqual([goneId]);
    expect(report.stillOpen).toEqual([stuckId]);
    expect(report.state).toBe('halted');
    expect((await real.getOrder(stuckId))?.status).toBe('new');
    const finished = (await listJournal(t.db, { kinds: ['warning'] })).filter((e) => e.subject === 'emergency-stop').at(-1);
    expect(finished?.data).toMatchObject({ stillOpen: [stuckId] });
  });
});

describe('flatten queue repository', () => {
  beforeEach(async () => { await t.truncate(); });

  it('keeps the first queue time, reads it back and clears it', async () => {
    expect(await getFlattenQueue(t.db)).toBeNull();
    expect(await queueFlatten(t.db, 1_000)).toBe(1_000);
    expect(await queueFlatten(t.db, 2_000)).toBe(1_000);
    expect(await getFlattenQueue(t.db)).toBe(1_000);
    await clearFlattenQueue(t.db);
    expect(await getFlattenQueue(t.db)).toBeNull();
  });
});

describe('position ownership', () => {
  const trade = (id: string, symbol: string, shares: string | null, status: Trade['status'] = 'open') => ({ id, symbol, shares: shares === null ? null : dec(shares), status }) as Trade;
  const pos = (symbol: string, qty: string) => ({ symbol, qty: dec(qty) });

  it('splits a symbol Keel and an outsider both hold, and measures "flat" against what was not Keel\'s', () => {
    const claims = claimsOf([pos('AAPL', '7'), pos('NVDA', '3')], [trade('t1', 'AAPL', '2')]);
    expect(positionsLeft([pos('AAPL', '7'), pos('NVDA', '3')], claims)).toEqual([
      { symbol: 'AAPL', qty: dec(2), owner: 'keel', tradeId: 't1' }, { symbol: 'AAPL', qty: dec(5), owner: 'external' }, { symbol: 'NVDA', qty: dec(3), owner: 'external' },
    ]);
    const after = positionsLeft([pos('AAPL', '5'), pos('NVDA', '3')], claims);
    expect(keelFlat(after)).toBe(true);
    expect(keelFlat(positionsLeft([pos('AAPL', '5.5')], claims))).toBe(false);
  });

  it('counts the whole position as Keel\'s while an entry is still filling (never "flat" by mistake)', () => {
    const claims = claimsOf([pos('AAPL', '4')], [trade('t1', 'AAPL', '1'), trade('t2', 'AAPL', null, 'pending_entry')]);
    expect(positionsLeft([pos('AAPL', '4')], claims)).toEqual([{ symbol: 'AAPL', qty: dec(4), owner: 'keel', tradeId: 't1' }]);
  });

  it('reports a short on a Keel symbol as Keel\'s (Keel only buys: the journal disagrees with the broker)', () => {
    const claims = claimsOf([pos('AAPL', '-1')], [trade('t1', 'AAPL', '1')]);
    expect(keelFlat(positionsLeft([pos('AAPL', '-1')], claims))).toBe(false);
  });
});
