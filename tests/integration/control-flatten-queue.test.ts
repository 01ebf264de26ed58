/**
 * The control facade and a kill switch's queued flatten on real PostgreSQL:
 * start and resume refused while it is queued (acknowledge-halt allowed), the cancel with who and
 * why journaled, the status showing it, a read-only instance refusing the cancel. Also: a safety
 * pause keeps its detail, and the last reconciliation stays readable for a late subscriber.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getFlattenQueue, loadStateReason, queueFlatten, takeFlattenQueue } from '../../src/adapters/postgres/index.js';
import type { KeelBotControl } from '../../src/control/lifecycle/bot-control.js';
import { createReadOnlyControl } from '../../src/control/instance/read-only-control.js';
import { toEtIso } from '../../src/domain/market-time.js';
import { createApp } from '../../src/http/app.js';
import { bootReconciled, journalOf, nextEvent, persistedState, startControlHarness, type ControlHarness } from '../support/control-harness.js';
import { createTestDb, type TestDb } from '../support/test-db.js';
import { FakePipelineControl } from '../support/fake-pipeline-control.js';

const TOKEN = 'test-token-0123456789abcdef';

let t: TestDb;
let h: ControlHarness;
let control: KeelBotControl;

beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });
beforeEach(async () => {
  await t.truncate();
  h = await startControlHarness(t);
  control = h.newControl();
  await bootReconciled(control);
});
afterEach(async () => { await h.close(); });

/** as a kill switch outside market hours leaves it: halted, flatten queued */
async function killSwitchQueued(): Promise<number> {
  expect((await control.halt('kill_switch', 'api: POST /api/bot/emergency-stop')).ok).toBe(true);
  return queueFlatten(t.db, h.clock.now());
}

describe('control: start and resume while a flatten is queued', () => {
  it('lets the trader acknowledge the halt, then refuses start with FLATTEN_QUEUED: when it runs and how to cancel it', async () => {
    const queuedAt = await killSwitchQueued();
    expect(await control.status()).toMatchObject({ state: 'halted', flattenQueuedAt: queuedAt, allowedActions: ['acknowledge-halt'] });

    const acknowledged = await control.act('acknowledge-halt', 'test');
    expect(acknowledged.ok && acknowledged.value).toMatchObject({ state: 'stopped', flattenQueuedAt: queuedAt, allowedActions: [] });

    const refused = await control.act('start', 'api: POST /api/bot/start');
    if (refused.ok) throw new Error('start was accepted with a flatten queued');
    expect(refused.error).toMatchObject({ code: 'FLATTEN_QUEUED', httpStatus: 409, details: { state: 'stopped', allowed: [], flattenQueuedAt: queuedAt } });
    expect(refused.error.message).toContain(toEtIso(queuedAt));
    expect(refused.error.message).toContain('09:30 ET');
    expect(refused.error.message).toContain('DELETE /api/bot/flatten-queue');
    expect(await persistedState(t)).toBe('stopped');
    expect((await journalOf(t, ['transition_refused'])).at(-1)).toMatchObject({ cause: 'api: POST /api/bot/start', data: { state: 'stopped', flattenQueuedAt: queuedAt } });
    expect(await getFlattenQueue(t.db)).toBe(queuedAt);
  });

  it('refuses resume from paused the same way, and still allows stop', async () => {
    expect((await control.act('start', 'test')).ok).toBe(true);
    expect((await control.act('pause', 'test')).ok).toBe(true);
    const queuedAt = await queueFlatten(t.db, h.clock.now()); // a kill switch whose halt could not be persisted
    expect((await control.status()).allowedActions).toEqual(['stop']);
    const refused = await control.act('resume', 'test');
    expect(!refused.ok && refused.error).toMatchObject({ code: 'FLATTEN_QUEUED', details: { state: 'paused', flattenQueuedAt: queuedAt } });
    expect(await persistedState(t)).toBe('paused');
    expect((await control.act('stop', 'test')).ok).toBe(true);
  });

  it('answers INVALID_TRANSITION, not FLATTEN_QUEUED, for a start the state forbids anyway (halted: acknowledge first)', async () => {
    await killSwitchQueued();
    const refused = await control.act('start', 'test');
    expect(!refused.ok && refused.error.code).toBe('INVALID_TRANSITION');
  });
});

