/**
 * The safety jobs as the service runs them, over the real bot control on real PostgreSQL: an
 * account snapshot drives the circuit breaker through the control (persisting why the bot is
 * paused), and trading events become notifications.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getDailyStats, loadStateReason } from '../../src/adapters/postgres/index.js';
import { isRegularSessionOpen, marketClockAt } from '../../src/core/calendar/nyse-calendar.js';
import { etDate } from '../../src/domain/market-time.js';
import { dec } from '../../src/domain/money.js';
import { createSafetyJobs, type SafetyJobs } from '../../src/service/safety-jobs.js';
import { eventually } from '../support/eventually.js';
import { FakeSupervisor, startPipelineHarness, TEST_SETTINGS, type Keel, type PipelineHarness } from '../support/pipeline-harness.js';
import { RecordingNotifier } from '../support/recording-notifier.js';
import { anAccount } from '../support/alpaca-builders.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

let t: TestDb;
let h: PipelineHarness;
let keel: Keel;
let supervisor: FakeSupervisor;
let notifier: RecordingNotifier;
let jobs: SafetyJobs;

/** the fake supervisor with the protection surface the watchdog and health job read */
const protectedSupervisor = () => Object.assign(supervisor, {
  trackedTradeIds: () => [] as string[],
  lastPriceAt: () => null,
  ensureTracked: async () => [] as string[],
  refreshPrices: async () => undefined,
  refreshWorkingOrders: async () => undefined,
  stuckExits: () => [], verifyStops: () => [], brokerProtected: () => new Set<string>(),
});

beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });
beforeEach(async () => {
  await t.truncate();
  supervisor = new FakeSupervisor();
  h = await startPipelineHarness(t, () => supervisor);
  keel = await h.boot({ settings: { ...TEST_SETTINGS, circuitBreakerWarnPct: 3, circuitBreakerPausePct: 5, circuitBreakerHaltPct: 10 } });
  expect((await keel.control.act('start', 'test')).ok).toBe(true);
  notifier = new RecordingNotifier();
  jobs = createSafetyJobs({
    db: t.db, clock: h.clock, control: keel.control, pipeline: keel.pipeline, supervisor: protectedSupervisor(), notifier,
    warn: (m, e) => { throw e ?? new Error(m); }, broker: () => h.alpaca.broker, cron: false,
  });
  await jobs.start();
});
afterEach(async () => { await jobs.stop(); await h.close(); });

describe('safety jobs over the real control', () => {
  it('pauses the bot through the control when equity falls past the pause level, and persists why', async () => {
    jobs.observeAccount(anAccount({ equity: dec(94_000), lastEquity: dec(100_000) }));
    await eventually(async () => expect((await keel.control.status()).state).toBe('paused'));
    const why = await loadStateReason(t.db);
    expect(why.reason).toBe('breaker_pause');
    expect(why.detail).toEqual(expect.stringContaining('6')); // the breaker's own words (a 6 % drawdown) survive the pause
    expect((await getDailyStats(t.db, etDate(h.clock.now())))?.breakerLevel).toBe('pause');
    await eventually(async () => expect(notifier.kinds()).toContain('breaker_level'));
  });

  it('notifies what a reconciliation corrected (a position Keel did not know), once per report', async () => {
    const placed = await h.alpaca.broker.submitOrder({ symbol: 'AAPL', side: 'buy', type: 'market', timeInForce: 'day', qty: dec(3), clientOrderId: 'outside-keel-1' });
    expect(placed.kind).toBe('accepted');
    await eventually(async () => expect((await h.alpaca.broker.listPositions()).map((p) => p.symbol)).toContain('AAPL'));
    expect(notifier.kinds()).not.toContain('reconciliation_corrections');
    const run = await keel.control.reconcileNow('test');
    expect(run.ok).toBe(true);
    await eventually(async () => expect(notifier.kinds()).toContain('reconciliation_corrections'));
    const [notice] = notifier.ofKind('reconciliation_corrections');
    expect(notice!.text).toContain('AAPL');
    // safety jobs started again (a writer takeover) read the last report: the same report is not sent twice by one instance
    await jobs.stop();
    await jobs.start();
    expect(notifier.ofKind('reconciliation_corrections')).toHaveLength(1);
  });

  it('records a trader pause as manual, so the daily reset will never auto-resume it', async () => {
    expect((await keel.control.act('pause', 'api')).ok).toBe(true);
    expect((await loadStateReason(t.db)).reason).toBe('manual');
  });

  it('turns fills, rejections and halts into notifications', async () => {
    supervisor.emit({ type: 'opened', tradeId: 't-1', symbol: 'AAPL', shares: '2', entryPrice: '50' });
    supervisor.emit({ type: 'closed', tradeId: 't-1', symbol: 'AAPL', reason: 'hard_stop', exitPrice: '46', pnl: '-8' });
    supervisor.emit({ type: 'cancelled', tradeId: 't-2', symbol: 'MSFT', reason: 'insufficient buying power' });
    expect((await keel.control.halt('test halt', 'test')).ok).toBe(true);
    await eventually(async () => expect(notifier.kinds()).toEqual(['entry_filled', 'exit_filled', 'order_rejected', 'halt']));
    expect(notifier.ofKind('exit_filled')[0]!.title).toContain('hard_stop');
  });

  it('sends a critical notification the moment an exit gives up, whatever the bot state', async () => {
    supervisor.emit({ type: 'exit_gave_up', tradeId: 't-9', symbol: 'AAPL', reason: 'exit gave up after 3 attempts: forbidden' });
    expect(notifier.ofKind('exit_stuck')).toMatchObject([{ severity: 'critical', key: 'exit_stuck:t-9', data: { tradeId: 't-9', symbol: 'AAPL' } }]);
  });
});

describe('the queued flatten at the open, on the injected clock alone (no wall-clock job)', () => {
  it('runs at once in an open session, then at each next 09:30 New York as the clock reaches it', async () => {
    const causes: string[] = [];
    const pipeline = { ...keel.pipeline, runQueuedFlatten: (cause: string) => { causes.push(cause); return keel.pipeline.runQueuedFlatten(cause); } };
    const onClock = createSafetyJobs({
      db: t.db, clock: h.clock, control: keel.control, pipeline, supervisor: protectedSupervisor(), notifier,
      warn: (m, e) => { throw e ?? new Error(m); }, broker: () => h.alpaca.broker, cron: false,
    });
    const now = h.clock.now();
    const open = isRegularSessionOpen(now);
    await onClock.start();
    try {
      expect(causes).toHaveLength(open ? 1 : 0);
      const nextOpen = marketClockAt(now).nextOpen;
      h.clock.set(nextOpen - 1);
      await eventually(async () => expect(h.clock.pending).toBeGreaterThan(0));
      expect(causes).toHaveLength(open ? 1 : 0);
      h.clock.set(nextOpen);
      await eventually(async () => expect(causes).toHaveLength(open ? 2 : 1));
      expect(causes.at(-1)).toBe('session-open');
    } finally {
      await onClock.stop();
    }
  });
});
