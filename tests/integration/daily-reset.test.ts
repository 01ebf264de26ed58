/**
 * The daily reset and auto-resume on real PostgreSQL, with fake safety actions, a
 * recording notifier, the NYSE calendar and a manual clock driving the scheduler's timer.
 */
import { nyseSession } from '../../src/control/safety/nyse-session.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import cron from 'node-cron';
import { addToDailyStats, getDailyStats, listJournal } from '../../src/adapters/postgres/index.js';
import { markDailyLossTripped, recordEquity } from '../../src/adapters/postgres/daily-stats.repo.js';
import {
  DAILY_RESET_CRON, DailyResetScheduler, nextResetAt, runDailyReset, type DailyResetResult,
} from '../../src/control/safety/daily-reset.js';
import { ManualClock } from '../../src/clock/manual.clock.js';
import { DEFAULT_BOT_SETTINGS, type BotSettings } from '../../src/domain/bot-config.js';
import { dec } from '../../src/domain/money.js';
import { eventually } from '../support/eventually.js';
import { FakeSafetyActions } from '../support/fake-safety-actions.js';
import { RecordingNotifier } from '../support/recording-notifier.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

const MONDAY = '2026-11-23';
const TUESDAY = '2026-11-24';
const TUE_0800 = '2026-11-24T13:00:00Z';
const TUE_0900 = '2026-11-24T14:00:00Z';
const TUE_1100 = '2026-11-24T16:00:00Z';
const WED_1000 = '2026-11-25T15:00:00Z';
const THANKSGIVING_0900 = '2026-11-26T14:00:00Z';
const FRI_0900 = '2026-11-27T14:00:00Z';

/** the NYSE calendar standing in for the broker's */
const calendarSession = nyseSession;

let t: TestDb;
beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });

let clock: ManualClock;
let actions: FakeSafetyActions;
let notifier: RecordingNotifier;
let settings: BotSettings;
const deps = () => ({ db: t.db, clock, actions, notifier, settings: () => settings, session: calendarSession });
const resetJournal = async () => (await listJournal(t.db, { kinds: ['warning'] })).filter((e) => e.cause === 'daily-reset');

/** Monday ended with the breaker at pause, the loss limit tripped and some trades */
async function badMonday(): Promise<void> {
  const monday = Date.parse('2026-11-23T20:00:00Z');
  await addToDailyStats(t.db, MONDAY, { realizedPnl: dec(-620), tradeCount: 4, roundTripCount: 3 }, monday);
  await recordEquity(t.db, MONDAY, { equity: dec(94_000), drawdownPct: dec(6), level: 'pause' }, monday);
  await markDailyLossTripped(t.db, MONDAY, monday);
}

beforeEach(async () => {
  await t.truncate();
  clock = new ManualClock(TUE_0900);
  actions = new FakeSafetyActions('paused', 'breaker_pause');
  notifier = new RecordingNotifier();
  settings = { ...DEFAULT_BOT_SETTINGS, autoResumeNextDay: true };
  await badMonday();
});

