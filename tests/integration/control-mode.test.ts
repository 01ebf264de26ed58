/** The mode guard: paper ↔ live only while stopped and flat, live only with confirm and credentials. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { insertTrade } from '../../src/adapters/postgres/index.js';
import type { KeelBotControl } from '../../src/control/lifecycle/bot-control.js';
import { dec } from '../../src/domain/money.js';
import type { TradeStatus } from '../../src/domain/trade.js';
import { bootReconciled, journalOf, nextEvent, startControlHarness, type ControlHarness } from '../support/control-harness.js';
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

const modeUnchanged = async () => {
  expect((await control.getConfig()).mode).toBe('paper');
  expect(h.switched).toEqual([]);
  expect(await journalOf(t, ['mode_changed'])).toEqual([]);
};

describe('control: mode guard', () => {
  it.each(['pending_entry', 'open', 'exiting'] as TradeStatus[])('refuses a switch with 409 OPEN_POSITIONS while a trade is %s', async (status) => {
    await insertTrade(t.db, { symbol: 'AAPL', side: 'buy', status, shares: dec(1), entryPrice: dec(230) }, h.clock.now());
    const result = await control.setMode('live', 'live', 'api');
    expect(!result.ok && result.error).toMatchObject({ code: 'OPEN_POSITIONS', httpStatus: 409 });
    await modeUnchanged();
  });

  it.each(['running', 'paused'] as const)('refuses a switch while %s: the bot must be stopped', async (state) => {
    await control.act('start', 'test');
    if (state === 'paused') await control.act('pause', 'test');
    const result = await control.setMode('live', 'live', 'api');
    expect(!result.ok && result.error).toMatchObject({ code: 'INVALID_TRANSITION', httpStatus: 409, details: { state } });
    await modeUnchanged();
  });

  it('refuses live without the confirm field', async () => {
    const result = await control.setMode('live', undefined, 'api');
    expect(!result.ok && result.error).toMatchObject({ code: 'CONFIRMATION_REQUIRED', httpStatus: 409 });
    await modeUnchanged();
  });

  it('refuses live without live credentials', async () => {
    h.liveCredentials.value = false;
    const result = await control.setMode('live', 'live', 'api');
    expect(!result.ok && result.error).toMatchObject({ code: 'LIVE_CREDENTIALS_MISSING', httpStatus: 409 });
    await modeUnchanged();
  });

  it('switches to live: persisted, journaled, broker switched and reconciled against the new account', async () => {
    const reconciled = nextEvent(control, 'reconciled');
    const result = await control.setMode('live', 'live', 'api');
    expect(result.ok && result.value).toMatchObject({ mode: 'live', state: 'stopped', reconciled: true });
    expect(h.switched).toEqual(['live']);
    expect((await control.getConfig()).mode).toBe('live');
    expect((await journalOf(t, ['mode_changed']))[0]).toMatchObject({ cause: 'api', data: { from: 'paper', to: 'live' } });
    expect((await reconciled).report.ok).toBe(true);
  });

  it('switches back to paper without a confirmation', async () => {
    await control.setMode('live', 'live', 'api');
    const result = await control.setMode('paper', undefined, 'api');
    expect(result.ok && result.value.mode).toBe('paper');
    expect(h.switched).toEqual(['live', 'paper']);
  });
});
