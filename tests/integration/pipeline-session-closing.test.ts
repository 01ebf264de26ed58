/**
 * Entries near the session's end, on real PostgreSQL against the simulated exchange: from the day's
 * forced close on (15:45 ET by default) every open position is sold, so an entry then would be a
 * round trip at once — a spread paid and a day trade counted for nothing. Keel refuses it, says
 * when the forced close was, and sends nothing; before it, entries go as always.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listTrades } from '../../src/adapters/postgres/index.js';
import { decide, FakeSupervisor, signal, startPipelineHarness, type PipelineHarness } from '../support/pipeline-harness.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

let t: TestDb;
let h: PipelineHarness | null = null;

beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });
afterEach(async () => { await h?.close(); h = null; });

/** Keel running on the sim at `at` (the sim's session: 09:30–16:00 ET; 2026-11-23 is a Monday, EST) */
async function keelAt(at: string) {
  await t.truncate();
  h = await startPipelineHarness(t, () => new FakeSupervisor(), at);
  const keel = await h.boot();
  expect((await keel.control.act('start', 'test')).ok).toBe(true);
  return keel;
}

const ordersAtExchange = async () => (await (await h!.sim.rest('/v2/orders?status=all&limit=500')).json()) as unknown[];

describe('pipeline: entries at the session\'s end', () => {
  it('refuses a signal after the forced close with SESSION_CLOSING, naming the time, and sends nothing', async () => {
    const keel = await keelAt('2026-11-23T20:50:00Z'); // 15:50 ET: the market is open, the forced close was at 15:45
    const answer = await decide(keel.pipeline, signal({ id: 'late', symbol: 'AAPL' }));
    expect(answer).toMatchObject({ signalId: 'late', outcome: 'skipped', reason: 'SESSION_CLOSING' });
    const record = await keel.pipeline.getSignal('late');
    expect(record?.denial).toMatchObject({ code: 'SESSION_CLOSING', context: { forceCloseAt: '2026-11-23T20:45:00.000Z' } });
    expect(record?.denial?.message).toContain('15:45 ET');
    expect(await listTrades(t.db, {})).toEqual([]);
    expect(await ordersAtExchange()).toEqual([]);
  });

  it('enters before the forced close as always, and follows the configured time', async () => {
    const keel = await keelAt('2026-11-23T20:40:00Z'); // 15:40 ET
    expect(await decide(keel.pipeline, signal({ id: 'before', symbol: 'AAPL' }))).toEqual({ signalId: 'before', outcome: 'fired' });
    expect((await keel.control.patchConfig({ eodForceCloseTime: '15:30' }, 'test')).ok).toBe(true);
    expect(await decide(keel.pipeline, signal({ id: 'after', symbol: 'MSFT' }))).toMatchObject({ outcome: 'skipped', reason: 'SESSION_CLOSING' });
    expect((await keel.pipeline.getSignal('after'))?.denial?.message).toContain('15:30 ET');
    expect(await ordersAtExchange()).toHaveLength(1);
  });
});
