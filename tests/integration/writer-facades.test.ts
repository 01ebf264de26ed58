/**
 * The facades behind the single-writer lease on real PostgreSQL: the read-only control an
 * instance serves while another one writes (reads the database, refuses every change, lets no
 * entry through, over HTTP too), and the swappable control that moves between it and the real
 * one (a real control against the simulated exchange).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  insertTrade, listJournal, listTrades, loadBotConfig, saveBotMode, saveBotSettings, saveBotState, saveReconciliationReport,
} from '../../src/adapters/postgres/index.js';
import type { ControlEvent, KeelBotControl } from '../../src/control/lifecycle/bot-control.js';
import { BOT_ACTIONS } from '../../src/control/lifecycle/bot-control.types.js';
import { createPipeline } from '../../src/control/pipeline/signal-service.js';
import { ANOTHER_INSTANCE_MESSAGE, createReadOnlyControl } from '../../src/control/instance/read-only-control.js';
import { createSwappableControl } from '../../src/control/instance/swappable-control.js';
import { dec } from '../../src/domain/money.js';
import type { ReconciliationReport } from '../../src/domain/reconciliation.js';
import { createApp } from '../../src/http/app.js';
import { bootReconciled, stateIs, startControlHarness, type ControlHarness } from '../support/control-harness.js';
import { decide, FakeSupervisor, signal, startPipelineHarness, TEST_SETTINGS } from '../support/pipeline-harness.js';
import { createTestDb, type TestDb } from '../support/test-db.js';
import { FakePipelineControl } from '../support/fake-pipeline-control.js';

const TOKEN = 'test-token-0123456789abcdef';

let t: TestDb;
let h: ControlHarness;
let readOnly: KeelBotControl;

beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });
beforeEach(async () => {
  await t.truncate();
  h = await startControlHarness(t);
  readOnly = createReadOnlyControl({ db: t.db, clock: h.clock });
});
afterEach(async () => { await h.close(); });

const journalCount = async () => (await listJournal(t.db, { limit: 10_000 })).length;

/** what the writing instance left in the database */
async function writerPersisted(): Promise<void> {
  const now = h.clock.now();
  await saveBotState(t.db, 'running', now);
  await saveBotMode(t.db, 'live', now);
  await saveBotSettings(t.db, { executionMode: 'semi_auto', maxTradesPerDay: 7 }, now);
  await insertTrade(t.db, { symbol: 'AAPL', side: 'buy', status: 'open', shares: dec('10'), entryPrice: dec('100') }, now);
  await insertTrade(t.db, { symbol: 'MSFT', side: 'buy', status: 'exiting', shares: dec('5'), entryPrice: dec('300') }, now);
  await insertTrade(t.db, { symbol: 'TSLA', side: 'buy', status: 'closed', shares: dec('1'), entryPrice: dec('200') }, now);
}

describe('read-only control', () => {
  it('reports the state the writer persisted, unreconciled, with no allowed action and the read-only marker', async () => {
    await writerPersisted();
    expect(await readOnly.status()).toMatchObject({
      state: 'running', starting: false, mode: 'live', executionMode: 'semi_auto', reconciled: false,
      openPositionCount: 2, marketOpen: null, allowedActions: [], readOnly: true, writer: 'another instance',
    });
    expect((await readOnly.getConfig()).maxTradesPerDay).toBe(7);
  });

  it('refuses every change with ANOTHER_INSTANCE_ACTIVE (409) and writes nothing, not even a journal entry', async () => {
    await writerPersisted();
    const before = { config: await loadBotConfig(t.db, h.clock.now()), journal: await journalCount() };
    const answers = [
      ...(await Promise.all(BOT_ACTIONS.map((action) => readOnly.act(action, 'test')))),
      await readOnly.halt('breaker', 'test'),
      await readOnly.patchConfig({ maxTradesPerDay: 1 }, 'test'),
      await readOnly.setMode('paper', undefined, 'test'),
    ];
    for (const answer of answers) {
      expect(answer).toEqual({ ok: false, error: { code: 'ANOTHER_INSTANCE_ACTIVE', message: ANOTHER_INSTANCE_MESSAGE, httpStatus: 409, details: { readOnly: true } } });
    }
    expect(await loadBotConfig(t.db, h.clock.now())).toEqual(before.config);
    expect(await journalCount()).toBe(before.journal);
  });

  it('closes the entry gate whatever the persisted state', async () => {
    await writerPersisted();
    expect(await readOnly.entryGate()).toEqual({ state: 'stopped', reconciled: false, marketOpen: null, sessionClose: null });
  });

  it('answers the last reconciliation the writer saved', async () => {
    expect(await readOnly.lastReconciliation()).toBeNull();
    const report: ReconciliationReport = {
      startedAt: h.clock.now(), finishedAt: h.clock.now() + 40, ok: true, error: null, findings: [],
      journalLiveTrades: 2, brokerPositions: 2, brokerOpenOrders: 0,
    };
    await saveReconciliationReport(t.db, report);
    expect(await readOnly.lastReconciliation()).toMatchObject({ ok: true, journalLiveTrades: 2, brokerPositions: 2 });
  });

  it('is healthy when the database answers, naming why the broker is not connected', async () => {
    const report = await readOnly.health();
    expect(report).toMatchObject({ ok: true, database: { ok: true, error: null }, broker: { ok: false } });
    expect(report.broker.error).toContain('another Keel instance holds the writer lease');
  });

  it('never emits an event, and completes on shutdown', async () => {
    const seen: ControlEvent[] = [];
    let completed = false;
    readOnly.events$.subscribe({ next: (e) => seen.push(e), complete: () => { completed = true; } });
    await writerPersisted();
    await readOnly.boot();
    await readOnly.act('stop', 'test');
    await readOnly.patchConfig({ maxTradesPerDay: 2 }, 'test');
    expect(seen).toEqual([]);
    expect(completed).toBe(false);
    await readOnly.shutdown();
    expect(completed).toBe(true);
  });

  it('over HTTP: the status and the config are readable, a lifecycle action answers 409 ANOTHER_INSTANCE_ACTIVE', async () => {
    await writerPersisted();
    const app = createApp({ control: readOnly, pipeline: new FakePipelineControl(), apiToken: TOKEN, logError: () => undefined });
    const auth = { authorization: `Bearer ${TOKEN}` };
    const status = await app.request('/api/bot/status', { headers: auth });
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({ state: 'running', readOnly: true, openPositionCount: 2 });
    expect((await app.request('/api/bot/config', { headers: auth })).status).toBe(200);
    const start = await app.request('/api/bot/start', { method: 'POST', headers: auth });
    expect(start.status).toBe(409);
    expect(await start.json()).toEqual({ error: { code: 'ANOTHER_INSTANCE_ACTIVE', message: ANOTHER_INSTANCE_MESSAGE, readOnly: true } });
    const patch = await app.request('/api/bot/config', { method: 'PATCH', headers: { ...auth, 'content-type': 'application/json' }, body: '{"maxTradesPerDay":3}' });
    expect(patch.status).toBe(409);
    expect((await loadBotConfig(t.db, h.clock.now())).maxTradesPerDay).toBe(7);
  });
});

