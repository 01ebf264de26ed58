/**
 * The equity snapshot job over the real control, the pipeline's account cache and the simulated
 * exchange, on real PostgreSQL, in virtual time (the sim's ManualClock): a minute row each minute
 * while the market is open and the bot is running or paused, none otherwise, one closing row a minute
 * after the bell that a restart does not duplicate, the mode recorded, and a broker fault that writes
 * nothing and stops nothing.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { firstValueFrom, Subject } from 'rxjs';
import { listEquitySnapshots } from '../../src/adapters/postgres/equity-snapshot.repo.js';
import { insertTrade } from '../../src/adapters/postgres/index.js';
import { createAlpacaAdapters } from '../../src/adapters/alpaca/index.js';
import { resolveAlpacaUrls } from '../../src/adapters/alpaca/urls.js';
import { ManualClock } from '../../src/clock/manual.clock.js';
import { EquitySnapshotJob, type EquitySnapshotJobDeps, type SnapshotOutcome } from '../../src/control/jobs/equity-snapshot-job.js';
import { AccountCache } from '../../src/control/pipeline/account-cache.js';
import { dec } from '../../src/domain/money.js';
import { FakeSupervisor, startPipelineHarness, type Keel, type PipelineHarness } from '../support/pipeline-harness.js';
import { SESSION_OPEN } from '../support/sim-harness.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

const MINUTE = 60_000;
/** Monday 2026-11-23 15:59 New York: one minute before the bell */
const BEFORE_BELL = '2026-11-23T20:59:00Z';
/** the same Monday 09:00 New York: before the open */
const PRE_MARKET = '2026-11-23T14:00:00Z';

let t: TestDb;
let h: PipelineHarness | null = null;
let supervisor: FakeSupervisor;
let jobs: EquitySnapshotJob[] = [];
let warnings: string[] = [];
const ticks = new Subject<SnapshotOutcome>();

beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });
beforeEach(async () => {
  await t.truncate();
  supervisor = new FakeSupervisor();
  warnings = [];
});
afterEach(async () => {
  for (const job of jobs) await job.stop();
  jobs = [];
  await h?.close();
  h = null;
});

async function harnessAt(start: string): Promise<PipelineHarness> {
  h = await startPipelineHarness(t, () => supervisor, start);
  return h;
}

function startJob(harness: PipelineHarness, keel: Keel, account: EquitySnapshotJobDeps['account'] = keel.pipeline.account): EquitySnapshotJob {
  const job = new EquitySnapshotJob({
    db: t.db, clock: harness.clock, status: () => keel.control.status(), account, supervisor,
    warn: (message) => { warnings.push(message); }, onTick: (o) => ticks.next(o),
  });
  job.start();
  jobs.push(job);
  return job;
}

/** advances the clock to the next minute boundary and resolves with that tick's outcome */
async function nextMinute(harness: PipelineHarness): Promise<SnapshotOutcome> {
  const tick = firstValueFrom(ticks);
  harness.clock.advance(MINUTE - (harness.clock.now() % MINUTE));
  return tick;
}

async function bootRunning(harness: PipelineHarness): Promise<Keel> {
  const keel = await harness.boot();
  expect((await keel.control.act('start', 'test')).ok).toBe(true);
  return keel;
}

const rows = (mode: 'paper' | 'live' = 'paper') => listEquitySnapshots(t.db, { mode });

