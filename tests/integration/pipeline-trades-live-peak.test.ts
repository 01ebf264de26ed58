/**
 * GET /api/trades(/:id) through the pipeline: an open trade's peakPrice is the running actor's
 * (live), not the column persisted on a throttle. Real PostgreSQL; the supervisor is the recording
 * fake, holding the peaks its "actors" would.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { insertTrade } from '../../src/adapters/postgres/index.js';
import { dec } from '../../src/domain/money.js';
import { FakeSupervisor, startPipelineHarness, type Keel, type PipelineHarness } from '../support/pipeline-harness.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

let t: TestDb;
let h: PipelineHarness;
let keel: Keel;
let supervisor: FakeSupervisor;

beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });
beforeEach(async () => {
  await t.truncate();
  supervisor = new FakeSupervisor();
  h = await startPipelineHarness(t, () => supervisor);
  keel = await h.boot();
});
afterEach(async () => { await h.close(); });

const held = (status: 'open' | 'closed', symbol: string) => insertTrade(t.db, {
  symbol, side: 'buy', status, shares: dec(10), entryPrice: dec(100), entryAt: h.clock.now(), peakPrice: dec(101),
}, h.clock.now());

describe('trades: the live peak', () => {
  it('shows an open trade\'s peak from its running actor in the list and the detail', async () => {
    const open = await held('open', 'AAPL');
    supervisor.livePeaks.set(open.id, 104.37);
    const page = await keel.pipeline.listTrades({});
    expect(page.items.map((tr) => [tr.id, tr.peakPrice?.toFixed()])).toEqual([[open.id, '104.37']]);
    expect((await keel.pipeline.getTrade(open.id))?.trade.peakPrice?.toFixed()).toBe('104.37');
  });

  it('keeps the persisted peak for a trade with no running actor, a closed trade, and a live peak not above it', async () => {
    const unattended = await held('open', 'AAPL');
    const closed = await held('closed', 'MSFT');
    const lower = await held('open', 'NVDA');
    supervisor.livePeaks.set(closed.id, 120);
    supervisor.livePeaks.set(lower.id, 100.5);
    for (const trade of [unattended, closed, lower]) expect((await keel.pipeline.getTrade(trade.id))?.trade.peakPrice?.toFixed()).toBe('101');
    const page = await keel.pipeline.listTrades({});
    expect(page.items.map((tr) => tr.peakPrice?.toFixed())).toEqual(['101', '101', '101']);
  });
});
