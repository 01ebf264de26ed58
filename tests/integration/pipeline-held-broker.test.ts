/**
 * Signal intake answers whatever the broker does: with the account read of a restarted (cold)
 * pipeline held, with every entry POST held, and behind a real 429 whose reset lies a minute ahead,
 * signals are answered (`received` when the decision must wait), the decision follows in order and
 * stays one order per symbol, and the kill switch and a position's exit do not wait behind it.
 * Held = the broker's answer withheld until the test releases it; no sleeps, one ManualClock.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listTrades } from '../../src/adapters/postgres/index.js';
import { createPipeline, type KeelPipeline, type PipelineDeps } from '../../src/control/pipeline/signal-service.js';
import type { Trade } from '../../src/domain/trade.js';
import type { BrokerPort } from '../../src/ports/broker.port.js';
import { decide, realSupervisor, signal, startPipelineHarness, TEST_SETTINGS, type Keel, type PipelineHarness } from '../support/pipeline-harness.js';
import { eventually } from '../support/eventually.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

let t: TestDb;
let h: PipelineHarness | null = null;
let keel: Keel;
const pipelines: KeelPipeline[] = [];

beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });
afterEach(async () => {
  await h?.close();
  h = null;
  pipelines.length = 0;
});

async function bootRunning(): Promise<PipelineHarness> {
  await t.truncate();
  const harness = await startPipelineHarness(t, realSupervisor);
  h = harness;
  keel = await harness.boot({ settings: TEST_SETTINGS });
  const started = keel.applied('start');
  expect((await keel.control.act('start', 'test')).ok).toBe(true);
  await started;
  await keel.streamLive();
  return harness;
}

/** a second pipeline on the same Keel: a restarted process's, with an empty account cache */
function coldPipeline(harness: PipelineHarness, broker: BrokerPort = harness.alpaca.broker, overrides: Partial<PipelineDeps> = {}): KeelPipeline {
  const p = createPipeline({
    db: t.db, clock: harness.clock, control: keel.control, supervisor: keel.supervisor,
    entryGate: () => keel.control.entryGate(), entryGateNow: () => keel.control.entryGateNow(),
    broker: () => broker, marketData: () => harness.alpaca.marketData, ...overrides,
  });
  pipelines.push(p);
  return p;
}

