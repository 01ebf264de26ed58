/**
 * The win-rate guard over the real bot control on real PostgreSQL: when a trade closes, the
 * current mode's latest closed trades are judged; a rate below minWinRate pauses a running bot
 * once (reason WIN_RATE_BELOW_MIN, a journal entry, one notification); a resume starts a fresh
 * window; minWinRate null turns it off; the what-if shows the verdict. Closed trades are written
 * straight into bot_trade (the guard reads only the table); the clock is the harness's ManualClock.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { insertTrade, listJournal } from '../../src/adapters/postgres/index.js';
import { WinRateGuard } from '../../src/control/safety/win-rate-guard.js';
import type { BotSettings } from '../../src/domain/bot-config.js';
import { dec } from '../../src/domain/money.js';
import { createSafetyJobs, safetyActionsOver } from '../../src/service/safety-jobs.js';
import { eventually } from '../support/eventually.js';
import { FakeSupervisor, signal, startPipelineHarness, TEST_SETTINGS, type Keel, type PipelineHarness } from '../support/pipeline-harness.js';
import { RecordingNotifier } from '../support/recording-notifier.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

let t: TestDb;
let h: PipelineHarness;
let keel: Keel;
let notifier: RecordingNotifier;
let settings: Pick<BotSettings, 'minWinRate' | 'minWinRateLookback'>;

beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });
beforeEach(async () => {
  await t.truncate();
  h = await startPipelineHarness(t, () => new FakeSupervisor());
  settings = { minWinRate: 0.5, minWinRateLookback: 5 };
  keel = await h.boot({ settings: { ...TEST_SETTINGS, ...settings } });
  expect((await keel.control.act('start', 'test')).ok).toBe(true);
  notifier = new RecordingNotifier();
});
afterEach(async () => { await h.close(); });

const newGuard = () => new WinRateGuard({ db: t.db, clock: h.clock, actions: safetyActionsOver(keel.control, t.db), notifier, settings: () => settings });

/** closed trades with these P&Ls, one a second from now on (so they close after anything before) */
async function closed(pnls: number[], mode?: 'paper' | 'live') {
  for (const pnl of pnls) {
    h.clock.advance(1_000);
    const now = h.clock.now();
    await insertTrade(t.db, {
      symbol: 'AAPL', side: 'buy', status: 'closed', shares: dec(10), entryPrice: dec(10), exitPrice: dec(10 + pnl / 10), pnl: dec(pnl),
      entryAt: now - 500, exitAt: now, exitReason: pnl > 0 ? 'profit_target' : 'hard_stop', ...(mode ? { mode } : {}),
    }, now);
  }
}

const state = async () => (await keel.control.status()).state;
const guardEntries = async () => (await listJournal(t.db, { limit: 500 })).filter((e) => e.cause === 'win-rate');

