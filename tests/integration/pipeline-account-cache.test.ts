/**
 * Intake without broker reads in the way (docs/benchmarks.md, B6b): the account snapshot cache and the price choice,
 * on real PostgreSQL against the simulated exchange, judged by the exchange's own request log.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { filter, firstValueFrom } from 'rxjs';
import { dec } from '../../src/domain/money.js';
import type { BotSettings } from '../../src/domain/bot-config.js';
import { decide, FakeSupervisor, signal, startPipelineHarness, TEST_SETTINGS, type Keel, type PipelineHarness } from '../support/pipeline-harness.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

let t: TestDb;
let h: PipelineHarness;
let supervisor: FakeSupervisor;

beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });
beforeEach(async () => {
  await t.truncate();
  supervisor = new FakeSupervisor();
  h = await startPipelineHarness(t, () => supervisor);
});
afterEach(async () => { await h.close(); });

async function bootRunning(settings: Partial<BotSettings> = {}): Promise<Keel> {
  const keel = await h.boot({ settings: { ...TEST_SETTINGS, ...settings } });
  expect((await keel.control.act('start', 'test')).ok).toBe(true);
  return keel;
}

const isAccountRead = (r: { method: string; path: string }) => r.method === 'GET' && r.path === '/v2/account';
const isPriceRead = (r: { path: string }) => r.path.startsWith('/v2/stocks/');
const brokerReadsDuring = async <T>(work: () => Promise<T>) => {
  const from = h.sim.server.faults.requests.length;
  const value = await work();
  const during = h.sim.server.faults.requests.slice(from);
  return { value, account: during.filter(isAccountRead).length, price: during.filter(isPriceRead).length };
};
const nthAccountRead = (n: number) =>
  h.sim.server.faults.requests.filter(isAccountRead).length >= n
    ? Promise.resolve()
    : firstValueFrom(h.sim.server.faults.requests$.pipe(filter(() => h.sim.server.faults.requests.filter(isAccountRead).length >= n)));

describe('intake: account snapshot cache', () => {
  it('reads the account once on a cold start (the start itself asks), then answers the next signal with no account or price read', async () => {
    const keel = await bootRunning();
    const cold = await brokerReadsDuring(() => decide(keel.pipeline, signal({ id: 'cold', symbol: 'AAPL' })));
    expect(cold.value.outcome).toBe('fired');
    expect(cold.price).toBe(0);
    expect(h.sim.server.faults.requests.filter(isAccountRead)).toHaveLength(1);

    await keel.pipeline.idle();
    await nthAccountRead(2); // the re-read after the entry submission
    const warm = await brokerReadsDuring(() => decide(keel.pipeline, signal({ id: 'warm', symbol: 'MSFT', priceAtSignal: dec(50) })));
    expect(warm.value).toEqual({ signalId: 'warm', outcome: 'fired' });
    expect(warm).toMatchObject({ account: 0, price: 0 });
  });

  it('subtracts an in-flight entry from the cached buying power, so a second signal cannot spend the same dollars', async () => {
    // the allocation, exposure and loss limits opened wide: this is about buying power alone
    const keel = await bootRunning({
      sizingMode: 'fixed_dollar', positionSizeUsd: dec(60_000), maxPerTradeUsd: dec(60_000),
      maxPortfolioAllocationPct: 100, maxTotalInvestedPct: 100, dailyLossLimitUsd: dec(1_000_000),
    });
    // the first POST's answer is withheld: no read after it can have settled the reservation
    h.sim.server.faults.failNext({ method: 'POST', path: '/v2/orders' }, { kind: 'timeout' });
    expect(await decide(keel.pipeline, signal({ id: 'first', symbol: 'AAPL' }))).toMatchObject({ outcome: 'fired' });
    const second = await brokerReadsDuring(() => decide(keel.pipeline, signal({ id: 'second', symbol: 'MSFT' })));
    expect(second.value).toEqual({ signalId: 'second', outcome: 'skipped', reason: 'INSUFFICIENT_BUYING_POWER' });
    expect(second.account).toBe(0);
    const denial = (await keel.pipeline.getSignal('second'))?.denial;
    expect(denial?.context).toMatchObject({ notional: '60000', buyingPower: '40000' });
    h.timeouts.advance(120_000); // let the withheld POST resolve by client order id before shutdown
    await keel.pipeline.idle();
  });

  it('denies with BUYING_POWER_UNKNOWN when the snapshot is older than its bound, instead of guessing', async () => {
    const keel = await bootRunning();
    expect(await decide(keel.pipeline, signal({ id: 'warm-up', symbol: 'AAPL' }))).toMatchObject({ outcome: 'fired' });
    await keel.pipeline.idle();
    await nthAccountRead(2);
    supervisor.active = false; // no periodic refresh: the snapshot only ages
    h.clock.advance(61_000);
    await keel.control.entryGate(); // the market clock's cache lapsed too: read it, so only the account is stale
    const stale = await brokerReadsDuring(() => decide(keel.pipeline, signal({ id: 'stale', symbol: 'MSFT' })));
    expect(stale.value).toEqual({ signalId: 'stale', outcome: 'skipped', reason: 'BUYING_POWER_UNKNOWN' });
    // asking for a stale snapshot starts a refresh in the background: the next signal may go
    await nthAccountRead(3);
    await keel.pipeline.idle();
  });

  it('refreshes the snapshot on the injected clock while the supervisor runs', async () => {
    const keel = await bootRunning();
    await decide(keel.pipeline, signal({ id: 'warm-up', symbol: 'AAPL' }));
    await keel.pipeline.idle();
    await nthAccountRead(2);
    h.clock.advance(5_000);
    await nthAccountRead(3);
    expect(h.sim.server.faults.requests.filter(isAccountRead)).toHaveLength(3);
  });
});

describe('intake: price', () => {
  it('sizes a risk_based entry with the signal price and reads the latest trade only when no price is known', async () => {
    const keel = await bootRunning({ sizingMode: 'risk_based' });
    const priced = await brokerReadsDuring(() => decide(keel.pipeline, signal({ id: 'priced', symbol: 'AAPL', priceAtSignal: dec(100), stopLossPrice: dec(95) })));
    expect(priced.value.outcome).toBe('fired');
    expect(priced.price).toBe(0);
    const unpriced = await brokerReadsDuring(() => decide(keel.pipeline, signal({ id: 'unpriced', symbol: 'MSFT' })));
    expect(unpriced.value.outcome).toBe('fired');
    expect(unpriced.price).toBe(1);
    await keel.pipeline.idle();
  });
});
