/**
 * Restart (a NEW facade on the same database) restores the persisted state; an unreachable broker
 * at boot leaves the server usable, refuses start with 409 and keeps retrying on the ManualClock.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BotState } from '../../src/domain/bot-config.js';
import { bootReconciled, journalOf, nextEvent, persistedState, startControlHarness, stateIs, type ControlHarness } from '../support/control-harness.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

let t: TestDb;
let h: ControlHarness;

beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });
beforeEach(async () => {
  await t.truncate();
  h = await startControlHarness(t);
});
afterEach(async () => { await h.close(); });

/** a first process reaches `state`, then shuts down */
async function previousRun(state: BotState): Promise<void> {
  const first = h.newControl();
  await bootReconciled(first);
  if (state !== 'stopped' && state !== 'halted') expect((await first.act('start', 'test')).ok).toBe(true);
  if (state === 'paused') expect((await first.act('pause', 'test')).ok).toBe(true);
  if (state === 'halted') expect((await first.halt('breaker', 'test')).ok).toBe(true);
  await first.shutdown();
  expect(await persistedState(t)).toBe(state);
}

const brokerDown = () => h.sim.server.faults.failNext({}, { kind: 'status', status: 503 }, 100_000);
const brokerBack = () => h.sim.server.faults.clearTransport();

describe('control: restart', () => {
  it.each(['stopped', 'paused', 'halted'] as const)('comes back %s as it was', async (state) => {
    await previousRun(state);
    const second = h.newControl();
    await bootReconciled(second);
    expect((await second.status()).state).toBe(state);
    expect(await persistedState(t)).toBe(state);
  });

  it('resumes running only after reconciliation succeeds, keeping running in bot_config meanwhile', async () => {
    await previousRun('running');
    brokerDown();
    const second = h.newControl();
    const failed = nextEvent(second, 'reconcile_failed');
    await second.boot();
    const { retryInMs } = await failed;
    expect(await second.status()).toMatchObject({ state: 'stopped', starting: true, reconciled: false, marketOpen: null });
    expect(await persistedState(t)).toBe('running');
    brokerBack();
    const running = stateIs(second, 'running');
    h.clock.advance(retryInMs ?? 0);
    await running;
    expect(await second.status()).toMatchObject({ state: 'running', starting: false, reconciled: true });
    const last = (await journalOf(t, ['state_transition'])).at(-1);
    expect(last?.data).toMatchObject({ to: 'running', restoring: true });
  });

  it('resumes running straight away when the broker answers', async () => {
    await previousRun('running');
    const second = h.newControl();
    const running = stateIs(second, 'running');
    await second.boot();
    await running;
    expect((await second.lastReconciliation())?.ok).toBe(true);
  });

  it('lets a stop cancel a pending restore', async () => {
    await previousRun('running');
    brokerDown();
    const second = h.newControl();
    const failed = nextEvent(second, 'reconcile_failed');
    await second.boot();
    await failed;
    expect((await second.act('stop', 'api')).ok).toBe(true);
    expect(await persistedState(t)).toBe('stopped');
  });
});

describe('control: broker unreachable at boot', () => {
  it('still serves status, refuses start with 409 and reconciles once the broker is back', async () => {
    brokerDown();
    const control = h.newControl();
    const failed = nextEvent(control, 'reconcile_failed', (e) => e.retryInMs !== null);
    await control.boot();
    const first = await failed;
    expect(first.retryInMs).toBe(500); // base 1000 × 2^0 × jitter 0.5
    expect(await control.status()).toMatchObject({ state: 'stopped', reconciled: false, marketOpen: null });

    const refused = await control.act('start', 'api');
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error).toMatchObject({ code: 'BROKER_UNREACHABLE', httpStatus: 409 });
      expect(refused.error.message).toMatch(/503|service unavailable/i);
    }
    expect(await persistedState(t)).toBe('stopped');
    expect((await control.lastReconciliation())?.ok).toBe(false);

    // still down: the next attempt fails and backs off further
    const secondFailure = nextEvent(control, 'reconcile_failed', (e) => e.retryInMs !== null);
    h.clock.advance(first.retryInMs ?? 0);
    expect((await secondFailure).retryInMs).toBe(1_000);

    brokerBack();
    const reconciled = nextEvent(control, 'reconciled');
    h.clock.advance(1_000);
    await reconciled;
    expect((await control.status()).reconciled).toBe(true);
    expect((await control.act('start', 'api')).ok).toBe(true);
    expect(await persistedState(t)).toBe('running');
  });

  it('stops retrying on shutdown', async () => {
    brokerDown();
    const control = h.newControl();
    const failed = nextEvent(control, 'reconcile_failed', (e) => e.retryInMs !== null);
    await control.boot();
    await failed;
    expect(h.clock.pending).toBe(1);
    await control.shutdown();
    expect(h.clock.pending).toBe(0);
  });
});
