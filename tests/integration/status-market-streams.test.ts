/**
 * GET /api/bot/status's market clock, force close and stream health, through the HTTP app over the
 * real control and the simulated exchange's clock: next open and close from the broker's clock
 * (cached: many status reads, one clock read), today's force close at eodForceCloseTime (at the
 * latest 15 minutes before an early close), and the streams' health as their events say.
 */
import { firstValueFrom, filter } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { withUnattendedCount } from '../../src/service/attended-control.js';
import { StreamHealthMonitor } from '../../src/service/stream-health.monitor.js';
import { useApiContract } from '../support/api-contract.js';
import { eventually } from '../support/eventually.js';
import { FakeSupervisor, startPipelineHarness, type PipelineHarness } from '../support/pipeline-harness.js';
import { SESSION_OPEN } from '../support/sim-harness.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

const TOKEN = 'test-token-0123456789abcdef';
const contract = useApiContract();

let t: TestDb;
let h: PipelineHarness | null = null;

beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });
afterEach(async () => { await h?.close(); h = null; });

interface StatusBody {
  marketOpen: boolean | null;
  market: { open: boolean | null; nextOpen: number | null; nextClose: number | null };
  forceCloseAt: number | null;
  streams: { tradeUpdates: string; marketData: string };
}

async function statusApp(start: string, monitor = new StreamHealthMonitor(), settings: Record<string, unknown> = {}) {
  await t.truncate();
  const harness = await startPipelineHarness(t, () => new FakeSupervisor(), start);
  h = harness;
  const keel = await harness.boot({ settings });
  const control = withUnattendedCount(keel.control, new FakeSupervisor(), () => null, () => null, () => monitor.current());
  const app = contract.check(createApp({ control, pipeline: keel.pipeline, apiToken: TOKEN, logError: () => {} }));
  return async (): Promise<StatusBody> => {
    const res = await app.request('/api/bot/status', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as StatusBody;
  };
}

const clockReads = () => h!.sim.server.faults.requests.filter((r) => r.method === 'GET' && r.path === '/v2/clock').length;

describe('GET /api/bot/status: market clock and force close', () => {
  it('answers the next close and open from the cached broker clock, and the force close at 15:45 New York time', async () => {
    const status = await statusApp(SESSION_OPEN); // Monday 2026-11-23 10:00 New York
    const first = await status();
    const reads = clockReads();
    expect(first.marketOpen).toBe(true);
    expect(first.market).toEqual({ open: true, nextOpen: Date.parse('2026-11-24T14:30:00Z'), nextClose: Date.parse('2026-11-23T21:00:00Z') });
    expect(first.forceCloseAt).toBe(Date.parse('2026-11-23T20:45:00Z'));
    for (let i = 0; i < 5; i++) expect((await status()).market).toEqual(first.market);
    expect(clockReads()).toBe(reads);
  });

  it('follows the configured force-close time', async () => {
    const status = await statusApp(SESSION_OPEN, undefined, { eodForceCloseTime: '15:30' });
    expect((await status()).forceCloseAt).toBe(Date.parse('2026-11-23T20:30:00Z'));
  });

  it('on an early-close day forces the close 15 minutes before the 13:00 close', async () => {
    const status = await statusApp('2026-11-27T15:00:00Z'); // the day after Thanksgiving, 10:00 New York
    const body = await status();
    expect(body.market.nextClose).toBe(Date.parse('2026-11-27T18:00:00Z'));
    expect(body.forceCloseAt).toBe(Date.parse('2026-11-27T17:45:00Z'));
  });

  it('has no force close while the market is closed, and counts down to the next open', async () => {
    const status = await statusApp('2026-11-22T15:00:00Z'); // Sunday
    const body = await status();
    expect(body.market).toEqual({ open: false, nextOpen: Date.parse('2026-11-23T14:30:00Z'), nextClose: Date.parse('2026-11-23T21:00:00Z') });
    expect(body.forceCloseAt).toBeNull();
  });
});

describe('GET /api/bot/status: streams', () => {
  it('says off before the streams run, reconnecting while the trade stream catches up, live after, and reconnecting through a drop', async () => {
    const monitor = new StreamHealthMonitor();
    const status = await statusApp(SESSION_OPEN, monitor);
    expect((await status()).streams).toEqual({ tradeUpdates: 'off', marketData: 'off' });

    const { alpaca, sim, clock } = h!;
    const attached = monitor.attach({ trade: alpaca.tradeStream.events$, marketData: alpaca.marketDataStream.events$ });
    // read at once: the first subscriber starts the trade stream, and on loopback it can be caught up
    // before an HTTP status read returns (it was, under load)
    expect(monitor.current()).toEqual({ tradeUpdates: 'reconnecting', marketData: 'off' });
    const resynced = firstValueFrom(alpaca.tradeStream.events$.pipe(filter((e) => e.type === 'resynced')));
    alpaca.tradeStream.start();
    await resynced;
    expect((await status()).streams.tradeUpdates).toBe('live');

    alpaca.marketDataStream.start();
    await eventually(async () => expect((await status()).streams).toEqual({ tradeUpdates: 'live', marketData: 'live' }));

    const dropped = firstValueFrom(alpaca.tradeStream.events$.pipe(filter((e) => e.type === 'disconnected')));
    sim.server.faults.disconnectTradeStreams();
    const gap = await dropped;
    expect((await status()).streams.tradeUpdates).toBe('reconnecting');
    const back = firstValueFrom(alpaca.tradeStream.events$.pipe(filter((e) => e.type === 'resynced')));
    clock.advance(gap.type === 'disconnected' ? gap.retryInMs ?? 0 : 0);
    await back;
    expect((await status()).streams.tradeUpdates).toBe('live');

    attached.unsubscribe();
    expect((await status()).streams).toEqual({ tradeUpdates: 'off', marketData: 'off' });
  });
});
