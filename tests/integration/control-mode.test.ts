/** The mode guard: paper ↔ live only while stopped and flat, live only with confirm and credentials. */
import { sql } from 'kysely';
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

  it('reports the new account unreconciled until a reconciliation against it succeeds', async () => {
    expect((await control.status()).reconciled).toBe(true);
    h.sim.server.faults.failNext({}, { kind: 'status', status: 503 }, 100_000);
    const retry = nextEvent(control, 'reconcile_failed', (e) => e.retryInMs !== null);
    const result = await control.setMode('live', 'live', 'api');
    expect(result.ok && result.value).toMatchObject({ mode: 'live', state: 'stopped', reconciled: false });
    expect((await control.entryGate()).reconciled).toBe(false);
    const { retryInMs } = await retry;
    h.sim.server.faults.clearTransport();
    const reconciled = nextEvent(control, 'reconciled', (e) => e.cause === 'mode_change');
    h.clock.advance(retryInMs ?? 0);
    await reconciled;
    expect((await control.status()).reconciled).toBe(true);
    expect((await control.act('start', 'api')).ok).toBe(true);
  });

  it('switches back to paper without a confirmation', async () => {
    await control.setMode('live', 'live', 'api');
    const result = await control.setMode('paper', undefined, 'api');
    expect(result.ok && result.value.mode).toBe('paper');
    expect(h.switched).toEqual(['live', 'paper']);
  });

  it('puts the old mode\'s broker back when the new mode cannot be written, and answers the failure', async () => {
    // the database refuses the write of a new mode (as a lost connection would), nothing else
    await sql`create function refuse_mode_write() returns trigger language plpgsql as $$
      begin if new.mode <> old.mode then raise exception 'mode write refused'; end if; return new; end $$`.execute(t.db);
    await sql`create trigger refuse_mode_write before update on bot_config for each row execute function refuse_mode_write()`.execute(t.db);
    try {
      await expect(control.setMode('live', 'live', 'api')).rejects.toThrow(/mode write refused/);
      expect(h.switched).toEqual(['live', 'paper']);
      expect((await control.getConfig()).mode).toBe('paper');
      expect(await journalOf(t, ['mode_changed'])).toEqual([]);
      expect((await control.status()).state).toBe('stopped');
    } finally {
      await sql`drop trigger refuse_mode_write on bot_config`.execute(t.db);
      await sql`drop function refuse_mode_write()`.execute(t.db);
    }
  });
});