/** the broker with one method's answers withheld until release() (the call itself is made) */
function held(broker: BrokerPort, method: 'getAccount' | 'submitOrder'): { broker: BrokerPort; asked: Promise<void>; release: () => void } {
  let release = (): void => undefined;
  let asked = (): void => undefined;
  const gate = new Promise<void>((resolve) => { release = resolve; });
  const askedP = new Promise<void>((resolve) => { asked = resolve; });
  const proxy: BrokerPort = new Proxy(broker, {
    get(target, key, receiver) {
      const real = Reflect.get(target, key, receiver) as unknown;
      if (key !== method || typeof real !== 'function') return real;
      return async (...args: unknown[]) => {
        const answer = (real as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        asked();
        await gate;
        return answer;
      };
    },
  });
  return { broker: proxy, asked: askedP, release: () => release() };
}

const entryPosts = (harness: PipelineHarness) => harness.sim.server.faults.requests.filter((r) => r.method === 'POST' && r.path === '/v2/orders');

describe('intake with the account read held (a restart, cold caches)', () => {
  it('answers every signal received while the read is held, then decides them in order: one order per symbol, a repeated id never twice', async () => {
    const harness = await bootRunning();
    const account = held(harness.alpaca.broker, 'getAccount');
    const p = coldPipeline(harness, account.broker);

    expect(await p.ingestSignal(signal({ id: 'a1', symbol: 'AAPL' }))).toEqual({ signalId: 'a1', outcome: 'received' });
    await account.asked;
    // the decision of a1 waits for the held read: these are answered without waiting behind it
    expect(await p.ingestSignal(signal({ id: 'a2', symbol: 'AAPL' }))).toEqual({ signalId: 'a2', outcome: 'received' });
    expect(await p.ingestSignal(signal({ id: 'm1', symbol: 'MSFT' }))).toEqual({ signalId: 'm1', outcome: 'received' });
    expect(await p.ingestSignal(signal({ id: 'a1', symbol: 'AAPL' }))).toEqual({ signalId: 'a1', outcome: 'received' });
    // stored before the answer: a crash now would not lose them
    expect((await keel.pipeline.listSignals({ status: 'received' })).items.map((s) => s.id).sort()).toEqual(['a1', 'a2', 'm1']);
    expect(entryPosts(harness)).toHaveLength(0);

    account.release();
    expect(await p.decision('a1')).toEqual({ signalId: 'a1', outcome: 'fired' });
    expect(await p.decision('a2')).toMatchObject({ signalId: 'a2', outcome: 'skipped_duplicate' });
    expect(await p.decision('m1')).toEqual({ signalId: 'm1', outcome: 'fired' });
    await p.idle();
    expect((await listTrades(t.db, {})).map((x: Trade) => x.signalId).sort()).toEqual(['a1', 'm1']);
    expect(entryPosts(harness)).toHaveLength(2);
    // the decision is visible at GET /api/signals/:id, and a repeat gets it
    expect((await p.getSignal('a1'))?.status).toBe('fired');
    expect(await p.ingestSignal(signal({ id: 'a1', symbol: 'AAPL' }))).toEqual({ signalId: 'a1', outcome: 'fired' });
    await p.idle();
    expect(entryPosts(harness)).toHaveLength(2);
  });

  it('lets the kill switch run and a position exit while a signal waits for the held read', async () => {
    const harness = await bootRunning();
    expect(await decide(keel.pipeline, signal({ id: 'open', symbol: 'AAPL' }))).toMatchObject({ outcome: 'fired' });
    const tradeId = (await keel.pipeline.getSignal('open'))!.tradeId!;
    await keel.position('opened', (e) => e.tradeId === tradeId);

    const account = held(harness.alpaca.broker, 'getAccount');
    const p = coldPipeline(harness, account.broker);
    expect(await p.ingestSignal(signal({ id: 'waiting', symbol: 'MSFT' }))).toMatchObject({ outcome: 'received' });
    await account.asked;

    // the kill switch does not queue behind the held intake: it halts, and the exit closes the position
    const report = await p.emergencyStop({ closePositions: true }, 'api');
    expect(report).toMatchObject({ state: 'halted', closed: [tradeId], flatten: 'done' });

    account.release();
    // decided after the read, against the latched halt: no entry
    expect(await p.decision('waiting')).toMatchObject({ outcome: 'skipped', reason: 'BOT_NOT_RUNNING' });
    await p.idle();
    expect(entryPosts(harness)).toHaveLength(2); // the entry and the exit, nothing for MSFT
  });
});

describe('intake with entry POSTs held', () => {
  it('answers the next signals while an earlier signal\'s order is still on its way', async () => {
    const harness = await bootRunning();
    expect(await decide(keel.pipeline, signal({ id: 'warm', symbol: 'NVDA' }))).toMatchObject({ outcome: 'fired' });
    await keel.pipeline.idle();
    const submits = held(harness.alpaca.broker, 'submitOrder');
    const p = coldPipeline(harness, submits.broker);
    expect(await decide(p, signal({ id: 'first', symbol: 'AAPL' }))).toMatchObject({ outcome: 'fired' });
    await submits.asked;
    expect(await decide(p, signal({ id: 'second', symbol: 'MSFT' }))).toMatchObject({ outcome: 'fired' });
    expect(await p.ingestSignal(signal({ id: 'dup', symbol: 'AAPL' }))).toMatchObject({ outcome: 'skipped_duplicate' });
    submits.release();
    await p.idle();
  });
});

describe('intake behind a 429 on the account read', () => {
  it('answers received while the read waits out the rate limit on the clock, and expires the signals whose decision comes too late', async () => {
    const harness = await bootRunning();
    harness.sim.server.faults.failNext({ method: 'GET', path: '/v2/account' }, { kind: 'status', status: 429 });
    const p = coldPipeline(harness);

    expect(await p.ingestSignal(signal({ id: 'late', symbol: 'AAPL' }))).toEqual({ signalId: 'late', outcome: 'received' });
    // the read met the 429; its retry waits on the clock, which the test has not moved
    await eventually(async () => {
      expect(harness.sim.server.faults.requests.filter((r) => r.status === 429).map((r) => `${r.method} ${r.path}`)).toContain('GET /v2/account');
    });
    expect(await p.ingestSignal(signal({ id: 'later', symbol: 'MSFT' }))).toEqual({ signalId: 'later', outcome: 'received' });
    expect(await p.ingestSignal(signal({ id: 'late', symbol: 'AAPL' }))).toEqual({ signalId: 'late', outcome: 'received' });

    harness.clock.advance(61_000); // the wait ends: the read goes out, and the decisions come 61 s late
    expect(await p.decision('late')).toMatchObject({ outcome: 'expired', reason: 'SIGNAL_TOO_OLD' });
    expect(await p.decision('later')).toMatchObject({ outcome: 'expired', reason: 'SIGNAL_TOO_OLD' });
    await p.idle();
    expect(entryPosts(harness)).toHaveLength(0);
  });
});

describe('restart with signals left received', () => {
  it('decides a signal a crashed process answered received, once, when the new one starts', async () => {
    const harness = await bootRunning();
    const account = held(harness.alpaca.broker, 'getAccount');
    const crashed = coldPipeline(harness, account.broker);
    expect(await crashed.ingestSignal(signal({ id: 'orphan', symbol: 'AAPL' }))).toMatchObject({ outcome: 'received' });
    await account.asked; // never released: that process is gone

    const restarted = coldPipeline(harness);
    restarted.start();
    await eventually(async () => expect((await restarted.getSignal('orphan'))?.status).toBe('fired'));
    await restarted.idle();
    expect(await restarted.ingestSignal(signal({ id: 'orphan', symbol: 'AAPL' }))).toMatchObject({ outcome: 'fired' });
    await restarted.idle();
    expect(entryPosts(harness)).toHaveLength(1);
    await restarted.stop();
  });

  it('expires a received signal older than its decision window instead of trading it late', async () => {
    const harness = await bootRunning();
    const account = held(harness.alpaca.broker, 'getAccount');
    const crashed = coldPipeline(harness, account.broker);
    expect(await crashed.ingestSignal(signal({ id: 'stale', symbol: 'AAPL' }))).toMatchObject({ outcome: 'received' });
    await account.asked;
    harness.clock.advance(61_000);

    const restarted = coldPipeline(harness);
    restarted.start();
    await eventually(async () => expect((await restarted.getSignal('stale'))?.status).toBe('expired'));
    expect((await restarted.getSignal('stale'))?.denial?.code).toBe('SIGNAL_TOO_OLD');
    await restarted.stop();
    expect(entryPosts(harness)).toHaveLength(0);
  });
});
