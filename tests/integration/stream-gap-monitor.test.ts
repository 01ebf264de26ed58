/**
 * The stream-gap monitor with a fake supervisor (its gate and REST confirmation scripted), a
 * ManualClock and real PostgreSQL for the journal: REST confirmation only during a gap, one notice
 * and one journal entry per episode past the threshold, one recovery, nothing outside a watched bot.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listJournal } from '../../src/adapters/postgres/index.js';
import { ManualClock } from '../../src/clock/manual.clock.js';
import { DEFAULT_STREAM_GAP_SETTINGS, StreamGapMonitor, type StreamGapReport } from '../../src/control/safety/stream-gap-monitor.js';
import type { StreamGate } from '../../src/streams/operators/trade-stream-gate.js';
import { FakeSafetyActions } from '../support/fake-safety-actions.js';
import { RecordingNotifier } from '../support/recording-notifier.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

const T0 = Date.parse('2026-11-23T15:00:00Z');

/** the supervisor's gate and protection surface, scripted; each confirmation waits until released */
class GapSupervisor {
  active = true;
  gate: StreamGate = { live: true, phase: 'live', since: T0, openSellSymbols: new Set() };
  tracked: string[] = ['trade-1'];
  confirmations = 0;
  private release: Array<() => void> = [];
  /** confirmations resolve at once unless a test holds them */
  holding = false;

  streamGate(): StreamGate { return this.gate; }
  trackedTradeIds(): string[] { return this.tracked; }
  refreshWorkingOrders(): Promise<void> {
    this.confirmations++;
    return this.holding ? new Promise((resolve) => this.release.push(resolve)) : Promise.resolve();
  }
  releaseAll(): void { for (const r of this.release.splice(0)) r(); }
  down(since: number, phase: StreamGate['phase'] = 'disconnected'): void {
    this.gate = { live: false, phase, since, openSellSymbols: new Set() };
  }
  up(since: number): void {
    this.gate = { live: true, phase: 'live', since, openSellSymbols: new Set() };
  }
}

let t: TestDb;
let clock: ManualClock;
let supervisor: GapSupervisor;
let actions: FakeSafetyActions;
let notifier: RecordingNotifier;
let errors: string[];
let monitor: StreamGapMonitor;

beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });
beforeEach(async () => {
  await t.truncate();
  clock = new ManualClock(T0);
  supervisor = new GapSupervisor();
  actions = new FakeSafetyActions('running');
  notifier = new RecordingNotifier();
  errors = [];
  monitor = new StreamGapMonitor({ db: t.db, clock, notifier, supervisor, actions, onError: (m) => errors.push(m) });
});
afterEach(async () => {
  supervisor.releaseAll();
  await monitor.stop();
  expect(errors).toEqual([]);
});

const gapJournal = async () => (await listJournal(t.db, { kinds: ['warning'] })).filter((e) => e.cause === 'stream_gap');

/** advances the clock by `ms` and runs one check */
async function checkAfter(ms: number): Promise<StreamGapReport> {
  clock.advance(ms);
  const report = await monitor.checkOnce();
  await monitor.confirmationSettled();
  return report;
}

describe('stream-gap monitor: REST confirmation', () => {
  it('confirms the working orders on every check while the stream is down, and never while it is live', async () => {
    expect(await checkAfter(2_000)).toMatchObject({ phase: 'live', watched: false, confirmed: false });
    supervisor.down(clock.now());
    for (let i = 1; i <= 3; i++) expect(await checkAfter(2_000)).toMatchObject({ phase: 'disconnected', watched: true, confirmed: true });
    expect(supervisor.confirmations).toBe(3);
    supervisor.down(clock.now(), 'catching_up');
    expect(await checkAfter(2_000)).toMatchObject({ phase: 'catching_up', confirmed: true });
    supervisor.up(clock.now());
    await checkAfter(2_000);
    await checkAfter(2_000);
    expect(supervisor.confirmations).toBe(4);
  });

  it('confirms nothing when no trade is tracked', async () => {
    supervisor.tracked = [];
    supervisor.down(clock.now());
    expect(await checkAfter(2_000)).toMatchObject({ watched: true, confirmed: false });
    expect(supervisor.confirmations).toBe(0);
  });

  it('starts no second confirmation while one hangs, and still notifies on time', async () => {
    supervisor.holding = true;
    supervisor.down(clock.now());
    expect(await monitor.checkOnce()).toMatchObject({ confirmed: true });
    clock.advance(30_000);
    expect(await monitor.checkOnce()).toMatchObject({ confirmed: false });
    clock.advance(31_000);
    expect(await monitor.checkOnce()).toMatchObject({ confirmed: false, notified: true });
    expect(supervisor.confirmations).toBe(1);
    supervisor.releaseAll();
    await monitor.confirmationSettled();
    clock.advance(2_000);
    expect(await monitor.checkOnce()).toMatchObject({ confirmed: true });
    expect(supervisor.confirmations).toBe(2);
  });
});