describe('control: cancelling the queued flatten', () => {
  it('withdraws it, journals who and why with the kill switch, answers what was cancelled; start is allowed again', async () => {
    const queuedAt = await killSwitchQueued();
    expect((await control.act('acknowledge-halt', 'test')).ok).toBe(true);
    h.clock.advance(60_000);

    const cancelled = await control.cancelQueuedFlatten('api: DELETE /api/bot/flatten-queue', 'positions hedged by hand');
    if (!cancelled.ok) throw new Error(cancelled.error.message);
    expect(cancelled.value).toMatchObject({
      queuedAt, cancelledAt: queuedAt + 60_000, reason: 'positions hedged by hand',
      status: { state: 'stopped', flattenQueuedAt: null, allowedActions: ['start'] },
    });
    expect(await getFlattenQueue(t.db)).toBeNull();
    const entry = (await journalOf(t, ['warning'])).at(-1);
    expect(entry).toMatchObject({
      cause: 'api: DELETE /api/bot/flatten-queue', subject: 'emergency-stop',
      data: { queuedAt, cancelledAt: queuedAt + 60_000, reason: 'positions hedged by hand' },
    });
    expect(entry?.message).toContain('positions hedged by hand');

    const started = await control.act('start', 'test');
    expect(started.ok && started.value.state).toBe('running');
  });

  it('answers NOT_FOUND (404) when nothing is queued, and journals nothing', async () => {
    const before = (await journalOf(t, ['warning'])).length;
    const answer = await control.cancelQueuedFlatten('test', null);
    expect(answer).toEqual({ ok: false, error: { code: 'NOT_FOUND', httpStatus: 404, message: 'no flatten is queued: nothing to cancel', details: { flattenQueuedAt: null } } });
    expect((await journalOf(t, ['warning'])).length).toBe(before);
  });

  it('of concurrent takes of the queue exactly one gets it', async () => {
    const queuedAt = await queueFlatten(t.db, h.clock.now());
    const taken = await Promise.all(Array.from({ length: 8 }, () => takeFlattenQueue(t.db)));
    expect(taken.filter((q) => q !== null)).toEqual([queuedAt]);
    expect(await getFlattenQueue(t.db)).toBeNull();
  });

  it('is refused with 409 ANOTHER_INSTANCE_ACTIVE over HTTP on a read-only instance, which still shows the queue', async () => {
    const queuedAt = await queueFlatten(t.db, h.clock.now());
    const app = createApp({ control: createReadOnlyControl({ db: t.db, clock: h.clock }), pipeline: new FakePipelineControl(), apiToken: TOKEN, logError: () => {} });
    const auth = { authorization: `Bearer ${TOKEN}` };
    const res = await app.request('/api/bot/flatten-queue', { method: 'DELETE', headers: auth });
    expect(res.status).toBe(409);
    expect((await res.json()).error.code).toBe('ANOTHER_INSTANCE_ACTIVE');
    expect(await getFlattenQueue(t.db)).toBe(queuedAt);
    expect((await (await app.request('/api/bot/status', { headers: auth })).json()).flattenQueuedAt).toBe(queuedAt);
  });

  it('cancels over HTTP on the writer with the route as the cause and the body\'s reason', async () => {
    const queuedAt = await killSwitchQueued();
    const app = createApp({ control, pipeline: new FakePipelineControl(), apiToken: TOKEN, logError: () => {} });
    const res = await app.request('/api/bot/flatten-queue', {
      method: 'DELETE', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'will exit by hand' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ queuedAt, reason: 'will exit by hand', status: { state: 'halted', flattenQueuedAt: null } });
    expect((await journalOf(t, ['warning'])).at(-1)).toMatchObject({ cause: 'api: DELETE /api/bot/flatten-queue', data: { reason: 'will exit by hand' } });
  });
});

describe('control: a pause with its detail', () => {
  it('persists a safety pause\'s detail in bot_config.state_reason_detail and the journal; the trader\'s pause and a resume clear it', async () => {
    expect((await control.act('start', 'test')).ok).toBe(true);
    const paused = await control.act('pause', 'safety:breaker_pause', 'drawdown 5.2% ≥ pause level 5%');
    expect(paused.ok && paused.value.state).toBe('paused');
    expect(await loadStateReason(t.db)).toEqual({ reason: 'breaker_pause', detail: 'drawdown 5.2% ≥ pause level 5%' });
    expect((await journalOf(t, ['state_transition'])).at(-1)).toMatchObject({
      cause: 'safety:breaker_pause', message: 'running → paused: drawdown 5.2% ≥ pause level 5%', data: { reason: 'drawdown 5.2% ≥ pause level 5%' },
    });

    expect((await control.act('resume', 'test')).ok).toBe(true);
    expect(await loadStateReason(t.db)).toEqual({ reason: 'manual', detail: null });
    expect((await control.act('pause', 'api: POST /api/bot/pause')).ok).toBe(true);
    expect(await loadStateReason(t.db)).toEqual({ reason: 'manual', detail: null });
  });
});

describe('control: the last reconciliation for a late subscriber', () => {
  it('keeps this facade\'s last successful run with its cause, and never an earlier process\'s report', async () => {
    const booted = control.lastReconciledReport();
    expect(booted?.cause).toBe('startup');
    expect(booted?.report).toEqual(await control.lastReconciliation());

    const restarted = h.newControl(); // a restart: the database holds the previous process's report
    expect(await restarted.lastReconciliation()).not.toBeNull();
    expect(restarted.lastReconciledReport()).toBeNull();

    const event = nextEvent(control, 'reconciled');
    await control.reconcileNow('health_check');
    expect((await event).cause).toBe('health_check');
    expect(control.lastReconciledReport()).toEqual({ report: (await event).report, cause: 'health_check' });
  });
});
