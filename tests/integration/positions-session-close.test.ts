import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { saveBotSettings } from '../../src/adapters/postgres/index.js';
import { createTestDb, type TestDb } from '../support/test-db.js';
import { reload, startPositionsHarness, type PositionsHarness } from '../support/positions-harness.js';

let t: TestDb;
let h: PositionsHarness | null = null;

beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });
beforeEach(async () => {
  await t.truncate();
  // a day-long max hold, so only the session close can end the position
  await saveBotSettings(t.db, { maxHoldDurationSec: 86_400, hardStopLossPct: 90, profitTargetPct: 900 }, Date.parse('2026-11-23T15:00:00Z'));
});
afterEach(async () => { await h?.close(); h = null; });

async function openAt(start: string) {
  h = await startPositionsHarness(t, {}, start);
  await h.supervisor.start();
  const trade = await h.enter('AAPL');
  await h.next('opened', (e) => e.tradeId === trade.id);
  return { h, trade };
}

describe('session close', () => {
  it('force-closes every open position at 15:45 ET on a regular trading day', async () => {
    const { h, trade } = await openAt('2026-11-23T15:00:00Z');
    const closed = h.next('closed', (e) => e.tradeId === trade.id);
    h.sim.clock.set('2026-11-23T20:44:59Z');
    expect(h.supervisor.trackedCount()).toBe(1);
    h.sim.clock.set('2026-11-23T20:45:00Z'); // 15:45 EST
    const event = await closed;
    expect(event.reason).toBe('force_close_eod');
    const row = await reload(t, trade.id);
    expect(row.exitAt).toBeGreaterThanOrEqual(Date.parse('2026-11-23T20:45:00Z'));
  });

  it('force-closes 15 minutes before an early 13:00 close (2026-11-27 → 12:45 ET)', async () => {
    const { h, trade } = await openAt('2026-11-27T15:00:00Z');
    const closed = h.next('closed', (e) => e.tradeId === trade.id);
    h.sim.clock.set('2026-11-27T17:44:59Z');
    expect(h.supervisor.trackedCount()).toBe(1);
    h.sim.clock.set('2026-11-27T17:45:00Z'); // 12:45 EST
    expect((await closed).reason).toBe('force_close_eod');
  });
});
