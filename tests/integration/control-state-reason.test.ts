/**
 * GET /api/bot/status says why the bot is in its state: the control's status() carries the
 * persisted reason as a code, its detail and since when the state holds. Real PostgreSQL and the
 * simulated exchange; the control's ManualClock is advanced by hand so "since" is exact.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadWinRateWindow } from '../../src/adapters/postgres/index.js';
import type { KeelBotControl } from '../../src/control/lifecycle/bot-control.js';
import { SAFETY_CAUSE } from '../../src/control/lifecycle/lifecycle-effects.js';
import { bootReconciled, startControlHarness, stateIs, type ControlHarness } from '../support/control-harness.js';
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

const reason = async () => (await control.status()).stateReason;
const ok = async (p: Promise<{ ok: boolean }>) => expect((await p).ok).toBe(true);

describe('status: why the bot is in its state', () => {
  it('a first boot is STARTUP since the row was created; the trader\'s start is manual since the start', async () => {
    const booted = h.clock.now();
    expect(await reason()).toEqual({ code: 'STARTUP', detail: null, since: booted });
    h.clock.advance(60_000);
    await ok(control.act('start', 'api: POST /api/bot/start'));
    expect(await reason()).toEqual({ code: 'manual', detail: null, since: booted + 60_000 });
  });

  it.each([
    ['breaker_pause', 'CIRCUIT_BREAKER'],
    ['daily_loss', 'DAILY_LOSS_LIMIT'],
    ['win_rate', 'WIN_RATE_BELOW_MIN'],
    ['watchdog', 'WATCHDOG'],
  ] as const)('a safety pause for %s reads %s with the safety layer\'s words', async (why, code) => {
    await ok(control.act('start', 'test'));
    h.clock.advance(5_000);
    await ok(control.act('pause', `${SAFETY_CAUSE}${why}`, 'the safety layer says why'));
    expect(await reason()).toEqual({ code, detail: 'the safety layer says why', since: h.clock.now() });
  });

  it('a breaker halt reads CIRCUIT_BREAKER', async () => {
    await ok(control.halt('drawdown 10.4% ≥ halt 10%', `${SAFETY_CAUSE}breaker_halt`));
    expect(await reason()).toMatchObject({ code: 'CIRCUIT_BREAKER', detail: 'drawdown 10.4% ≥ halt 10%' });
  });

  it('the kill switch\'s halt reads KILL_SWITCH and names who pressed it', async () => {
    await ok(control.act('start', 'test'));
    await ok(control.halt('kill_switch', 'api: POST /api/bot/emergency-stop'));
    expect(await reason()).toMatchObject({ code: 'KILL_SWITCH', detail: 'kill switch (api: POST /api/bot/emergency-stop)' });
  });

  it('a running restored by a restart reads STARTUP since the restore', async () => {
    await ok(control.act('start', 'test'));
    await control.shutdown();
    h.clock.advance(3_600_000);
    control = h.newControl();
    const running = stateIs(control, 'running');
    await control.boot();
    await running;
    expect(await reason()).toEqual({ code: 'STARTUP', detail: 'running restored after reconciliation at boot', since: h.clock.now() });
  });

  it('a start and a resume start the win-rate guard\'s fresh window at their instant; a pause or a restart does not move it', async () => {
    const window = async () => (await t.db.selectFrom('bot_config').select('win_rate_window_start').executeTakeFirstOrThrow()).win_rate_window_start?.getTime() ?? null;
    expect(await window()).toBeNull();
    const started = h.clock.now();
    await ok(control.act('start', 'test'));
    expect(await window()).toBe(started);
    h.clock.advance(1_000);
    await ok(control.act('pause', 'test'));
    expect(await window()).toBe(started);
    h.clock.advance(1_000);
    await ok(control.act('resume', 'test'));
    const resumed = h.clock.now();
    expect(await window()).toBe(resumed);
    await control.shutdown();
    h.clock.advance(1_000);
    control = h.newControl();
    const running = stateIs(control, 'running');
    await control.boot();
    await running;
    expect(await window()).toBe(resumed);
    expect(await loadWinRateWindow(t.db)).toEqual({ trades: 0, wins: 0 });
  });
});
