/**
 * A kill switch outside market hours queues its flatten for the open; the trader acknowledges the
 * halt before the open. Real PostgreSQL, the real position supervisor, the simulated exchange
 * through the real Alpaca adapter, one ManualClock. Start is refused while the flatten is queued
 * (it would exit positions opened after the restart too); the trader either lets it run at the
 * open, or cancels it and starts.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { filter, firstValueFrom } from 'rxjs';
import { getFlattenQueue, getTrade, listJournal } from '../../src/adapters/postgres/index.js';
import { runQueuedFlatten } from '../../src/control/kill-switch/flatten.js';
import { PipelineRuntime } from '../../src/control/pipeline/pipeline-runtime.js';
import type { BotSettings } from '../../src/domain/bot-config.js';
import type { Trade } from '../../src/domain/trade.js';
import { decide, realSupervisor, signal, startPipelineHarness, TEST_SETTINGS, type Keel, type PipelineHarness } from '../support/pipeline-harness.js';
import { eventually } from '../support/eventually.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

const PRE_MARKET = '2026-11-24T13:00:00Z'; // Tuesday 08:00 New York
const OPEN = '2026-11-24T14:30:00Z'; // Tuesday 09:30 New York
// the price path overnight must not fire an exit rule: only the kill switch may close
const OVERNIGHT: Partial<BotSettings> = { ...TEST_SETTINGS, hardStopLossPct: 99, profitTargetPct: 100, maxHoldDurationSec: 7 * 86_400 };

let t: TestDb;
let h: PipelineHarness | null = null;
let keel: Keel;

beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });
afterEach(async () => { await h?.close(); h = null; });

async function bootRunning(): Promise<PipelineHarness> {
  await t.truncate();
  const harness = await startPipelineHarness(t, realSupervisor);
  h = harness;
  keel = await harness.boot({ settings: OVERNIGHT });
  const started = keel.applied('start');
  expect((await keel.control.act('start', 'test')).ok).toBe(true);
  await started;
  await keel.streamLive();
  return harness;
}

/**
 * posts a signal and waits until its trade is open and its symbol's prices are watched. After the
 * clock jumped (overnight) the account snapshot is stale until the read the first ask starts has
 * finished: BUYING_POWER_UNKNOWN is retried with a new signal id, any other answer is final.
 */
async function openBySignal(harness: PipelineHarness, symbol: string): Promise<Trade> {
  const watching = firstValueFrom(harness.alpaca.marketDataStream.events$.pipe(filter((e) => e.type === 'subscription' && e.subscription.trades.includes(symbol))));
  let attempt = 0;
  const { id, answer } = await eventually(async () => {
    const id = `sig-${symbol}-${++attempt}`;
    const answer = await decide(keel.pipeline, signal({ id, symbol }));
    if (answer.outcome === 'skipped' && answer.reason === 'BUYING_POWER_UNKNOWN') throw new Error('no fresh account snapshot yet');
    return { id, answer };
  });
  expect(answer).toMatchObject({ outcome: 'fired' });
  const tradeId = (await keel.pipeline.getSignal(id))!.tradeId!;
  await keel.position('opened', (e) => e.tradeId === tradeId);
  await watching;
  return (await getTrade(t.db, tradeId))!;
}

/** an open AAPL trade, the bot stopped before the close, the kill switch pressed pre-market: queued */
async function queuedOvernight(harness: PipelineHarness): Promise<Trade> {
  const aapl = await openBySignal(harness, 'AAPL');
  const stopped = keel.applied('stop');
  expect((await keel.control.act('stop', 'test')).ok).toBe(true);
  await stopped;
  harness.clock.set(PRE_MARKET);
  expect(await keel.pipeline.emergencyStop({ closePositions: true }, 'api')).toMatchObject({ flatten: 'queued_for_open', state: 'halted' });
  expect((await keel.control.act('acknowledge-halt', 'test')).ok).toBe(true);
  return aapl;
}

const runtime = (harness: PipelineHarness) => new PipelineRuntime({
  db: t.db, clock: harness.clock, control: keel.control, supervisor: keel.supervisor,
  broker: () => harness.alpaca.broker, marketData: () => harness.alpaca.marketData,
});

describe('kill switch flatten queued for the open, halt acknowledged before it', () => {
  it('refuses start until the flatten ran at the open; then the bot starts with nothing left to exit', async () => {
    const harness = await bootRunning();
    const aapl = await queuedOvernight(harness);

    const refused = await keel.control.act('start', 'api: POST /api/bot/start');
    expect(!refused.ok && refused.error).toMatchObject({ code: 'FLATTEN_QUEUED', details: { flattenQueuedAt: Date.parse(PRE_MARKET) } });
    expect(await keel.control.status()).toMatchObject({ state: 'stopped', flattenQueuedAt: Date.parse(PRE_MARKET), allowedActions: [] });

    harness.clock.set(OPEN);
    expect(await runQueuedFlatten(runtime(harness), 'session-open')).toMatchObject({ flatten: 'done', closed: [aapl.id], left: [] });
    expect(await getTrade(t.db, aapl.id)).toMatchObject({ status: 'closed', exitReason: 'kill_switch' });

    expect(await keel.control.status()).toMatchObject({ flattenQueuedAt: null, allowedActions: ['start'] });
    const started = await keel.control.act('start', 'test');
    expect(started.ok && started.value.state).toBe('running');
  });

  it('once cancelled, the open exits nothing: the kept position and one opened after the start stay open', async () => {
    const harness = await bootRunning();
    const aapl = await queuedOvernight(harness);

    const cancelled = await keel.control.cancelQueuedFlatten('api: DELETE /api/bot/flatten-queue', 'keeping AAPL');
    expect(cancelled.ok && cancelled.value).toMatchObject({ queuedAt: Date.parse(PRE_MARKET), reason: 'keeping AAPL' });
    const started = keel.applied('start');
    expect((await keel.control.act('start', 'test')).ok).toBe(true);
    await started;

    harness.clock.set(OPEN);
    await keel.streamLive();
    const msft = await openBySignal(harness, 'MSFT');
    expect(await runQueuedFlatten(runtime(harness), 'session-open')).toBeNull();
    for (const trade of [aapl, msft]) expect((await getTrade(t.db, trade.id))?.status).toBe('open');
    expect(await getFlattenQueue(t.db)).toBeNull();
    const story = (await listJournal(t.db, { kinds: ['warning'] })).filter((e) => e.subject === 'emergency-stop').map((e) => e.message);
    expect(story.at(-1)).toMatch(/^queued flatten cancelled .*: keeping AAPL; positions stay open$/);
  });
});