describe('runDailyReset', () => {
  it("starts the new trading date with zero counters and leaves the previous day's row as it was", async () => {
    const result = await runDailyReset(deps());
    expect(result).toMatchObject({ ran: true, date: TUESDAY, rowCreated: true });
    const tuesday = await getDailyStats(t.db, TUESDAY);
    expect(tuesday).toMatchObject({ tradeCount: 0, roundTripCount: 0, breakerLevel: 'none', dailyLossTripped: false, sessionStartEquity: null, maxDrawdownPct: null });
    expect(tuesday?.realizedPnl.toFixed()).toBe('0');
    const monday = await getDailyStats(t.db, MONDAY);
    expect(monday).toMatchObject({ tradeCount: 4, breakerLevel: 'pause', dailyLossTripped: true });
    expect(monday?.realizedPnl.toFixed()).toBe('-620');
    expect(await resetJournal()).toMatchObject([{ subject: `daily-reset:${TUESDAY}`, data: { event: 'daily_reset', date: TUESDAY, rowCreated: true } }]);
  });

  it('auto-resumes a bot the breaker paused on an earlier date, and says so', async () => {
    expect(await runDailyReset(deps())).toMatchObject({ ran: true, resumed: true });
    expect(actions.calls).toEqual([{ action: 'resume', cause: 'daily-reset' }]);
    expect(actions.state).toBe('running');
    expect(notifier.sent).toMatchObject([{ kind: 'breaker_level', severity: 'info', key: `breaker_level:${TUESDAY}:auto_resume` }]);
    expect((await resetJournal())[0]?.data).toMatchObject({ resumed: true, reason: 'breaker_pause' });
  });

  it('auto-resumes a bot the daily loss limit paused on an earlier date', async () => {
    actions.set('paused', 'daily_loss');
    expect(await runDailyReset(deps())).toMatchObject({ resumed: true });
    expect(actions.state).toBe('running');
  });

  it('never resumes a halted bot', async () => {
    actions.set('halted', 'breaker_halt');
    expect(await runDailyReset(deps())).toMatchObject({ ran: true, resumed: false });
    expect(actions.calls).toEqual([]);
    expect(actions.state).toBe('halted');
    expect(notifier.sent).toEqual([]);
  });

  it("never resumes the trader's own pause (or any pause that is not the breaker's or the loss limit's)", async () => {
    for (const reason of ['manual', 'watchdog', null] as const) {
      await t.truncate();
      actions.set('paused', reason);
      expect(await runDailyReset(deps())).toMatchObject({ ran: true, resumed: false });
    }
    expect(actions.calls).toEqual([]);
  });

  it('keeps the bot paused when autoResumeNextDay is off', async () => {
    settings = { ...settings, autoResumeNextDay: false };
    expect(await runDailyReset(deps())).toMatchObject({ ran: true, resumed: false, note: expect.stringContaining('autoResumeNextDay is off') });
    expect(actions.state).toBe('paused');
    expect(actions.calls).toEqual([]);
  });

  it("keeps today's pause: a breaker or loss limit tripped pre-market today is not from an earlier date", async () => {
    await recordEquity(t.db, TUESDAY, { equity: dec(90_000), drawdownPct: dec('5.5'), level: 'pause' }, Date.parse(TUE_0800));
    expect(await runDailyReset(deps())).toMatchObject({ ran: true, rowCreated: false, resumed: false });
    await t.truncate();
    await markDailyLossTripped(t.db, TUESDAY, Date.parse(TUE_0800));
    actions.set('paused', 'daily_loss');
    expect(await runDailyReset(deps())).toMatchObject({ resumed: false });
    expect(actions.calls).toEqual([]);
    expect((await getDailyStats(t.db, TUESDAY))?.dailyLossTripped).toBe(true); // never cleared
  });

  it("keeps a row today's session already started (pre-market warn and anchor) and still resumes", async () => {
    await recordEquity(t.db, TUESDAY, { equity: dec(96_500), drawdownPct: dec('3.5'), level: 'warn' }, Date.parse(TUE_0800));
    expect(await runDailyReset(deps())).toMatchObject({ ran: true, rowCreated: false, resumed: true });
    expect(await getDailyStats(t.db, TUESDAY)).toMatchObject({ breakerLevel: 'warn' });
  });

  it('does nothing on a holiday', async () => {
    clock = new ManualClock(THANKSGIVING_0900);
    expect(await runDailyReset(deps())).toEqual({ ran: false, date: null, why: 'not_a_trading_day' });
    expect(await getDailyStats(t.db, '2026-11-26')).toBeNull();
    expect(actions.calls).toEqual([]);
    expect(await resetJournal()).toEqual([]);
  });

  it('is idempotent: a second run for the same date does nothing', async () => {
    await runDailyReset(deps());
    actions.set('paused', 'breaker_pause');
    expect(await runDailyReset(deps())).toEqual({ ran: false, date: TUESDAY, why: 'already_done' });
    expect(actions.calls).toHaveLength(1);
    expect(await resetJournal()).toHaveLength(1);
  });

  it('is retried whole when it failed half-way (the journal mark is written last)', async () => {
    actions.failNext = new Error('persist failed');
    await expect(runDailyReset(deps())).rejects.toThrow('persist failed');
    expect(await resetJournal()).toEqual([]);
    expect(await runDailyReset(deps())).toMatchObject({ ran: true, rowCreated: false, resumed: true });
  });
});

