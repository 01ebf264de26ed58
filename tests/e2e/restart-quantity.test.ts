/**
 * A position that shrank at the broker while Keel was down (a partial sell outside Keel): the
 * restart's reconciliation takes the broker's quantity, and that quantity is what every holder of
 * it uses afterwards — the trade row, the restored position actor and its exit order — so the hard
 * stop sells what is there and closes the trade with P&L on those shares.
 * Keel as the service wires it (control, pipeline, real position supervisor, lifecycle wiring) on
 * real PostgreSQL against the simulated exchange through the real Alpaca adapter; the restart is a
 * new instance on the same database and exchange, on one ManualClock (a Keel process on the wall
 * clock would force-close the position at 15:45 ET on any weekday evening the test runs).
 */
import { filter, firstValueFrom } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresTradeStore, getTrade } from '../../src/adapters/postgres/index.js';
import type { Decimal } from '../../src/domain/money.js';
import type { Trade } from '../../src/domain/trade.js';
import { createPositionSupervisor } from '../../src/actors/position-supervisor.js';
import { signal, startPipelineHarness, TEST_SETTINGS, type Keel, type PipelineHarness, type SupervisorFactoryInput } from '../support/pipeline-harness.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

/** the real supervisor; a refused exit is retried at once (no retry pause to wait out on the clock) */
const supervisorFactory = ({ db, clock, alpaca }: SupervisorFactoryInput) =>
  createPositionSupervisor({ store: createPostgresTradeStore(db), clock, adapters: () => alpaca, tuning: { cron: false, exitRetryMs: 0 } });

let t: TestDb;
let h: PipelineHarness;
let keel: Keel;

beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });
afterEach(async () => { await h.close(); });

const row = async (id: string): Promise<Trade> => {
  const trade = await getTrade(t.db, id);
  if (!trade) throw new Error(`no trade ${id}`);
  return trade;
};

const subscribed = (symbol: string) =>
  firstValueFrom(h.alpaca.marketDataStream.events$.pipe(filter((e) => e.type === 'subscription' && e.subscription.trades.includes(symbol))));

/** Keel running with one open AAPL trade whose symbol is watched; only the hard stop can fire */
async function runningWithPosition(id: string): Promise<Trade> {
  await t.truncate();
  h = await startPipelineHarness(t, supervisorFactory);
  keel = await h.boot({ settings: { ...TEST_SETTINGS, profitTargetPct: 50, maxHoldDurationSec: 86_400 } });
  const started = keel.applied('start');
  expect((await keel.control.act('start', 'test')).ok).toBe(true);
  await started;
  await keel.streamLive();
  const watching = subscribed('AAPL');
  expect(await keel.pipeline.ingestSignal(signal({ id, symbol: 'AAPL' }))).toMatchObject({ outcome: 'fired' });
  const tradeId = (await keel.pipeline.getSignal(id))!.tradeId!;
  await keel.position('opened', (e) => e.tradeId === tradeId);
  await watching;
  return row(tradeId);
}

/** a market sell outside Keel, filled at the exchange */
async function sellOutsideKeel(qty: Decimal, clientOrderId: string): Promise<void> {
  const sold = await h.alpaca.broker.submitOrder({ symbol: 'AAPL', side: 'sell', type: 'market', timeInForce: 'day', qty, clientOrderId });
  expect(sold.kind).toBe('accepted');
  h.sim.core.sync();
}

const keelSells = async () => (await h.alpaca.broker.listOrders({ status: 'all', side: 'sell' }))
  .filter((o) => !o.clientOrderId.startsWith('outside-'))
  .map((o) => [o.clientOrderId, o.qty?.toFixed(), o.status]);

