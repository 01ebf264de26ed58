/** The control facade's lifecycle on real PostgreSQL against the simulated exchange. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { KeelBotControl } from '../../src/control/lifecycle/bot-control.js';
import type { BotAction } from '../../src/control/lifecycle/bot-control.types.js';
import type { BotState } from '../../src/domain/bot-config.js';
import { bootReconciled, journalOf, persistedState, startControlHarness, type ControlHarness } from '../support/control-harness.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

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

async function reach(state: BotState): Promise<void> {
  const path: Record<BotState, BotAction[]> = { stopped: [], running: ['start'], paused: ['start', 'pause'], halted: [] };
  for (const action of path[state]) expect((await control.act(action, 'test')).ok).toBe(true);
  if (state === 'halted') expect((await control.halt('breaker tripped', 'test')).ok).toBe(true);
}

describe('control: transitions', () => {
  it('starts, pauses, resumes and stops, persisting each with its cause before answering', async () => {
    for (const [action, state] of [['start', 'running'], ['pause', 'paused'], ['resume', 'running'], ['stop', 'stopped']] as const) {
      const result = await control.act(action, `api:${action}`);
      expect(result.ok && result.value.state).toBe(state);
      expect(await persistedState(t)).toBe(state);
    }
    const transitions = await journalOf(t, ['state_transition']);
    expect(transitions.map((e) => [e.data.from, e.data.to, e.cause])).toEqual([
      ['stopped', 'running', 'api:start'], ['running', 'paused', 'api:pause'], ['paused', 'running', 'api:resume'], ['running', 'stopped', 'api:stop'],
    ]);
  });

  it('stops from paused', async () => {
    await reach('paused');
    expect((await control.act('stop', 'test')).ok).toBe(true);
    expect(await persistedState(t)).toBe('stopped');
  });

  it.each(['stopped', 'running', 'paused'] as const)('halts from %s with the reason journaled', async (from) => {
    await reach(from);
    const result = await control.halt('daily loss limit', 'breaker');
    expect(result.ok && result.value.state).toBe('halted');
    expect(await persistedState(t)).toBe('halted');
    const last = (await journalOf(t, ['state_transition'])).at(-1);
    expect(last?.data).toMatchObject({ from, to: 'halted', reason: 'daily loss limit' });
  });

  it('leaves halted only by acknowledging, then starts again', async () => {
    await reach('halted');
    expect((await control.act('acknowledge-halt', 'test')).ok).toBe(true);
    expect(await persistedState(t)).toBe('stopped');
    const started = await control.act('start', 'test');
    expect(started.ok && started.value.state).toBe('running');
  });

  it('reports the allowed actions of each state in the status', async () => {
    expect((await control.status()).allowedActions).toEqual(['start']);
    await reach('running');
    expect((await control.status()).allowedActions).toEqual(['pause', 'stop']);
  });
});

describe('control: refused transitions change nothing', () => {
  const refused: [BotState, BotAction][] = [
    ['stopped', 'pause'], ['stopped', 'resume'], ['stopped', 'stop'], ['stopped', 'acknowledge-halt'],
    ['running', 'start'], ['running', 'resume'], ['running', 'acknowledge-halt'],
    ['paused', 'start'], ['paused', 'pause'], ['paused', 'acknowledge-halt'],
    ['halted', 'start'], ['halted', 'pause'], ['halted', 'resume'], ['halted', 'stop'],
  ];
  it.each(refused)('in %s refuses %s with 409, naming the state and the allowed actions', async (state, action) => {
    await reach(state);
    const transitionsBefore = (await journalOf(t, ['state_transition'])).length;
    const result = await control.act(action, 'test');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ code: 'INVALID_TRANSITION', httpStatus: 409, details: { state } });
    expect(result.error.details?.allowed).toEqual((await control.status()).allowedActions);
    expect(await persistedState(t)).toBe(state);
    expect((await control.status()).state).toBe(state);
    expect(await journalOf(t, ['state_transition'])).toHaveLength(transitionsBefore);
    expect((await journalOf(t, ['transition_refused'])).at(-1)?.data).toMatchObject({ state });
  });
});

describe('control: status, config and health', () => {
  it('answers the status snapshot with the market clock and today\'s defaults', async () => {
    expect(await control.status()).toMatchObject({
      state: 'stopped', starting: false, mode: 'paper', executionMode: 'signal_only', reconciled: true,
      openPositionCount: 0, todayTradeCount: 0, marketOpen: true, breaker: 'none',
    });
  });

  it('patches the config, journaling each changed key old → new', async () => {
    const result = await control.patchConfig({ maxTradesPerDay: 4, executionMode: 'semi_auto' }, 'api');
    expect(result.ok && [result.value.maxTradesPerDay, result.value.executionMode]).toEqual([4, 'semi_auto']);
    expect((await control.getConfig()).maxTradesPerDay).toBe(4);
    const [entry] = await journalOf(t, ['config_changed']);
    expect(entry?.data.changes).toEqual({ maxTradesPerDay: { from: 10, to: 4 }, executionMode: { from: 'signal_only', to: 'semi_auto' } });
  });

  it('reports the database and the broker healthy', async () => {
    expect(await control.health()).toEqual({ ok: true, database: { ok: true, error: null }, broker: { ok: true, error: null } });
  });

  it('reports the broker unhealthy when it cannot be reached', async () => {
    h.sim.server.faults.failNext({}, { kind: 'status', status: 503 }, 100);
    const report = await control.health();
    expect(report.ok).toBe(false);
    expect(report.database.ok).toBe(true);
    expect(report.broker.ok).toBe(false);
  });
});