describe('DailyResetScheduler', () => {
  let scheduler: DailyResetScheduler | null = null;
  let results: DailyResetResult[];
  let waiting: ((r: DailyResetResult) => void) | null;
  const nextRun = () => new Promise<DailyResetResult>((resolve) => { waiting = resolve; });
  const schedule = (extra: { cron?: boolean } = {}) => {
    scheduler = new DailyResetScheduler({
      ...deps(), cron: false, ...extra,
      onError: (message, error) => { throw new Error(`${message}: ${String(error)}`); },
      onRun: (r) => { results.push(r); waiting?.(r); },
    });
    return scheduler;
  };

  beforeEach(() => { results = []; waiting = null; });
  afterEach(async () => { await scheduler?.stop(); scheduler = null; });

  it('runs at 09:00 America/New_York on the injected clock', async () => {
    clock = new ManualClock(TUE_0800);
    await schedule().start();
    expect(results).toEqual([]);
    const ran = nextRun();
    clock.set(TUE_0900);
    expect(await ran).toMatchObject({ ran: true, date: TUESDAY, resumed: true });
  });

  it('catches up at start when Keel boots after 09:00 on a trading day, once', async () => {
    clock = new ManualClock(TUE_1100);
    await schedule().start();
    expect(results).toMatchObject([{ ran: true, date: TUESDAY, resumed: true }]);
    await scheduler!.stop();
    // a second boot the same day finds it done
    actions.set('paused', 'breaker_pause');
    await schedule().start();
    expect(results[1]).toEqual({ ran: false, date: TUESDAY, why: 'already_done' });
    expect(actions.state).toBe('paused');
  });

  it('does not run at start before 09:00', async () => {
    clock = new ManualClock(TUE_0800);
    await schedule().start();
    expect(results).toEqual([]);
    expect(await getDailyStats(t.db, TUESDAY)).toBeNull();
  });

  it('skips the holiday and runs on the next trading day', async () => {
    clock = new ManualClock(WED_1000);
    await schedule().start();
    expect(results).toMatchObject([{ ran: true, date: '2026-11-25' }]);
    let ran = nextRun();
    clock.set(THANKSGIVING_0900);
    expect(await ran).toEqual({ ran: false, date: null, why: 'not_a_trading_day' });
    await eventually(async () => { if (clock.pending !== 1) throw new Error('next timer not set yet'); });
    ran = nextRun();
    clock.set(FRI_0900);
    expect(await ran).toMatchObject({ ran: true, date: '2026-11-27' });
  });

  it('serializes runs: the cron and the timer firing together reset once', async () => {
    const s = schedule();
    const both = await Promise.all([s.runNow(), s.runNow()]);
    expect(both.map((r) => r.ran)).toEqual([true, false]);
    expect(actions.calls).toHaveLength(1);
  });

  it('schedules a valid Mon–Fri 09:00 cron job and stops it', async () => {
    expect(DAILY_RESET_CRON).toBe('0 9 * * 1-5');
    expect(cron.validate(DAILY_RESET_CRON)).toBe(true);
    clock = new ManualClock(TUE_0800);
    const s = schedule({ cron: true });
    await s.start();
    await s.stop();
    expect(clock.pending).toBe(0);
  });

  it('computes the next 09:00 ET across DST and day boundaries', () => {
    expect(nextResetAt(Date.parse(TUE_0800))).toBe(Date.parse(TUE_0900));
    expect(nextResetAt(Date.parse(TUE_0900))).toBe(Date.parse('2026-11-25T14:00:00Z'));
    // the day of the DST switch (Sun 2026-03-08): 09:00 EDT is 13:00Z, not 14:00Z
    expect(nextResetAt(Date.parse('2026-03-08T05:00:00Z'))).toBe(Date.parse('2026-03-08T13:00:00Z'));
    expect(nextResetAt(Date.parse('2026-03-08T14:00:00Z'))).toBe(Date.parse('2026-03-09T13:00:00Z'));
  });
});
