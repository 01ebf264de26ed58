/**
 * Exits the broker refuses or cannot complete, against the real supervisor on the simulated
 * exchange and real PostgreSQL: a refusal for quantity is answered with what the broker holds
 * (journaled), never with the same quantity; an exit that cannot complete is stuck (the status's
 * stuckExits) and the watchdog escalates it (pause + critical notification). Time moves only when
 * the test advances the sim's ManualClock; a refused exit is retried at once (exitRetryMs 0).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPostgresTradeStore, listJournal } from '../../src/adapters/postgres/index.js';
import { createPositionSupervisor } from '../../src/actors/position-supervisor.js';
import { createBotControl } from '../../src/control/lifecycle/bot-control.js';
import { PositionWatchdog } from '../../src/control/safety/watchdog.js';
import { EXIT_STUCK_AFTER_MS } from '../../src/core/safety/stuck-exits.js';
import { withUnattendedCount } from '../../src/service/attended-control.js';
import type { Trade } from '../../src/domain/trade.js';
import { FakeSafetyActions } from '../support/fake-safety-actions.js';
import { RecordingNotifier } from '../support/recording-notifier.js';
import { reload, startPositionsHarness, type PositionsHarness } from '../support/positions-harness.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

const tuning = { cron: false, exitRetryMs: 0 };

let t: TestDb;
let h: PositionsHarness;
let supervisor: ReturnType<typeof createPositionSupervisor>;

beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });
beforeEach(async () => {
  await t.truncate();
  h = await startPositionsHarness(t, tuning);
  // the harness's own supervisor is typed without the protection methods: ours replaces it
  supervisor = createPositionSupervisor({ store: createPostgresTradeStore(t.db), clock: h.sim.clock, adapters: () => h.alpaca, tuning });
  h.supervisor = supervisor;
  await supervisor.start();
});
afterEach(async () => {
  await supervisor.stop();
  await h.close();
});

async function openPosition(symbol: string): Promise<Trade> {
  const subscribed = h.subscribed(symbol);
  const trade = await h.enter(symbol);
  await h.next('opened', (e) => e.tradeId === trade.id);
  await subscribed;
  return reload(t, trade.id);
}

const orderPosts = () => h.sim.server.faults.requests.filter((r) => r.method === 'POST' && r.path === '/v2/orders');
const keelSells = async () => (await h.alpaca.broker.listOrders({ status: 'all', side: 'sell' }))
  .filter((o) => !o.clientOrderId.startsWith('outside-'))
  .map((o) => [o.clientOrderId, o.qty?.toFixed(), o.status]);

describe('an exit the broker refuses for its quantity', () => {
  it('re-reads the broker position, sells what is there, journals the correction and closes with P&L on those shares', async () => {
    const trade = await openPosition('AAPL');
    // a partial sell outside Keel that no reconciliation has seen yet
    const outside = await h.alpaca.broker.submitOrder({ symbol: 'AAPL', side: 'sell', type: 'market', timeInForce: 'day', qty: trade.shares!.times(0.4).toDecimalPlaces(9), clientOrderId: 'outside-1' });
    expect(outside.kind).toBe('accepted');
    h.sim.core.sync();
    const held = (await h.alpaca.broker.getPosition('AAPL'))!.qty;

    const closed = h.next('closed', (e) => e.tradeId === trade.id);
    h.sim.core.market.setPrice('AAPL', trade.entryPrice!.toNumber() * 0.9);
    expect((await closed).reason).toBe('hard_stop');

    // -x1 (the journal's quantity) was refused 403 insufficient qty; -x2 sold what the broker held
    const refused = orderPosts().filter((r) => r.status === 403);
    expect(refused).toHaveLength(1);
    expect(await keelSells()).toEqual([[`${trade.entryClientOrderId}-x2-hard-stop`, held.toFixed(), 'filled']]);
    const done = await reload(t, trade.id);
    expect(done).toMatchObject({ status: 'closed', exitReason: 'hard_stop' });
    expect(done.shares!.toFixed()).toBe(held.toFixed());
    expect(done.pnl!.toFixed()).toBe(done.exitPrice!.minus(done.entryPrice!).times(held).toFixed());
    const corrections = (await listJournal(t.db, { kinds: ['reconciliation_correction'] })).filter((e) => e.subject === trade.id);
    expect(corrections.map((e) => [e.data['journalShares'], e.data['brokerHeld'], e.data['shares']])).toEqual([[trade.shares!.toFixed(), held.toFixed(), held.toFixed()]]);
    expect(await h.alpaca.broker.getPosition('AAPL')).toBeNull();
    expect(supervisor.stuckExits()).toEqual([]);
  });

  it('never sends a refused quantity again: the broker still reporting it, the exit gives up and is stuck', async () => {
    const trade = await openPosition('AAPL');
    h.sim.core.faults.rejectNextOrder({ status: 403, code: 40310000, message: `insufficient qty available for order (requested: ${trade.shares!.toFixed()}, available: 0)` });
    const failed = h.next('exit_failed', (e) => e.tradeId === trade.id && e.error.includes('still reports'));
    const before = orderPosts().length;
    h.sim.core.market.setPrice('AAPL', trade.entryPrice!.toNumber() * 0.9);
    await failed;
    expect(orderPosts()).toHaveLength(before + 1);
    expect(supervisor.stuckExits()).toMatchObject([{ tradeId: trade.id, symbol: 'AAPL', reason: 'gave_up' }]);
    expect((await reload(t, trade.id)).status).toBe('exiting');
  });
});

describe('an exit that cannot complete', () => {
  it('is in the status and escalated by the watchdog (pause, critical notification) once its attempts are exhausted', async () => {
    const trade = await openPosition('AAPL');
    // every sell is refused (not for its quantity): each attempt re-reads the position and tries again
    const reject = () => h.sim.core.faults.rejectNextOrder({ status: 403, code: 40310000, message: 'new orders are rejected by user request' });
    reject();
    const rearm = supervisor.events$.subscribe((e) => { if (e.type === 'exit_failed') reject(); });
    const gaveUp = h.next('exit_failed', (e) => e.tradeId === trade.id && e.error.includes('gave up after 3 attempts'));
    h.sim.core.market.setPrice('AAPL', trade.entryPrice!.toNumber() * 0.9);
    await gaveUp;
    rearm.unsubscribe();
    h.sim.core.faults.clear();
    expect(orderPosts().filter((r) => r.status === 403)).toHaveLength(3);

    const control = withUnattendedCount(createBotControl({
      db: t.db, clock: h.sim.clock, broker: () => h.alpaca.broker, random: () => 0.5, reconcileRetry: { baseMs: 1_000, maxMs: 30_000 }, switchBroker: () => true,
    }), supervisor);
    await control.boot();
    expect(await control.status()).toMatchObject({ stuckExits: [{ tradeId: trade.id, symbol: 'AAPL', reason: 'gave_up' }] });
    await control.shutdown();

    const actions = new FakeSafetyActions('running');
    const notifier = new RecordingNotifier();
    const watchdog = new PositionWatchdog({ db: t.db, clock: h.sim.clock, notifier, supervisor, actions, onError: (m) => { throw new Error(m); }, settings: { escalateAfter: 2 } });
    expect(await watchdog.checkOnce()).toMatchObject({ violations: [{ kind: 'exit_stuck', tradeId: trade.id, reason: 'gave_up', streak: 1 }], paused: false });
    expect(await watchdog.checkOnce()).toMatchObject({ escalated: [{ key: `exit_stuck:${trade.id}` }], paused: true });
    expect(actions.actions()).toEqual(['pause:watchdog']);
    expect(notifier.ofKind('watchdog')).toMatchObject([{ severity: 'critical', data: { violations: [{ kind: 'exit_stuck', tradeId: trade.id }] } }]);
    await watchdog.stop();
  });

  it('is stuck once it has been exiting longer than the bound in the session (a sell that does not fill)', async () => {
    const trade = await openPosition('AAPL');
    h.sim.core.faults.holdFills(true);
    const submitted = h.next('exit_submitted', (e) => e.tradeId === trade.id);
    h.sim.core.market.setPrice('AAPL', trade.entryPrice!.toNumber() * 0.9);
    await submitted;
    h.sim.clock.advance(EXIT_STUCK_AFTER_MS);
    expect(supervisor.stuckExits()).toEqual([]);
    h.sim.clock.advance(1_000);
    expect(supervisor.stuckExits()).toMatchObject([{ tradeId: trade.id, reason: 'too_long' }]);

    // the fill arrives at last: the trade closes and is no longer stuck
    const closed = h.next('closed', (e) => e.tradeId === trade.id);
    h.sim.core.faults.holdFills(false);
    h.sim.core.sync();
    await closed;
    expect(supervisor.stuckExits()).toEqual([]);
  });
});