describe('read-only control in the pipeline', () => {
  it('denies a full_auto signal with BOT_NOT_RUNNING although the writer persisted running: nothing reaches the broker', async () => {
    const p = await startPipelineHarness(t);
    try {
      const supervisor = new FakeSupervisor();
      const ro = createReadOnlyControl({ db: t.db, clock: p.clock });
      await saveBotSettings(t.db, TEST_SETTINGS, p.clock.now());
      await saveBotState(t.db, 'running', p.clock.now());
      const pipeline = createPipeline({
        db: t.db, clock: p.clock, control: ro, supervisor, entryGate: () => ro.entryGate(),
        broker: () => p.alpaca.broker, marketData: () => p.alpaca.marketData,
      });
      expect(await decide(pipeline, signal({ id: 'sig-ro-1', symbol: 'AAPL' }))).toEqual({ signalId: 'sig-ro-1', outcome: 'skipped', reason: 'BOT_NOT_RUNNING' });
      await pipeline.idle();
      expect(await listTrades(t.db, {})).toEqual([]);
      expect(supervisor.submitted).toEqual([]);
      const orders = (await (await p.sim.rest('/v2/orders?status=all')).json()) as unknown[];
      expect(orders).toEqual([]);
    } finally {
      await p.close();
    }
  });
});

describe('swappable control', () => {
  it('routes every call to the current target, from the moment it is swapped in', async () => {
    const real = h.newControl();
    await bootReconciled(real);
    const control = createSwappableControl(readOnly);
    expect(control.current()).toBe(readOnly);
    expect((await control.act('start', 'test')).ok).toBe(false);
    expect(control.swap(real)).toBe(readOnly);
    expect(await control.entryGate()).toMatchObject({ state: 'stopped', reconciled: true });
    const started = await control.act('start', 'test');
    expect(started).toMatchObject({ ok: true, value: { state: 'running' } });
    expect(await control.status()).not.toHaveProperty('readOnly');
    expect(control.swap(readOnly)).toBe(real);
    expect(await control.act('stop', 'test')).toMatchObject({ ok: false, error: { code: 'ANOTHER_INSTANCE_ACTIVE' } });
    expect(await control.entryGate()).toMatchObject({ state: 'stopped', reconciled: false });
    expect((await real.status()).state).toBe('running'); // the refusal went nowhere near the real one
  });

  it("carries the current target's events only: a swapped-out control's later events do not leak", async () => {
    const real = h.newControl();
    await bootReconciled(real);
    const control = createSwappableControl(readOnly);
    const seen: ControlEvent[] = [];
    control.events$.subscribe((e) => seen.push(e));
    control.swap(real);
    const running = stateIs(real, 'running');
    await control.act('start', 'test');
    await running;
    expect(seen.filter((e) => e.type === 'state')).toEqual([{ type: 'state', state: 'running' }]);
    control.swap(readOnly);
    const paused = stateIs(real, 'paused');
    expect((await real.act('pause', 'test')).ok).toBe(true);
    await paused;
    expect(seen.filter((e) => e.type === 'state')).toEqual([{ type: 'state', state: 'running' }]);
  });

  it('shuts the current target down, completes its events, and refuses a swap afterwards', async () => {
    const real = h.newControl();
    await bootReconciled(real);
    const control = createSwappableControl(readOnly);
    control.swap(real);
    let completed = false;
    control.events$.subscribe({ complete: () => { completed = true; } });
    await control.shutdown();
    expect(completed).toBe(true);
    const shutdowns = await listJournal(t.db, { kinds: ['shutdown'] });
    expect(shutdowns).toHaveLength(1);
    expect(() => control.swap(readOnly)).toThrow('swap after shutdown');
  });
});
