/**
 * The position watchdog against a real supervisor on the simulated exchange and real PostgreSQL.
 * The feed's own periodic poll is pushed out of reach (1 h), so a price stays fresh only through
 * the watchdog's repair; time moves only when the test advances the sim's ManualClock.
 */
import { filter, firstValueFrom } from 'rxjs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPostgresTradeStore, insertTrade, listJournal } from '../../src/adapters/postgres/index.js';
import { createPositionSupervisor } from '../../src/actors/position-supervisor.js';
import { PositionWatchdog } from '../../src/control/safety/watchdog.js';
import { dec } from '../../src/domain/money.js';
import { FakeSafetyActions } from '../support/fake-safety-actions.js';
import { RecordingNotifier } from '../support/recording-notifier.js';
import { startPositionsHarness, type PositionsHarness } from '../support/positions-harness.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

const SNAPSHOTS = '/v2/stocks/snapshots';
const tuning = { cron: false, pollEveryMs: 3_600_000 };

let t: TestDb;
let h: PositionsHarness;
let supervisor: ReturnType<typeof createPositionSupervisor>;
let actions: FakeSafetyActions;
let notifier: RecordingNotifier;
let errors: string[];
let watchdog: PositionWatchdog;

beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });
beforeEach(async () => {
  await t.truncate();
  h = await startPositionsHarness(t, tuning);
  // the harness's own supervisor is typed without the protection methods: ours replaces it
  supervisor = createPositionSupervisor({ store: createPostgresTradeStore(t.db), clock: h.sim.clock, adapters: () => h.alpaca, tuning });
  h.supervisor = supervisor;
  await supervisor.start();
  actions = new FakeSafetyActions('running');
  notifier = new RecordingNotifier();
  errors = [];
  watchdog = new PositionWatchdog({
    db: t.db, clock: h.sim.clock, notifier, supervisor, actions, onError: (message) => errors.push(message),
  });
});
afterEach(async () => {
  await watchdog.stop();
  await supervisor.stop();
  await h.close();
});

async function openPosition(symbol: string) {
  const subscribed = h.subscribed(symbol);
  const trade = await h.enter(symbol);
  await h.next('opened', (e) => e.tradeId === trade.id);
  await subscribed;
  return trade;
}

const snapshotRequest = () => firstValueFrom(h.sim.server.faults.requests$.pipe(filter((r) => r.method === 'GET' && r.path === SNAPSHOTS)));
const watchdogJournal = async () => (await listJournal(t.db, { kinds: ['warning'] })).filter((e) => e.cause === 'watchdog');