describe('stream-gap monitor: notices', () => {
  it('journals and notifies once per episode past the threshold, and the recovery once', async () => {
    const since = clock.now();
    supervisor.down(since);
    for (let elapsed = 2_000; elapsed <= 60_000; elapsed += 2_000) expect(await checkAfter(2_000)).toMatchObject({ notified: false, downSince: since });
    expect(notifier.sent).toEqual([]);
    expect(await gapJournal()).toEqual([]);

    expect(await checkAfter(2_000)).toMatchObject({ notified: true, downSince: since });
    for (let i = 0; i < 5; i++) expect(await checkAfter(2_000)).toMatchObject({ notified: false, confirmed: true });
    expect(notifier.sent).toHaveLength(1);
    expect(notifier.sent[0]).toMatchObject({
      kind: 'stream_down', severity: 'warning', at: since + 62_000, key: `stream_down:${since}`,
      data: { event: 'stream_gap', since, downMs: 62_000, phase: 'disconnected', state: 'running', tracked: 1 },
    });

    supervisor.up(clock.now() + 500);
    expect(await checkAfter(2_000)).toMatchObject({ recovered: true, watched: false });
    expect(await checkAfter(2_000)).toMatchObject({ recovered: false });
    expect(notifier.sent).toHaveLength(2);
    expect(notifier.sent[1]).toMatchObject({ kind: 'stream_down', severity: 'info', key: `stream_down:${since}:recovered`, data: { event: 'stream_gap_recovered', since, downMs: 74_000 } });
    const journal = await gapJournal();
    expect(journal.map((e) => [e.data['event'], e.at])).toEqual([['stream_gap', since + 62_000], ['stream_gap_recovered', since + 74_000]]);
    expect(journal.every((e) => e.kind === 'warning')).toBe(true);
  });

  it('measures the gap from when the gate went down, not from the first check that saw it', async () => {
    supervisor.down(clock.now());
    clock.advance(59_000);
    expect(await monitor.checkOnce()).toMatchObject({ notified: false });
    expect(await checkAfter(2_000)).toMatchObject({ notified: true });
    expect(notifier.sent[0]!.data['downMs']).toBe(61_000);
  });

  it('leaves no trace for a gap shorter than the threshold, and treats the next gap as a new episode', async () => {
    supervisor.down(clock.now());
    await checkAfter(30_000);
    supervisor.up(clock.now());
    expect(await checkAfter(2_000)).toMatchObject({ recovered: false });
    const second = clock.now();
    supervisor.down(second);
    expect(await checkAfter(40_000)).toMatchObject({ downSince: second, notified: false });
    expect(await checkAfter(21_000)).toMatchObject({ downSince: second, notified: true });
    expect(notifier.sent.map((n) => n.key)).toEqual([`stream_down:${second}`]);
    expect((await gapJournal()).map((e) => e.data['event'])).toEqual(['stream_gap']);
  });

  it('still notifies when the journal cannot be written, reports the failure, and does not notify again', async () => {
    const gone = await createTestDb();
    await gone.close();
    monitor = new StreamGapMonitor({ db: gone.db, clock, notifier, supervisor, actions, onError: (m) => errors.push(m) });
    supervisor.down(clock.now());
    expect(await checkAfter(61_000)).toMatchObject({ notified: true });
    expect(await checkAfter(2_000)).toMatchObject({ notified: false });
    expect(notifier.ofKind('stream_down')).toHaveLength(1);
    expect(errors.splice(0)).toEqual(['stream-gap monitor: journaling failed']);
  });

  it('follows the settings it is given', async () => {
    monitor = new StreamGapMonitor({ db: t.db, clock, notifier, supervisor, actions, settings: { notifyAfterMs: 5_000 }, onError: (m) => errors.push(m) });
    expect(monitor.settings).toEqual({ confirmEveryMs: DEFAULT_STREAM_GAP_SETTINGS.confirmEveryMs, notifyAfterMs: 5_000 });
    supervisor.down(clock.now());
    expect(await checkAfter(6_000)).toMatchObject({ notified: true });
  });
});

describe('stream-gap monitor: when it watches', () => {
  it.each(['paused', 'halted'] as const)('watches a %s bot (exits continue)', async (state) => {
    actions.set(state, null);
    supervisor.down(clock.now());
    expect(await checkAfter(61_000)).toMatchObject({ watched: true, confirmed: true, notified: true });
  });

  it('does nothing for a stopped bot or an inactive supervisor, and forgets the episode', async () => {
    supervisor.down(clock.now());
    await checkAfter(2_000);
    actions.set('stopped', null);
    expect(await checkAfter(70_000)).toMatchObject({ watched: false, confirmed: false, notified: false, downSince: null });
    actions.set('running', null);
    supervisor.active = false;
    expect(await checkAfter(2_000)).toMatchObject({ watched: false });
    supervisor.active = true;
    const restarted = clock.now();
    supervisor.down(restarted, 'catching_up');
    expect(await checkAfter(2_000)).toMatchObject({ watched: true, downSince: restarted, notified: false });
    expect(supervisor.confirmations).toBe(2);
    expect(notifier.sent).toEqual([]);
  });

  it('takes the check time as the start of a gap on a gate that never connected', async () => {
    supervisor.gate = { live: false, phase: 'never_connected', since: 0, openSellSymbols: new Set() };
    clock.advance(5_000);
    expect(await monitor.checkOnce()).toMatchObject({ downSince: clock.now() });
  });
});

describe('stream-gap monitor: timer', () => {
  it('checks every confirmEveryMs of the injected clock once started', async () => {
    const reports: StreamGapReport[] = [];
    let next: (r: StreamGapReport) => void = () => undefined;
    monitor = new StreamGapMonitor({
      db: t.db, clock, notifier, supervisor, actions, onError: (m) => errors.push(m),
      onCheck: (r) => { reports.push(r); next(r); },
    });
    const checked = () => new Promise<StreamGapReport>((resolve) => { next = resolve; });
    supervisor.down(clock.now());
    monitor.start();
    clock.advance(1_999);
    expect(reports).toHaveLength(0);
    let report = checked();
    clock.advance(1);
    expect(await report).toMatchObject({ watched: true, confirmed: true });
    await monitor.confirmationSettled();
    report = checked();
    clock.advance(2_000);
    expect(await report).toMatchObject({ confirmed: true });
    expect(supervisor.confirmations).toBe(2);
    await monitor.stop();
    clock.advance(10_000);
    expect(reports).toHaveLength(2);
  });
});
