/**
 * GET /api/bot/status's `account`, through the HTTP app over the real control, the pipeline's account
 * cache and the simulated exchange: the cache's last read, money as decimal strings, exposure as a
 * number, and never a broker read per request.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AccountCache } from '../../src/control/pipeline/account-cache.js';
import { Decimal, dec } from '../../src/domain/money.js';
import { createApp } from '../../src/http/app.js';
import { useApiContract } from '../support/api-contract.js';
import { withUnattendedCount } from '../../src/service/attended-control.js';
import { FakeSupervisor, startPipelineHarness, type Keel, type PipelineHarness } from '../support/pipeline-harness.js';
import { marketBuy } from '../support/sim-harness.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

const TOKEN = 'test-token-0123456789abcdef';

let t: TestDb;
let h: PipelineHarness;
let supervisor: FakeSupervisor;
let keel: Keel;

beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });
beforeEach(async () => {
  await t.truncate();
  supervisor = new FakeSupervisor();
  h = await startPipelineHarness(t, () => supervisor);
  keel = await h.boot();
});
afterEach(async () => { await h.close(); });

function statusOver(read: () => ReturnType<AccountCache['peek']>) {
  const control = withUnattendedCount(keel.control, supervisor, () => null, read);
  const app = contract.check(createApp({ control, pipeline: keel.pipeline, apiToken: TOKEN, logError: () => {} }));
  return async () => {
    const res = await app.request('/api/bot/status', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as { account: Record<string, unknown> | null };
  };
}

const contract = useApiContract();

const accountReads = () => h.sim.server.faults.requests.filter((r) => r.method === 'GET' && r.path === '/v2/account').length;

describe('GET /api/bot/status: account', () => {
  it('is null while the account has not been read, and the request does not read it', async () => {
    const cache = new AccountCache({ clock: h.clock, broker: () => h.alpaca.broker });
    const status = statusOver(() => cache.peek());
    const before = accountReads();
    expect((await status()).account).toBeNull();
    expect(accountReads()).toBe(before);
  });

  it('shows the last read: money as decimal strings, exposure as a number, unrealized P&L of Keel\'s positions, asOf', async () => {
    expect((await h.sim.rest('/v2/orders', marketBuy('AAPL', 'outside-keel', '10'))).status).toBe(200);
    expect((await keel.control.act('start', 'test')).ok).toBe(true);
    supervisor.unrealized = dec('-3.25');
    const readAt = h.clock.now();
    expect(await keel.pipeline.account.readFresh()).not.toBeNull();
    const broker = await h.alpaca.broker.getAccount();

    const status = statusOver(() => keel.pipeline.account.peek());
    const before = accountReads();
    const { account } = await status();
    const lmv = broker.longMarketValue ?? dec(0);
    expect(lmv.gt(0)).toBe(true);
    expect(account).toEqual({
      equity: broker.equity.toFixed(), cash: broker.cash.toFixed(), buyingPower: broker.buyingPower.toFixed(),
      longMarketValue: lmv.toFixed(), unrealizedPnl: '-3.25',
      exposurePct: lmv.div(broker.equity).times(100).toDecimalPlaces(4).toNumber(), asOf: readAt,
    });
    expect(new Decimal(account?.exposurePct as number).decimalPlaces()).toBeLessThanOrEqual(4);
    expect(accountReads()).toBe(before);
  });

  it('keeps showing an aged read with its asOf, without reading the broker for the request', async () => {
    const readAt = h.clock.now();
    expect(await keel.pipeline.account.readFresh()).not.toBeNull();
    h.clock.advance(10 * 60_000); // far beyond the cache's 60 s bound for intake; the bot is stopped, nothing refreshes it
    const status = statusOver(() => keel.pipeline.account.peek());
    const before = accountReads();
    const { account } = await status();
    expect(account).toMatchObject({ asOf: readAt, unrealizedPnl: '0' });
    expect(accountReads()).toBe(before);
  });
});
