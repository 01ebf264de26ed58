/**
 * Session-anchored circuit breakers and the daily loss limit on real PostgreSQL,
 * with fake safety actions, a recording notifier, the NYSE calendar and a manual clock.
 */
import { nyseSession } from '../../src/control/safety/nyse-session.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addToDailyStats, getDailyStats, listJournal } from '../../src/adapters/postgres/index.js';
import { BreakerMonitor, type EquitySample } from '../../src/control/safety/breaker-monitor.js';
import { ManualClock } from '../../src/clock/manual.clock.js';
import { DEFAULT_BOT_SETTINGS, type BotSettings } from '../../src/domain/bot-config.js';
import { dec } from '../../src/domain/money.js';
import { FakeSafetyActions } from '../support/fake-safety-actions.js';
import { RecordingNotifier } from '../support/recording-notifier.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

const DAY = '2026-11-23'; // a Monday
const OPEN_10AM = '2026-11-23T15:00:00Z'; // 10:00 ET
const PRE_MARKET_8AM = '2026-11-23T13:00:00Z';
const THANKSGIVING_NOON = '2026-11-26T17:00:00Z';

/** the NYSE calendar standing in for the broker's */
const calendarSession = nyseSession;

let t: TestDb;
beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });

let clock: ManualClock;
let actions: FakeSafetyActions;
let notifier: RecordingNotifier;
let settings: BotSettings;
const monitor = () => new BreakerMonitor({ db: t.db, clock, actions, notifier, settings: () => settings, session: calendarSession });
/** equity against a previous close of 100,000 */
const sample = (equity: number | string, more: Partial<EquitySample> = {}): EquitySample =>
  ({ equity: dec(equity), lastEquity: dec(100_000), unrealizedPnl: dec(0), ...more });
const breakerJournal = async () => (await listJournal(t.db, { kinds: ['warning'] })).map((e) => e.data);

beforeEach(async () => {
  await t.truncate();
  clock = new ManualClock(OPEN_10AM);
  actions = new FakeSafetyActions('running');
  notifier = new RecordingNotifier();
  settings = { ...DEFAULT_BOT_SETTINGS }; // warn 3%, pause 5%, halt 10%, loss limit $500
});