describe('equity snapshots while the market is open', () => {
  it('writes a minute row every minute while the bot is running or paused, with the account, the P&L and the mode', async () => {
    const harness = await harnessAt(SESSION_OPEN);
    const keel = await bootRunning(harness);
    supervisor.unrealized = dec('12.5');
    startJob(harness, keel);
    const start = harness.clock.now();

    expect(await nextMinute(harness)).toMatchObject({ kind: 'minute', sessionDate: '2026-11-23', written: true });
    expect(await nextMinute(harness)).toMatchObject({ kind: 'minute', written: true });
    expect((await keel.control.act('pause', 'test')).ok).toBe(true);
    expect(await nextMinute(harness)).toMatchObject({ kind: 'minute', written: true });

    const account = await harness.alpaca.broker.getAccount();
    const stored = await rows();
    expect(stored.map((r) => r.at)).toEqual([start + MINUTE, start + 2 * MINUTE, start + 3 * MINUTE]);
    for (const r of stored) {
      expect(r).toMatchObject({ mode: 'paper', kind: 'minute', sessionDate: '2026-11-23', openPositions: 0 });
      expect(r.equity.toFixed()).toBe(account.equity.toFixed());
      expect(r.cash.toFixed()).toBe(account.cash.toFixed());
      expect(r.longMarketValue.toFixed()).toBe(account.longMarketValue?.toFixed());
      expect(r.unrealizedPnl.toFixed()).toBe('12.5');
      expect(r.realizedPnlToday.toFixed()).toBe('0');
    }
    expect(await rows('live')).toEqual([]);
  });

  it('writes nothing while the bot is stopped or halted', async () => {
    const harness = await harnessAt(SESSION_OPEN);
    const keel = await harness.boot();
    startJob(harness, keel);
    expect(await nextMinute(harness)).toEqual({ kind: 'skipped', why: 'bot_not_trading' });
    expect((await keel.control.halt('test halt', 'test')).ok).toBe(true);
    expect(await nextMinute(harness)).toEqual({ kind: 'skipped', why: 'bot_not_trading' });
    expect(await rows()).toEqual([]);
  });

  it('writes nothing before the open, even with the bot running', async () => {
    const harness = await harnessAt(PRE_MARKET);
    const keel = await bootRunning(harness);
    startJob(harness, keel);
    expect(await nextMinute(harness)).toEqual({ kind: 'skipped', why: 'market_closed' });
    expect(await rows()).toEqual([]);
  });

  it('records the trading mode the bot is in', async () => {
    const harness = await harnessAt(SESSION_OPEN);
    const keel = await harness.boot();
    expect((await keel.control.setMode('live', 'live', 'test')).ok).toBe(true);
    expect((await keel.control.act('start', 'test')).ok).toBe(true);
    startJob(harness, keel);
    expect(await nextMinute(harness)).toMatchObject({ kind: 'minute', written: true });
    expect((await rows('live')).map((r) => r.mode)).toEqual(['live']);
    expect(await rows('paper')).toEqual([]);
  });

  it('writes no row when the account read fails, says so, keeps running and writes again once the broker answers', async () => {
    const harness = await harnessAt(SESSION_OPEN);
    const keel = await bootRunning(harness);
    // the same account cache over a REST adapter whose retry backoff runs on an auto-advancing clock,
    // so the read gives up at once instead of waiting on the test's clock
    const rest = createAlpacaAdapters(resolveAlpacaUrls({
      ALPACA_PAPER_URL: harness.sim.server.tradingUrl, ALPACA_DATA_URL: harness.sim.server.dataUrl, ALPACA_API_KEY: 'PKSIMKEY', ALPACA_API_SECRET: 'sim-secret',
    }, 'paper'), { clock: new ManualClock(SESSION_OPEN, true), random: () => 0.5, timeoutClock: new ManualClock(SESSION_OPEN) });
    const account = new AccountCache({ clock: harness.clock, broker: () => rest.broker });
    startJob(harness, keel, account);
    harness.sim.server.faults.failNext({ method: 'GET', path: '/v2/account' }, { kind: 'status', status: 500 }, 1_000);

    expect(await nextMinute(harness)).toEqual({ kind: 'failed', row: 'minute', reason: 'the account read failed' });
    expect(warnings).toContain('equity snapshot (minute) not written: the account read failed');
    expect(await rows()).toEqual([]);
    expect(harness.sim.server.faults.requests.filter((r) => r.path === '/v2/account' && r.status === 500).length).toBeGreaterThan(0);

    harness.sim.server.faults.clearTransport();
    expect(await nextMinute(harness)).toMatchObject({ kind: 'minute', written: true });
    expect(await rows()).toHaveLength(1);
  });
});

describe('the closing row', () => {
  it('is written once, a minute after the bell, whatever the bot state, and a restart does not write a second', async () => {
    const harness = await harnessAt(BEFORE_BELL);
    const keel = await bootRunning(harness);
    const first = startJob(harness, keel);
    expect(await nextMinute(harness)).toEqual({ kind: 'skipped', why: 'market_closed' }); // 16:00, the bell
    expect((await keel.control.act('stop', 'test')).ok).toBe(true);
    expect(await nextMinute(harness)).toMatchObject({ kind: 'close', sessionDate: '2026-11-23', written: true }); // 16:01
    expect(await nextMinute(harness)).toEqual({ kind: 'skipped', why: 'close_done' });

    // a restart: a new job with no memory of the close finds the stored row and keeps it
    await first.stop();
    startJob(harness, keel);
    expect(await nextMinute(harness)).toMatchObject({ kind: 'close', written: false });

    const closes = await rows();
    expect(closes).toHaveLength(1);
    expect(closes[0]).toMatchObject({ kind: 'close', mode: 'paper', sessionDate: '2026-11-23', at: Date.parse('2026-11-23T21:01:00Z') });
  });

  it('is not written while the bot is stopped with a position open (its unrealized P&L is unknown): warned once, tried each minute', async () => {
    const harness = await harnessAt(BEFORE_BELL);
    const keel = await harness.boot();
    await insertTrade(t.db, { symbol: 'AAPL', side: 'buy', status: 'open', shares: dec(1), entryPrice: dec(230) }, harness.clock.now());
    startJob(harness, keel);
    await nextMinute(harness); // the bell
    const reason = 'unrealized P&L of the 1 open position(s) is unknown (no position actor watches them)';
    expect(await nextMinute(harness)).toEqual({ kind: 'failed', row: 'close', reason });
    expect(await nextMinute(harness)).toEqual({ kind: 'failed', row: 'close', reason });
    expect(warnings).toEqual([`equity snapshot (close) not written: ${reason}`]);
    expect(await rows()).toEqual([]);
  });
});
