/**
 * The complete risk gateway on real PostgreSQL and the simulated exchange:
 * the what-if endpoint's pipeline side, the stream-gap gate, and the caps under concurrent signals.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listTrades } from '../../src/adapters/postgres/index.js';
import { dec } from '../../src/domain/money.js';
import { decide, FakeSupervisor, signal, startPipelineHarness, TEST_SETTINGS, type Keel, type PipelineHarness } from '../support/pipeline-harness.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

let t: TestDb;
let h: PipelineHarness;
let keel: Keel;
let supervisor: FakeSupervisor;

beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });
beforeEach(async () => {
  await t.truncate();
  supervisor = new FakeSupervisor();
  h = await startPipelineHarness(t, () => supervisor);
});
afterEach(async () => { await h.close(); });

async function boot(settings = {}) {
  keel = await h.boot({ settings: { ...TEST_SETTINGS, ...settings } });
  expect((await keel.control.act('start', 'test')).ok).toBe(true);
}

const entryPosts = () => h.sim.server.faults.requests.filter((r) => r.method === 'POST' && r.path === '/v2/orders');

describe('POST /api/signals/evaluate (the what-if), pipeline side', () => {
  it('lists every check with its verdict and the size, and stores and sends nothing', async () => {
    await boot();
    const ev = await keel.pipeline.evaluateSignal(signal({ id: 'wi-1', symbol: 'AAPL' }));
    expect(ev.outcome).toBe('would_fire');
    expect(ev.size?.notional.toFixed()).toBe('100');
    expect(ev.verdicts.map((v) => v.check)).toEqual(expect.arrayContaining(['star-rating', 'sizing', 'daily-loss', 'wash-trade', 'stream-reconciling']));
    expect(ev.verdicts.every((v) => v.passed)).toBe(true);
    expect(await keel.pipeline.getSignal('wi-1')).toBeNull();
    expect(await listTrades(t.db, {})).toHaveLength(0);
    expect(entryPosts()).toHaveLength(0);
  });

  it('still runs every check for a duplicate symbol and names each failing one', async () => {
    await boot({ maxTradesPerDay: 1 });
    expect(await decide(keel.pipeline, signal({ id: 'first', symbol: 'AAPL' }))).toMatchObject({ outcome: 'fired' });
    const ev = await keel.pipeline.evaluateSignal(signal({ symbol: 'AAPL' }));
    expect(ev.outcome).toBe('would_skip_duplicate');
    expect(ev.denial?.code).toBe('DUPLICATE_SYMBOL');
    const failing = ev.verdicts.filter((v) => !v.passed).map((v) => v.denial?.code);
    expect(failing).toEqual(['DUPLICATE_SYMBOL', 'MAX_TRADES_PER_DAY']);
    await keel.pipeline.idle();
  });
});

describe('the stream-gap gate', () => {
  it('denies entries with STREAM_RECONCILING while the trade stream is down, and lets them through once it caught up', async () => {
    await boot();
    supervisor.gate = { live: false, phase: 'disconnected', since: 0, openSellSymbols: new Set() };
    expect(await decide(keel.pipeline, signal({ id: 'gap', symbol: 'AAPL' }))).toEqual({ signalId: 'gap', outcome: 'skipped', reason: 'STREAM_RECONCILING' });
    supervisor.gate = { live: false, phase: 'catching_up', since: 1, openSellSymbols: new Set() };
    expect((await decide(keel.pipeline, signal({ id: 'catching-up', symbol: 'AAPL' }))).reason).toBe('STREAM_RECONCILING');
    supervisor.gate = { live: true, phase: 'live', since: 2, openSellSymbols: new Set() };
    expect(await decide(keel.pipeline, signal({ id: 'resumed', symbol: 'AAPL' }))).toMatchObject({ outcome: 'fired' });
    await keel.pipeline.idle();
    expect(entryPosts()).toHaveLength(1);
    expect((await listTrades(t.db, {})).map((tr) => tr.signalId)).toEqual(['resumed']);
  });

  it('denies a buy while the broker holds an open sell order on the symbol (WASH_TRADE_RISK)', async () => {
    await boot();
    supervisor.gate = { live: true, phase: 'live', since: 0, openSellSymbols: new Set(['AAPL']) };
    expect((await decide(keel.pipeline, signal({ id: 'wash', symbol: 'AAPL' }))).reason).toBe('WASH_TRADE_RISK');
    expect(await decide(keel.pipeline, signal({ id: 'other', symbol: 'MSFT' }))).toMatchObject({ outcome: 'fired' });
    await keel.pipeline.idle();
  });
});

describe('caps under concurrent signals', () => {
  it('1,000 concurrent signals for one symbol produce exactly one order', async () => {
    await boot();
    const answers = await Promise.all(Array.from({ length: 1000 }, (_, i) => decide(keel.pipeline, signal({ id: `one-${i}`, symbol: 'AAPL' }))));
    await keel.pipeline.idle();
    expect(answers.filter((a) => a.outcome === 'fired')).toHaveLength(1);
    expect(answers.filter((a) => a.outcome === 'skipped_duplicate')).toHaveLength(999);
    expect(await listTrades(t.db, {})).toHaveLength(1);
    expect(entryPosts()).toHaveLength(1);
  }, 60_000); // 1,000 signals through real PostgreSQL: seconds on 2 cores, more when they are shared

  it('1,000 concurrent signals on different symbols never exceed maxConcurrentPositions', async () => {
    await boot({ maxConcurrentPositions: 4, maxTradesPerDay: 1000, positionSizeUsd: dec(10) });
    const symbols = h.sim.core.market.symbols();
    expect(symbols.length).toBeGreaterThan(4);
    const answers = await Promise.all(Array.from({ length: 1000 }, (_, i) => decide(keel.pipeline, signal({ id: `many-${i}`, symbol: symbols[i % symbols.length]! }))));
    await keel.pipeline.idle();
    expect(answers.filter((a) => a.outcome === 'fired')).toHaveLength(4);
    expect(new Set(answers.filter((a) => a.outcome === 'skipped').map((a) => a.reason))).toEqual(new Set(['MAX_CONCURRENT_POSITIONS']));
    expect(await listTrades(t.db, {})).toHaveLength(4);
    expect(entryPosts()).toHaveLength(4);
  }, 60_000); // 1,000 signals through real PostgreSQL: seconds on 2 cores, more when they are shared

  it('1,000 concurrent signals on different symbols never exceed the daily trade cap', async () => {
    await boot({ maxConcurrentPositions: null, maxTradesPerDay: 5, positionSizeUsd: dec(10) });
    const symbols = h.sim.core.market.symbols();
    const answers = await Promise.all(Array.from({ length: 1000 }, (_, i) => decide(keel.pipeline, signal({ id: `cap-${i}`, symbol: symbols[i % symbols.length]! }))));
    await keel.pipeline.idle();
    expect(answers.filter((a) => a.outcome === 'fired')).toHaveLength(5);
    expect(answers.some((a) => a.reason === 'MAX_TRADES_PER_DAY')).toBe(true);
    expect(await listTrades(t.db, {})).toHaveLength(5);
    expect(entryPosts()).toHaveLength(5);
  }, 60_000); // 1,000 signals through real PostgreSQL: seconds on 2 cores, more when they are shared
});