describe('circuit breaker levels from equity moves', () => {
  it('warns at 3%: journals and notifies, and the bot keeps running', async () => {
    const m = monitor();
    expect(await m.observe(sample(97_500))).toMatchObject({ date: DAY, level: 'none', raised: null });
    const o = await m.observe(sample(97_000));
    expect(o).toMatchObject({ date: DAY, level: 'warn', raised: 'warn' });
    expect(o?.drawdownPct?.toFixed()).toBe('3');
    expect(actions.calls).toEqual([]);
    expect(notifier.sent).toMatchObject([{ kind: 'breaker_level', severity: 'warning', key: `breaker_level:${DAY}:warn`, data: { level: 'warn' } }]);
    expect(await breakerJournal()).toMatchObject([{ event: 'breaker_level', level: 'warn', previousLevel: 'none', drawdownPct: '3', equity: '97000' }]);
    const stats = await getDailyStats(t.db, DAY);
    expect(stats).toMatchObject({ breakerLevel: 'warn' });
    expect(stats?.lastEquity?.toFixed()).toBe('97000');
    expect(stats?.maxDrawdownPct?.toFixed()).toBe('3');
  });

  it('pauses at 5% with reason breaker_pause, then halts at 10% with reason breaker_halt', async () => {
    const m = monitor();
    await m.observe(sample(95_000));
    expect(actions.actions()).toEqual(['pause:breaker_pause']);
    expect(actions.state).toBe('paused');
    await m.observe(sample(90_000));
    expect(actions.actions()).toEqual(['pause:breaker_pause', 'halt:breaker_halt']);
    expect(actions).toMatchObject({ state: 'halted', reason: 'breaker_halt' });
    expect(notifier.sent.map((n) => [n.kind, n.data.level, n.severity])).toEqual([
      ['breaker_level', 'pause', 'critical'], ['breaker_level', 'halt', 'critical'],
    ]);
    expect((await getDailyStats(t.db, DAY))?.breakerLevel).toBe('halt');
  });

  it('only escalates: a recovery keeps the level, and reaching a level again does nothing', async () => {
    const m = monitor();
    await m.observe(sample(96_500));
    await m.observe(sample(99_900));
    const back = await m.observe(sample(96_000));
    expect(back).toMatchObject({ level: 'warn', raised: null });
    expect(notifier.sent).toHaveLength(1);
    expect(await breakerJournal()).toHaveLength(1);
    expect((await getDailyStats(t.db, DAY))?.maxDrawdownPct?.toFixed()).toBe('4');
  });

  it('a drop straight past the halt threshold halts once, without a pause or a warn first (halt beats pause)', async () => {
    await monitor().observe(sample(85_000));
    expect(actions.actions()).toEqual(['halt:breaker_halt']);
    expect(notifier.sent.map((n) => n.data.level)).toEqual(['halt']);
  });

  it('halts a paused bot whatever paused it, and never pauses a halted or stopped one', async () => {
    actions.set('paused', 'manual');
    const m = monitor();
    await m.observe(sample(94_000));
    expect(actions.calls).toEqual([]);
    expect(actions).toMatchObject({ state: 'paused', reason: 'manual' }); // the trader's pause stays the trader's
    await m.observe(sample(89_000));
    expect(actions.actions()).toEqual(['halt:breaker_halt']);

    await t.truncate();
    const halted = new FakeSafetyActions('halted', 'kill_switch');
    await new BreakerMonitor({ db: t.db, clock, actions: halted, notifier, settings: () => settings, session: calendarSession }).observe(sample(80_000));
    expect(halted.calls).toEqual([]);

    await t.truncate();
    const stopped = new FakeSafetyActions('stopped');
    const m2 = new BreakerMonitor({ db: t.db, clock, actions: stopped, notifier, settings: () => settings, session: calendarSession });
    await m2.observe(sample(94_000));
    expect(stopped.calls).toEqual([]);
    await m2.observe(sample(89_000));
    expect(stopped.actions()).toEqual(['halt:breaker_halt']);
  });

  it('serializes observations: fired together, they act in call order, each level once', async () => {
    const m = monitor();
    await Promise.all([97_000, 95_000, 96_000, 90_000, 92_000].map((e) => m.observe(sample(e))));
    expect(notifier.sent.map((n) => n.data.level)).toEqual(['warn', 'pause', 'halt']);
    expect(actions.actions()).toEqual(['pause:breaker_pause', 'halt:breaker_halt']);
    expect((await getDailyStats(t.db, DAY))?.lastEquity?.toFixed()).toBe('92000');
  });

  it('retries a pause that failed on the next observation, without notifying twice', async () => {
    const m = monitor();
    actions.failNext = new Error('database unavailable');
    await m.observe(sample(95_000));
    expect(actions.state).toBe('running');
    expect((await getDailyStats(t.db, DAY))?.breakerLevel).toBe('pause'); // the gateway already denies entries
    expect((await breakerJournal()).map((d) => d.event)).toEqual(['breaker_action_failed', 'breaker_level']);
    await m.observe(sample(95_100));
    expect(actions).toMatchObject({ state: 'paused', reason: 'breaker_pause' });
    expect(actions.actions()).toEqual(['pause:breaker_pause', 'pause:breaker_pause']);
    expect(notifier.sent).toHaveLength(1);
  });

  it('reads the latest settings on every observation', async () => {
    const m = monitor();
    await m.observe(sample(98_000));
    settings = { ...settings, circuitBreakerWarnPct: 1, circuitBreakerPausePct: 2 };
    await m.observe(sample(98_000));
    expect(actions.actions()).toEqual(['pause:breaker_pause']);
  });
});

describe('the session anchor', () => {
  it("anchors on the account's last_equity (the previous close), even before the open", async () => {
    clock = new ManualClock(PRE_MARKET_8AM);
    const o = await monitor().observe(sample(99_000, { lastEquity: dec('100000.25') }));
    expect(o?.sessionStartEquity?.toFixed()).toBe('100000.25');
    expect((await getDailyStats(t.db, DAY))?.sessionStartEquity?.toFixed()).toBe('100000.25');
  });

  it('never moves the anchor once set, even for a restarted monitor with another last_equity', async () => {
    await monitor().observe(sample(100_000));
    const o = await monitor().observe(sample(94_000, { lastEquity: dec(94_000) }));
    expect(o?.sessionStartEquity?.toFixed()).toBe('100000');
    expect(o?.level).toBe('pause');
  });

  it('without last_equity: nothing before the open, then the first equity observed in the session', async () => {
    clock = new ManualClock(PRE_MARKET_8AM);
    const m = monitor();
    const pre = await m.observe(sample(50_000, { lastEquity: null }));
    expect(pre).toMatchObject({ sessionStartEquity: null, drawdownPct: null, level: 'none' });
    clock.set(OPEN_10AM);
    const first = await m.observe(sample(80_000, { lastEquity: null }));
    expect(first?.sessionStartEquity?.toFixed()).toBe('80000');
    const later = await m.observe(sample(76_000, { lastEquity: null }));
    expect(later).toMatchObject({ level: 'pause', raised: 'pause' });
  });

  it('does nothing on a date that is not a trading day (Thanksgiving)', async () => {
    clock.set(THANKSGIVING_NOON);
    expect(await monitor().observe(sample(50_000))).toBeNull();
    expect(await getDailyStats(t.db, '2026-11-26')).toBeNull();
    expect(actions.calls).toEqual([]);
    expect(notifier.sent).toEqual([]);
  });

  it('refuses a non-finite equity instead of storing it', async () => {
    await expect(monitor().observe(sample(NaN))).rejects.toThrow(RangeError);
    expect(await getDailyStats(t.db, DAY)).toBeNull();
  });
});

