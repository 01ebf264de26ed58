/**
 * Time exits fire from the clock on a quiet symbol: no print on the stream and no snapshot poll
 * within the hold (the poll period is set past it), the real supervisor on PostgreSQL and the
 * simulated exchange, one ManualClock.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { saveBotSettings } from '../../src/adapters/postgres/index.js';
import type { PositionEvent } from '../../src/actors/position-supervisor.types.js';
import { eventually } from '../support/eventually.js';
import { createTestDb, type TestDb } from '../support/test-db.js';
import { reload, startPositionsHarness, type PositionsHarness } from '../support/positions-harness.js';

let t: TestDb;
let h: PositionsHarness;

beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });
beforeEach(async () => {
  await t.truncate();
  await saveBotSettings(t.db, { maxHoldDurationSec: 60 }, Date.parse('2026-11-23T15:00:00Z'));
  h = await startPositionsHarness(t, { pollEveryMs: 3_600_000 });
  await h.supervisor.start();
});
afterEach(async () => { await h.close(); });

describe('time exits on a quiet symbol', () => {
  it('closes a position at its max hold with no print since the fill', async () => {
    const trade = await h.enter('AAPL');
    await h.next('opened', (e) => e.tradeId === trade.id);
    const opened = await reload(t, trade.id);
    const decided: Array<Extract<PositionEvent, { type: 'exit_decided' }>> = [];
    const sub = h.supervisor.events$.subscribe((e) => { if (e.type === 'exit_decided') decided.push(e); });
    const closed = h.next('closed', (e) => e.tradeId === trade.id);
    const snapshotPolls = () => h.sim.server.faults.requests.filter((r) => r.path.includes('snapshot')).length;
    const pollsBefore = snapshotPolls();

    h.sim.clock.set(opened.entryAt! + 59_999);
    expect(h.supervisor.trackedCount()).toBe(1);
    h.sim.clock.set(opened.entryAt! + 60_000);
    await eventually(async () => expect(decided).toHaveLength(1), { deadlineMs: 3_000 });
    sub.unsubscribe();
    expect(decided[0]).toMatchObject({ reason: 'time_exit', detail: 'held 60s ≥ max hold 60s', price: opened.entryPrice!.toNumber() });
    expect(snapshotPolls()).toBe(pollsBefore);

    expect((await closed).reason).toBe('time_exit');
    const row = await reload(t, trade.id);
    expect(row.exitReason).toBe('time_exit');
    expect(row.exitAt! - row.entryAt!).toBe(60_000);
  });
});