describe('a position that shrank at the broker while Keel was down', () => {
  it('is exited with the broker\'s quantity after the restart and closes hard_stop with P&L on those shares', async () => {
    await t.truncate();
    h = await startPipelineHarness(t, supervisorFactory);
    keel = await h.boot({ settings: { ...TEST_SETTINGS, profitTargetPct: 50, maxHoldDurationSec: 86_400 } });
    const started = keel.applied('start');
    expect((await keel.control.act('start', 'test')).ok).toBe(true);
    await started;
    await keel.streamLive();
    const watching = subscribed('AAPL');
    expect(await keel.pipeline.ingestSignal(signal({ id: 'qty', symbol: 'AAPL' }))).toMatchObject({ outcome: 'fired' });
    const tradeId = (await keel.pipeline.getSignal('qty'))!.tradeId!;
    await keel.position('opened', (e) => e.tradeId === tradeId);
    await watching;
    const opened = await row(tradeId);
    const journalShares = opened.shares!;

    // Keel goes down (running is persisted: the restart restores it after reconciling)
    await keel.shutdown();

    // meanwhile 40 % of the position is sold outside Keel
    const outside = journalShares.times(0.4).toDecimalPlaces(9);
    const sold = await h.alpaca.broker.submitOrder({ symbol: 'AAPL', side: 'sell', type: 'market', timeInForce: 'day', qty: outside, clientOrderId: 'outside-keel-1' });
    expect(sold.kind).toBe('accepted');
    h.sim.core.sync();
    const brokerShares = (await h.alpaca.broker.getPosition('AAPL'))!.qty;
    expect(brokerShares.toFixed()).toBe(journalShares.minus(outside).toFixed());

    // the restart restores running, reconciling first: the broker's quantity is taken
    const watchingAgain = subscribed('AAPL');
    keel = await h.boot();
    await keel.position('tracked', (e) => e.tradeId === tradeId);
    const report = await keel.control.lastReconciliation();
    expect(report?.findings.map((f) => (f.kind === 'quantity_mismatch' ? [f.tradeId, f.journalShares?.toFixed(), f.brokerShares.toFixed()] : f.kind)))
      .toEqual([[tradeId, journalShares.toFixed(), brokerShares.toFixed()]]);
    await keel.streamLive();
    await watchingAgain;

    // the hard stop: a refused sell must not leave the test waiting for a close that never comes
    const closed = keel.position('closed', (e) => e.tradeId === tradeId);
    const failed = keel.position('exit_failed', (e) => e.tradeId === tradeId).then((e) => ({ reason: `exit failed: ${e.error}` }));
    h.sim.core.market.setPrice('AAPL', opened.entryPrice!.toNumber() * 0.9);
    expect((await Promise.race([closed, failed])).reason).toBe('hard_stop');
    const done = await row(tradeId);
    expect(done).toMatchObject({ status: 'closed', exitReason: 'hard_stop' });
    expect(done.shares!.toFixed()).toBe(brokerShares.toFixed());
    expect(done.pnl!.toFixed()).toBe(done.exitPrice!.minus(done.entryPrice!).times(brokerShares).toFixed());
    const sells = (await h.alpaca.broker.listOrders({ status: 'all', side: 'sell' })).filter((o) => o.clientOrderId !== 'outside-keel-1');
    expect(sells.map((o) => [o.clientOrderId, o.qty?.toFixed(), o.status])).toEqual([[`${opened.entryClientOrderId}-x1-hard-stop`, brokerShares.toFixed(), 'filled']]);
    expect(await h.alpaca.broker.getPosition('AAPL')).toBeNull();
  });
});

describe('a position that shrank at the broker while Keel runs', () => {
  it('takes the quantity a reconciliation corrected into the running actor: one sell of what is held', async () => {
    const opened = await runningWithPosition('live-qty');
    await sellOutsideKeel(opened.shares!.times(0.4).toDecimalPlaces(9), 'outside-live-1');
    const held = (await h.alpaca.broker.getPosition('AAPL'))!.qty;

    // the health job's reconciliation (it runs it through the control when it sees the mismatch)
    const applied = keel.applied('reconciled');
    expect(await keel.control.reconcileNow('health_check')).toMatchObject({ ok: true, corrections: 1 });
    await applied;
    expect((await row(opened.id)).shares!.toFixed()).toBe(held.toFixed());

    const closed = keel.position('closed', (e) => e.tradeId === opened.id);
    h.sim.core.market.setPrice('AAPL', opened.entryPrice!.toNumber() * 0.9);
    expect((await closed).reason).toBe('hard_stop');
    expect(await keelSells()).toEqual([[`${opened.entryClientOrderId}-x1-hard-stop`, held.toFixed(), 'filled']]);
    const done = await row(opened.id);
    expect(done.pnl!.toFixed()).toBe(done.exitPrice!.minus(done.entryPrice!).times(held).toFixed());
  });

  it('settles a trade whose shares were all sold outside Keel through reconciliation, with no loop of sells', async () => {
    const opened = await runningWithPosition('all-gone');
    await sellOutsideKeel(opened.shares!, 'outside-all-1');
    expect(await h.alpaca.broker.getPosition('AAPL')).toBeNull();

    const untracked = keel.position('untracked', (e) => e.tradeId === opened.id);
    h.sim.core.market.setPrice('AAPL', opened.entryPrice!.toNumber() * 0.9);
    // -x1 is refused (nothing to sell); the retry re-reads the position: none, so no second sell
    await keel.position('exit_flat_at_broker', (e) => e.tradeId === opened.id);
    await untracked;
    const done = await row(opened.id);
    expect(done).toMatchObject({ status: 'closed', exitReason: 'reconciled_closed_at_broker' });
    expect(done.shares!.toFixed()).toBe(opened.shares!.toFixed());
    expect(await keelSells()).toEqual([]);
  });
});