describe('position watchdog', () => {
  it('does nothing while every open trade has an actor and a fresh price', async () => {
    await openPosition('AAPL');
    const report = await watchdog.checkOnce();
    expect(report).toMatchObject({ ran: true, violations: [], escalated: [], paused: false });
    expect(await watchdogJournal()).toEqual([]);
    expect(notifier.sent).toEqual([]);
    expect(actions.calls).toEqual([]);
  });

  it('repairs a stale price feed with a snapshot poll, and journals the violation and its end', async () => {
    const trade = await openPosition('AAPL');
    await h.alpaca.marketDataStream.stop(); // the live feed goes silent
    h.sim.clock.advance(31_000);
    const polled = snapshotRequest();
    const report = await watchdog.checkOnce();
    expect(report).toMatchObject({ ran: true, violations: [{ kind: 'price_stale', symbol: 'AAPL', tradeIds: [trade.id], streak: 1 }] });
    expect(report.ran && report.violations[0]?.kind === 'price_stale' ? report.violations[0].ageMs : null).toBeGreaterThan(30_000);
    expect((await polled).status).toBe(200);
    await watchdog.repairsSettled();
    expect(supervisor.lastPriceAt('AAPL')).toBe(h.sim.clock.now());

    h.sim.clock.advance(5_000);
    expect(await watchdog.checkOnce()).toMatchObject({ ran: true, violations: [], resolved: ['price_stale:AAPL'] });
    const journal = await watchdogJournal();
    expect(journal.map((e) => [e.data['event'], e.subject])).toEqual([['watchdog_violation', 'AAPL'], ['watchdog_resolved', 'AAPL']]);
    expect(journal[0]!.data['repair']).toBe('snapshot poll requested');
    expect(notifier.sent).toEqual([]);
    expect(actions.calls).toEqual([]);
  });

  it('pauses the bot and notifies once when the stale price persists through the repairs', async () => {
    await openPosition('AAPL');
    await h.alpaca.marketDataStream.stop();
    h.sim.server.faults.failNext({ method: 'GET', path: SNAPSHOTS }, { kind: 'status', status: 503 }, 1_000);
    h.sim.clock.advance(31_000);
    const polled = snapshotRequest();
    expect(await watchdog.checkOnce()).toMatchObject({ violations: [{ kind: 'price_stale', streak: 1 }], paused: false });
    expect((await polled).status).toBe(503); // the repair was tried
    h.sim.clock.advance(5_000);
    expect(await watchdog.checkOnce()).toMatchObject({ violations: [{ kind: 'price_stale', streak: 2 }], paused: false });
    expect(actions.calls).toEqual([]);
    h.sim.clock.advance(5_000);
    const third = await watchdog.checkOnce();
    expect(third).toMatchObject({ violations: [{ kind: 'price_stale', streak: 3 }], escalated: [{ key: 'price_stale:AAPL' }], paused: true });
    expect(actions.actions()).toEqual(['pause:watchdog']);
    expect(actions.state).toBe('paused');
    const sent = notifier.ofKind('watchdog');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ severity: 'critical', data: { paused: true, violations: [{ kind: 'price_stale', symbol: 'AAPL', streak: 3 }] } });

    // still broken while paused: repaired again, but neither paused nor notified a second time
    h.sim.clock.advance(5_000);
    expect(await watchdog.checkOnce()).toMatchObject({ ran: true, violations: [{ streak: 4 }], escalated: [], paused: false });
    expect(actions.calls).toHaveLength(1);
    expect(notifier.sent).toHaveLength(1);
    const events = (await watchdogJournal()).map((e) => e.data['event']);
    expect(events).toEqual(['watchdog_violation', 'watchdog_violation', 'watchdog_violation', 'watchdog_escalated']);
  });

  it('re-adopts an open trade that has no actor (a position imported by reconciliation)', async () => {
    const placed = await h.alpaca.broker.submitOrder({ symbol: 'MSFT', side: 'buy', type: 'market', timeInForce: 'day', clientOrderId: 'outside-msft', qty: dec('3') });
    expect(placed.kind).toBe('accepted');
    h.sim.core.sync();
    const held = (await h.alpaca.broker.getPosition('MSFT'))!;
    const now = h.sim.clock.now();
    const trade = await insertTrade(t.db, { symbol: 'MSFT', side: 'buy', status: 'open', shares: held.qty, entryPrice: held.avgEntryPrice, entryAt: now, peakPrice: held.avgEntryPrice }, now);
    expect(supervisor.trackedTradeIds()).not.toContain(trade.id);

    const tracked = h.next('tracked', (e) => e.tradeId === trade.id);
    const first = await watchdog.checkOnce();
    expect(first).toMatchObject({ violations: [{ kind: 'actor_missing', tradeId: trade.id, symbol: 'MSFT', streak: 1 }] });
    await watchdog.repairsSettled();
    expect(supervisor.trackedTradeIds()).toContain(trade.id);
    expect((await tracked).status).toBe('open');

    expect(await watchdog.checkOnce()).toMatchObject({ ran: true, violations: [], resolved: [`actor_missing:${trade.id}`] });
    expect((await watchdogJournal()).map((e) => [e.data['event'], e.subject])).toEqual([
      ['watchdog_violation', trade.id], ['watchdog_resolved', trade.id],
    ]);
    expect(actions.calls).toEqual([]);
  });

  it('re-adopts nothing for a trade that closed before the repair ran', async () => {
    const now = h.sim.clock.now();
    const trade = await insertTrade(t.db, { symbol: 'MSFT', side: 'buy', status: 'closed', shares: dec('1'), entryPrice: dec('10') }, now);
    expect(await supervisor.ensureTracked([trade.id])).toEqual([]);
    expect(supervisor.trackedTradeIds()).toEqual([]);
  });

  it('checks nothing while the bot is stopped or halted, and forgets the episodes', async () => {
    const now = h.sim.clock.now();
    await insertTrade(t.db, { symbol: 'MSFT', side: 'buy', status: 'open', shares: dec('1'), entryPrice: dec('10'), entryAt: now }, now);
    const orphan = new PositionWatchdog({ db: t.db, clock: h.sim.clock, notifier, actions, onError: () => undefined,
      supervisor: { ...noActors, ensureTracked: async () => [] }, settings: { escalateAfter: 2 } });
    expect(await orphan.checkOnce()).toMatchObject({ violations: [{ streak: 1 }] });
    actions.set('halted', 'manual');
    expect(await orphan.checkOnce()).toEqual({ ran: false, state: 'halted' });
    actions.set('running', null);
    expect(await orphan.checkOnce()).toMatchObject({ violations: [{ streak: 1 }], paused: false });
    expect(actions.calls).toEqual([]);
  });

  it('runs its checks on the injected clock once started', async () => {
    await openPosition('AAPL');
    const reports: unknown[] = [];
    let ran: () => void = () => undefined;
    const timed = new PositionWatchdog({
      db: t.db, clock: h.sim.clock, notifier, supervisor, actions, onError: (m) => errors.push(m),
      settings: { checkEveryMs: 5_000 }, onCheck: (r) => { reports.push(r); ran(); },
    });
    timed.start();
    const first = new Promise<void>((resolve) => { ran = resolve; });
    h.sim.clock.advance(4_999);
    expect(reports).toHaveLength(0);
    h.sim.clock.advance(1);
    await first;
    expect(reports).toEqual([{ ran: true, state: 'running', violations: [], resolved: [], escalated: [], paused: false }]);
    await timed.stop();
    h.sim.clock.advance(60_000);
    expect(reports).toHaveLength(1);
    expect(errors).toEqual([]);
  });
});

const noActors = {
  trackedTradeIds: () => [],
  stuckExits: () => [],
  lastPriceAt: () => null,
  refreshPrices: async () => undefined,
};