describe('the win-rate guard', () => {
  it('does nothing before lookback trades closed, however badly they went', async () => {
    await closed([-5, -5, -5, -5]);
    const check = await newGuard().tradeClosed();
    expect(check).toMatchObject({ paused: false, verdict: { status: 'waiting', trades: 4, wins: 0 } });
    expect(await state()).toBe('running');
    expect(await guardEntries()).toEqual([]);
    expect(notifier.sent).toEqual([]);
  });

  it('pauses a running bot once when the last N closed trades win less than minWinRate: reason, journal, one notification', async () => {
    await closed([5, 5, -5, -5, -5, -5]); // the last 5: one win of five (20 %), the oldest win is outside
    const guard = newGuard();
    const check = await guard.tradeClosed();
    expect(check).toMatchObject({ paused: true, verdict: { status: 'below', trades: 5, wins: 1, winRate: 0.2, minWinRate: 0.5 } });
    const status = await keel.control.status();
    expect(status.state).toBe('paused');
    expect(status.stateReason).toMatchObject({ code: 'WIN_RATE_BELOW_MIN', detail: expect.stringContaining('1 of the last 5') });
    // exits keep closing losers while paused: nothing more
    await closed([-5]);
    expect((await guard.tradeClosed()).paused).toBe(false);
    expect(await guardEntries()).toHaveLength(1);
    expect((await guardEntries())[0]!.data).toMatchObject({ event: 'win_rate_below_min', wins: 1, trades: 5 });
    expect(notifier.ofKind('win_rate')).toHaveLength(1);
    expect(notifier.sent).toHaveLength(1);
  });

  it('passes at exactly minWinRate (wins ≥ minWinRate × N)', async () => {
    settings = { minWinRate: 0.6, minWinRateLookback: 5 };
    await closed([5, -5, 5, -5, 5]);
    expect(await newGuard().tradeClosed()).toMatchObject({ paused: false, verdict: { status: 'ok', wins: 3, winRate: 0.6 } });
    expect(await state()).toBe('running');
  });

  it('after a resume judges a fresh window: the old losers do not pause again, even after a restart; new ones do', async () => {
    await closed([-5, -5, -5, -5, -5]);
    expect((await newGuard().tradeClosed()).paused).toBe(true);
    expect((await keel.control.act('resume', 'api: POST /api/bot/resume')).ok).toBe(true);
    expect(await newGuard().tradeClosed()).toMatchObject({ paused: false, verdict: { status: 'waiting', trades: 0 } });
    // a restart: a new control on the same database restores running; the window is persisted
    await keel.shutdown();
    keel = await h.boot({ settings: { ...TEST_SETTINGS, ...settings } });
    await eventually(async () => expect(await state()).toBe('running'));
    await closed([-5, -5, 5, 5]);
    expect(await newGuard().tradeClosed()).toMatchObject({ paused: false, verdict: { status: 'waiting', trades: 4, wins: 2 } });
    await closed([-5]);
    expect(await newGuard().tradeClosed()).toMatchObject({ paused: true, verdict: { trades: 5, wins: 2 } });
    expect(notifier.ofKind('win_rate')).toHaveLength(2);
  });

  it('is off when minWinRate is null', async () => {
    settings = { minWinRate: null, minWinRateLookback: 5 };
    await closed([-5, -5, -5, -5, -5]);
    expect(await newGuard().tradeClosed()).toMatchObject({ paused: false, verdict: { status: 'off' } });
    expect(await state()).toBe('running');
    expect(notifier.sent).toEqual([]);
  });

  it('ignores the other mode\'s trades', async () => {
    await closed([-5, -5, -5, -5, -5], 'live');
    await closed([5, 5]);
    expect(await newGuard().tradeClosed()).toMatchObject({ paused: false, verdict: { status: 'waiting', trades: 2, wins: 2 } });
    expect(await state()).toBe('running');
  });

  it('leaves a bot the trader paused paused for the trader (no new reason, no notification)', async () => {
    expect((await keel.control.act('pause', 'api: POST /api/bot/pause')).ok).toBe(true);
    await closed([-5, -5, -5, -5, -5]);
    expect((await newGuard().tradeClosed()).paused).toBe(false);
    expect((await keel.control.status()).stateReason.code).toBe('manual');
    expect(notifier.sent).toEqual([]);
  });

  it('runs when the supervisor reports a closed trade (the safety jobs\' wiring)', async () => {
    const jobs = await startSafetyJobs();
    try {
      await closed([-5, -5, -5, -5, -5]);
      (keel.supervisor as FakeSupervisor).emit({ type: 'closed', tradeId: 't-5', symbol: 'AAPL', reason: 'hard_stop', exitPrice: '9.5', pnl: '-5' });
      // the pause is persisted (with its reason) before the statechart moves: wait for both
      await eventually(async () => expect(await keel.control.status()).toMatchObject({ state: 'paused', stateReason: { code: 'WIN_RATE_BELOW_MIN' } }));
    } finally {
      await jobs.stop();
    }
  });

  it('runs when reconciliation closes a trade the broker sold', async () => {
    const jobs = await startSafetyJobs();
    try {
      await closed([-5, -5, -5, -5]);
      const entry = await filled('buy', 'keel-wr-entry');
      await insertTrade(t.db, {
        symbol: 'AAPL', side: 'buy', status: 'open', shares: dec(2), entryPrice: entry.filledAvgPrice, entryAt: h.clock.now(),
        entryClientOrderId: 'keel-wr-entry', entryOrderId: entry.id,
      }, h.clock.now());
      h.clock.advance(60_000);
      h.sim.core.market.setPrice('AAPL', entry.filledAvgPrice!.times(0.9).toDecimalPlaces(2).toNumber());
      await filled('sell', 'sold-by-hand');
      const run = await keel.control.reconcileNow('test');
      expect(run).toMatchObject({ ok: true, corrections: 1 });
      await eventually(async () => expect(await keel.control.status()).toMatchObject({ state: 'paused', stateReason: { code: 'WIN_RATE_BELOW_MIN' } }));
    } finally {
      await jobs.stop();
    }
  });
});