describe('the daily loss limit', () => {
  it('pauses with reason daily_loss when realized + unrealized reaches the limit, once', async () => {
    await addToDailyStats(t.db, DAY, { realizedPnl: dec(-350), tradeCount: 2 }, clock.now());
    const m = monitor();
    expect(await m.observe(sample(99_800, { unrealizedPnl: dec('-149.99') }))).toMatchObject({ lossTripped: false, dailyLossTripped: false });
    const o = await m.observe(sample(99_700, { unrealizedPnl: dec(-150) }));
    expect(o).toMatchObject({ lossTripped: true, dailyLossTripped: true, level: 'none' });
    expect(actions).toMatchObject({ state: 'paused', reason: 'daily_loss' });
    expect(notifier.sent).toMatchObject([{ kind: 'daily_loss_limit', key: `daily_loss_limit:${DAY}`, data: { todayPnl: '-500', limit: '500' } }]);
    expect(await breakerJournal()).toMatchObject([{ event: 'daily_loss_limit', realizedPnl: '-350', unrealizedPnl: '-150' }]);
    await m.observe(sample(99_000, { unrealizedPnl: dec(-900) }));
    expect(actions.calls).toHaveLength(1);
    expect(notifier.sent).toHaveLength(1);
  });

  it('survives a restart: a new monitor on the same database finds it tripped and neither pauses again nor notifies', async () => {
    await addToDailyStats(t.db, DAY, { realizedPnl: dec(-600) }, clock.now());
    await monitor().observe(sample(99_400));
    expect(actions.actions()).toEqual(['pause:daily_loss']);
    actions.set('running', 'manual'); // the trader resumed
    clock.advance(60_000);
    const o = await monitor().observe(sample(99_300)); // "restarted" Keel
    expect(o).toMatchObject({ dailyLossTripped: true, lossTripped: false });
    expect(actions.actions()).toEqual(['pause:daily_loss']);
    expect(actions.state).toBe('running');
    expect(notifier.kinds()).toEqual(['daily_loss_limit']);
    expect((await getDailyStats(t.db, DAY))?.dailyLossTripped).toBe(true);
  });

  it('a breaker level survives a restart too: no second pause for it, but a higher level still halts', async () => {
    await monitor().observe(sample(94_000));
    actions.set('running', 'manual');
    const restarted = monitor();
    await restarted.observe(sample(94_500));
    expect(actions.actions()).toEqual(['pause:breaker_pause']);
    expect(notifier.sent).toHaveLength(1);
    await restarted.observe(sample(89_500));
    expect(actions.actions()).toEqual(['pause:breaker_pause', 'halt:breaker_halt']);
  });

  it('a halt in the same observation beats the loss pause', async () => {
    await addToDailyStats(t.db, DAY, { realizedPnl: dec(-400) }, clock.now());
    const o = await monitor().observe(sample(89_000, { unrealizedPnl: dec(-200) }));
    expect(o).toMatchObject({ raised: 'halt', lossTripped: true });
    expect(actions.actions()).toEqual(['halt:breaker_halt']);
    expect(notifier.kinds()).toEqual(['breaker_level', 'daily_loss_limit']);
    expect((await breakerJournal()).find((d) => d.event === 'daily_loss_limit')).toMatchObject({ outcome: expect.stringContaining('halted') });
  });

  it('treats an unknown unrealized P&L as 0', async () => {
    await addToDailyStats(t.db, DAY, { realizedPnl: dec(-500) }, clock.now());
    expect(await monitor().observe(sample(99_500, { unrealizedPnl: null }))).toMatchObject({ lossTripped: true });
  });
});
