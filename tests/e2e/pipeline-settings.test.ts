/**
 * A trader tightens the stop of a RUNNING bot through PATCH /api/bot/config and the open position
 * follows at once: the HTTP app, the control facade, the lifecycle wiring, the real supervisor,
 * PostgreSQL and the simulated exchange, on one ManualClock; every wait is for a concrete event.
 */
import { filter, firstValueFrom } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getTrade } from '../../src/adapters/postgres/index.js';
import { createApp } from '../../src/http/app.js';
import { decide, realSupervisor, signal, startPipelineHarness, TEST_SETTINGS, type Keel, type PipelineHarness } from '../support/pipeline-harness.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

const TOKEN = 'settings-e2e-token';
let t: TestDb;
let h: PipelineHarness;
let keel: Keel;

beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });
afterEach(async () => { await h.close(); });

async function runningWithPosition(symbol: string) {
  await t.truncate();
  h = await startPipelineHarness(t, realSupervisor);
  keel = await h.boot({ settings: TEST_SETTINGS });
  const started = keel.applied('start');
  expect((await keel.control.act('start', 'test')).ok).toBe(true);
  await started;
  await keel.streamLive();
  const watching = firstValueFrom(h.alpaca.marketDataStream.events$.pipe(filter((e) => e.type === 'subscription' && e.subscription.trades.includes(symbol))));
  expect(await decide(keel.pipeline, signal({ id: `sig-${symbol}`, symbol }))).toMatchObject({ outcome: 'fired' });
  const tradeId = (await keel.pipeline.getSignal(`sig-${symbol}`))!.tradeId!;
  await keel.position('opened', (e) => e.tradeId === tradeId);
  await watching;
  const trade = await getTrade(t.db, tradeId);
  return { tradeId, entry: trade!.entryPrice!.toNumber() };
}

const patch = (body: unknown) => createApp({ control: keel.control, pipeline: keel.pipeline, apiToken: TOKEN, logError: (e) => { throw e; } })
  .request('/api/bot/config', { method: 'PATCH', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('PATCH /api/bot/config while the bot runs', () => {
  it('closes an open position at once when the tightened hard stop is above the last price', async () => {
    const { tradeId, entry } = await runningWithPosition('AAPL');
    const inside = Math.round(entry * 96) / 100; // 4 % down: inside the default 7 % stop
    const seen = firstValueFrom(h.alpaca.marketDataStream.events$.pipe(filter((e) => e.type === 'trade' && e.trade.price === inside)));
    h.sim.core.market.setPrice('AAPL', inside);
    await seen;
    expect(keel.supervisor.trackedCount()).toBe(1);

    const applied = keel.applied('settings');
    const closed = keel.position('closed', (e) => e.tradeId === tradeId);
    const res = await patch({ hardStopLossPct: 3 });
    expect(res.status).toBe(200);
    await applied;
    expect((await closed).reason).toBe('hard_stop');
    expect((await getTrade(t.db, tradeId))?.status).toBe('closed');
  });

  it('a change to a setting the exit rules do not read leaves the supervisor alone', async () => {
    const { tradeId } = await runningWithPosition('MSFT');
    const steps: string[] = [];
    const sub = keel.supervisor.events$.subscribe((e) => { if (e.type === 'settings_applied') steps.push(e.type); });
    expect((await patch({ maxTradesPerDay: 3 })).status).toBe(200);
    const applied = keel.applied('settings');
    expect((await patch({ profitTargetPct: 50 })).status).toBe(200);
    await applied;
    sub.unsubscribe();
    expect(steps).toEqual(['settings_applied']); // once: for profitTargetPct only
    expect((await getTrade(t.db, tradeId))?.status).toBe('open');
  });
});