/** a market order of 2 AAPL at the simulated exchange, filled */
async function filled(side: 'buy' | 'sell', clientOrderId: string) {
  const outcome = await h.alpaca.broker.submitOrder({ symbol: 'AAPL', side, type: 'market', timeInForce: 'day', qty: dec(2), clientOrderId });
  if (outcome.kind !== 'accepted') throw new Error(`order ${clientOrderId} not accepted`);
  h.sim.core.sync();
  const order = await h.alpaca.broker.getOrder(outcome.order.id);
  if (!order?.filledAvgPrice) throw new Error(`order ${clientOrderId} not filled`);
  return order;
}

/** the safety jobs as the service runs them, over the fake supervisor of the harness */
async function startSafetyJobs() {
  const supervisor = keel.supervisor as FakeSupervisor;
  const jobs = createSafetyJobs({
    db: t.db, clock: h.clock, control: keel.control, pipeline: keel.pipeline, notifier, cron: false,
    warn: (m, e) => { throw e ?? new Error(m); }, broker: () => h.alpaca.broker,
    supervisor: Object.assign(supervisor, {
      trackedTradeIds: () => [] as string[], lastPriceAt: () => null, ensureTracked: async () => [] as string[],
      refreshPrices: async () => undefined, refreshWorkingOrders: async () => undefined, stuckExits: () => [], verifyStops: () => [], brokerProtected: () => new Set<string>(),
    }),
  });
  await jobs.start();
  return jobs;
}

describe('the what-if shows the win-rate verdict', () => {
  it('denies with WIN_RATE_BELOW_MIN while the window is below, and passes while it is waiting or off', async () => {
    await closed([-5, -5, -5, -5]);
    const waiting = await keel.pipeline.evaluateSignal(signal({ symbol: 'AAPL' }));
    expect(waiting.verdicts.find((v) => v.check === 'win-rate')).toMatchObject({ passed: true, denial: null });
    await closed([-5]);
    const below = await keel.pipeline.evaluateSignal(signal({ symbol: 'AAPL' }));
    expect(below.outcome).toBe('would_skip');
    expect(below.denial).toMatchObject({ code: 'WIN_RATE_BELOW_MIN', context: { wins: 0, trades: 5, lookback: 5, minWinRate: 0.5, winRate: 0 } });
    expect(below.verdicts.find((v) => v.check === 'win-rate')?.passed).toBe(false);
    expect((await keel.control.patchConfig({ minWinRate: null }, 'test')).ok).toBe(true);
    const off = await keel.pipeline.evaluateSignal(signal({ symbol: 'AAPL' }));
    expect(off.verdicts.find((v) => v.check === 'win-rate')?.passed).toBe(true);
  });
});
